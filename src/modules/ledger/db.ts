// The ledger module's view of the database: the core tables and its own (chart of accounts, entries, contributions, salary requests and payroll variables).
// Other modules' data comes through their services (index.ts) or the events they emit.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { LedgerTables } from './schema.ts';

export type LedgerTx = ModuleTx<LedgerTables>;
export type LedgerDb = ModuleDb<LedgerTables>;
export const ledgerDb = moduleView<LedgerTables>();
