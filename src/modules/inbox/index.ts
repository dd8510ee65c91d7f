export { inboxMigrations, type InboxTables } from './schema.ts';
