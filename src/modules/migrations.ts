// Every module's migrations, in one list the runner applies (order by name).
import type { SqlMigration } from '../core/migrations.ts';
import { coreMigrations } from '../core/schema.ts';
import { directoryMigrations } from './directory/schema.ts';
import { salesMigrations } from './sales/schema.ts';
import { ledgerMigrations } from './ledger/schema.ts';
import { journeysMigrations } from './journeys/schema.ts';
import { inboxMigrations } from './inbox/schema.ts';
import { purchasesMigrations } from './purchases/schema.ts';
import { bankMigrations } from './bank/schema.ts';

export const allMigrations: SqlMigration[] = [
  ...coreMigrations,
  ...directoryMigrations,
  ...salesMigrations,
  ...ledgerMigrations,
  ...journeysMigrations,
  ...inboxMigrations,
  ...purchasesMigrations,
  ...bankMigrations,
].sort((a, b) => a.name.localeCompare(b.name));
