// The sales module's view of the database: the core tables and its own (the customers, catalogue, quotes, invoices, credit notes, payments and reminders).
// Other modules' data comes through their services (index.ts) or the events they emit.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { SalesTables } from './schema.ts';

export type SalesTx = ModuleTx<SalesTables>;
export type SalesDb = ModuleDb<SalesTables>;
export const salesDb = moduleView<SalesTables>();
