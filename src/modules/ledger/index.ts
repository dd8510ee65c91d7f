export { ledgerMigrations, type LedgerTables } from './schema.ts';
