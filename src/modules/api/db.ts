// The API module's view of the database: the core tables and its own.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { ApiTables } from './schema.ts';

export type ApiTx = ModuleTx<ApiTables>;
export type ApiDb = ModuleDb<ApiTables>;
export const apiDb = moduleView<ApiTables>();
