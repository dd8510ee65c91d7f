import type { SqlMigration } from '../../core/migrations.ts';
export interface BankTables {}
export const bankMigrations: SqlMigration[] = [];
