export { purchasesMigrations, type PurchasesTables } from './schema.ts';
