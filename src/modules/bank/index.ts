// Bank: accounts, statement imports (CAMT.053, OFX, CSV), matching and SEPA credit transfers.
export { bankMigrations, type BankTables, type MatchTarget } from './schema.ts';
export {
  parseStatement,
  parseCamt053,
  parseOfx,
  parseCsv,
  guessCsvMapping,
  detectDecimalSeparator,
  StatementParseError,
  FRENCH_CSV_MAPPING,
  type CsvMapping,
  type ParsedLine,
  type ParsedStatement,
  type StatementFormat,
} from './parsers.ts';
export {
  registerMatchSource,
  rankSuggestions,
  autoMatch,
  type MatchSource,
  type OpenItem,
  type Suggestion,
} from './matching.ts';
export {
  ensureMainAccount,
  listAccounts,
  createAccount,
  accountByIban,
  importStatement,
  autoMatchTransactions,
  listToJustify,
  confirmSuggestion,
  suggestionsForLines,
  type SuggestionView,
  matchManually,
  markIgnored,
  justifyToAccount,
  listMatched,
  type BankAccount,
  type BankTransaction,
  type ImportResult,
} from './bank.service.ts';
export { ACCOUNT_KINDS, recogniseAccountKind, type AccountKind } from './account-justification.ts';
export { getBankLine, listBankLines, type BankLineFilters } from './lines.service.ts';
export {
  listSepaCandidates,
  createSepaBatch,
  listSepaBatches,
  getSepaBatchFile,
  type SepaCandidate,
  type SepaBatchResult,
} from './sepa.service.ts';
export { writeCamt053, type CamtEntry } from './camt-writer.ts';
export { buildPain001, validateBatch, sepaText, type SepaBatch, type SepaPayment, type SepaParty } from './sepa.ts';
