// The purchases module's view of the database: the core tables and its own (suppliers, supplier invoices, expense sheets, vehicles and mileage).
// Other modules' data comes through their services (index.ts) or the events they emit.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { PurchasesTables } from './schema.ts';

export type PurchasesTx = ModuleTx<PurchasesTables>;
export type PurchasesDb = ModuleDb<PurchasesTables>;
export const purchasesDb = moduleView<PurchasesTables>();
