// The migration module's view of the database: the core tables and its own (import_source_key).
import { moduleView, type ModuleTx } from '../../core/db/handles.ts';
import type { MigrationTables } from './schema.ts';

export type MigrationTx = ModuleTx<MigrationTables>;
export const migrationDb = moduleView<MigrationTables>();
