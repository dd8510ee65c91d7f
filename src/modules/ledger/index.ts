// Ledger: chart, journals, postings (sales events are posted here, in the sales transaction),
// period closing, contributions, FEC and reports. Its event handlers are registered by module.ts.
export { ledgerMigrations, type LedgerTables } from './schema.ts';
export {
  postEntry,
  reverseEntry,
  closePeriod,
  isPeriodClosed,
  createManualEntry,
  fiscalYearOf,
  postBankLine,
  BANK_LINE_ACCOUNTS,
  type BankLinePosting,
  type PostingInput,
  type PostingLine,
  type PostedEntry,
} from './posting.service.ts';
export { ensureChart, accountRoles, DEFAULT_CHART, DEFAULT_JOURNALS, type AccountRoles } from './chart.ts';
export {
  computeMonthlyContribution,
  postMonthlyContribution,
  postContributionsForMonth,
  type ContributionRule,
} from './contribution.service.ts';
export { activityAccount, trialBalance } from './reports.ts';
export { writeFec } from './fec.ts';
export { importEntries, parseCodeMapping, type EntriesImportReport } from './entries-import.service.ts';
export {
  warmUp as warmUpSalaryEngine,
  simulateFromEmployerCost,
  simulateFromGross,
  simulateFromNet,
  type SalarySimulation,
} from './salary/salary-engine.ts';
export { listSalaryRequests, getSalaryRequest, type SalaryRequest } from './salary/salary-request.service.ts';
export { balancedEntriesCheck, ledgerTotalsByActivity, type LedgerActivityTotals } from './integrity.ts';
export { ledgerPersonalData } from './personal-data.ts';
export { ledgerImpactFigures, type LedgerImpactFigures } from './impact-figures.ts';
export {
  postRevenueSplit,
  postInternalInvoice,
  postCostSplit,
  REVENUE_SPLIT_SOURCE,
  COST_SPLIT_SOURCE,
  INTERNAL_INVOICE_SOURCE,
  INTERNAL_ACCOUNTS,
  type RevenueSplitInput,
  type InternalInvoiceInput,
  type CostSplitInput,
} from './analytic-transfers.ts';
