// Ledger: chart, journals, postings (sales events are posted here, in the sales transaction),
// period closing, contributions, FEC and reports. Imported by modules/wiring.ts for its handlers.
import { registerSalesHandlers } from './sales-postings.ts';
registerSalesHandlers();
export { ledgerMigrations, type LedgerTables } from './schema.ts';
export {
  postEntry,
  reverseEntry,
  closePeriod,
  isPeriodClosed,
  createManualEntry,
  fiscalYearOf,
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
import { registerPurchaseHandlers } from './purchase-postings.ts';
registerPurchaseHandlers();
