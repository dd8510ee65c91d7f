// The bank module's view of the database: the core tables and its own (bank accounts, statements, lines, matches and SEPA transfers).
// Other modules' data comes through their services (index.ts) or the events they emit.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { BankTables } from './schema.ts';

export type BankTx = ModuleTx<BankTables>;
export type BankDb = ModuleDb<BankTables>;
export const bankDb = moduleView<BankTables>();
