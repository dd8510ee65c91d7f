// The bank module's door for other modules' tests: CAMT.053 statements written from entries.
export { writeCamt053, type CamtEntry } from './camt-writer.ts';

// --- services that must refuse an organisation without the ERP (src/app/erp-refusal.test.ts) ---
import type { ErpRefusalCase } from '../../core/testing-authz.ts';
import {
  accountByIban,
  autoMatchTransactions,
  bankCounts,
  ensureMainAccount,
  getTransaction,
  listAccounts,
  matchHistory,
  savedCsvMapping,
  saveCsvMapping,
} from './bank.service.ts';
import { loadOpenItems } from './matching.ts';

const NO_ID = '00000000-0000-4000-8000-000000000000';
const ACCOUNT = { id: NO_ID, iban: 'FR7630004000310000012345600' } as never;
/** The bank's helpers whose role the calling action checks, and its role-checked services. */
export const bankErpCases: ErpRefusalCase[] = [
  { name: 'listAccounts', run: (t, a) => listAccounts(t as never, a) },
  { name: 'ensureMainAccount', run: (t, a) => ensureMainAccount(t as never, a) },
  { name: 'accountByIban', run: (t, a) => accountByIban(t as never, a, 'FR7630004000310000012345600') },
  { name: 'savedCsvMapping', run: (t, a) => savedCsvMapping(t as never, a, ACCOUNT) },
  { name: 'saveCsvMapping', run: (t, a) => saveCsvMapping(t as never, a, ACCOUNT, {} as never) },
  { name: 'matchHistory', run: (t, a) => matchHistory(t as never, a) },
  { name: 'autoMatchTransactions', run: (t, a) => autoMatchTransactions(t as never, a, [NO_ID]) },
  { name: 'getTransaction', run: (t, a) => getTransaction(t as never, a, NO_ID) },
  { name: 'bankCounts', run: (t, a) => bankCounts(t as never, a) },
  { name: 'loadOpenItems', run: (t, a) => loadOpenItems(t as never, a) },
];
