export { salesMigrations, type SalesTables } from './schema.ts';
export * from './types.ts';
export * from './events.ts';
