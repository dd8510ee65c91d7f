import type { SqlMigration } from '../../core/migrations.ts';
export interface SalesTables {}
export const salesMigrations: SqlMigration[] = [];
