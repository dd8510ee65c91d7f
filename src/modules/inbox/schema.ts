import type { SqlMigration } from '../../core/migrations.ts';
export interface InboxTables {}
export const inboxMigrations: SqlMigration[] = [];
