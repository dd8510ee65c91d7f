// The e-invoicing module's view of the database: the core tables and its own.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { EInvoicingTables } from './schema.ts';

export type EInvoicingTx = ModuleTx<EInvoicingTables>;
export type EInvoicingDb = ModuleDb<EInvoicingTables>;
export const einvoicingDb = moduleView<EInvoicingTables>();
