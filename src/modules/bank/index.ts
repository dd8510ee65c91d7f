export { bankMigrations, type BankTables } from './schema.ts';
