// The directory's view of the database: the core tables and its own (see core/db/tenant.ts).
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { DirectoryTables } from './schema.ts';

export type DirectoryTx = ModuleTx<DirectoryTables>;
export type DirectoryDb = ModuleDb<DirectoryTables>;
export const directoryDb = moduleView<DirectoryTables>();
