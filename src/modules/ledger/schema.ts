import type { SqlMigration } from '../../core/migrations.ts';
export interface LedgerTables {}
export const ledgerMigrations: SqlMigration[] = [];
