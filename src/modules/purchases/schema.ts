import type { SqlMigration } from '../../core/migrations.ts';
export interface PurchasesTables {}
export const purchasesMigrations: SqlMigration[] = [];
