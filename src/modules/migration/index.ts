// The migration module's public surface: importing a cooperative's history from enDI.
export { importEndi, runEndiImport, type ImportReport, type CreatedCounts } from './endi-import.service.ts';
export { readEndiDir, type EndiBundle, type Problem } from './endi-files.ts';
export { MIGRATION } from './permissions.ts';
export { migrationMigrations, type MigrationTables } from './schema.ts';
