// Every module's migrations, in one list the runner applies (order by name).
import type { SqlMigration } from '../core/migrations.ts';
import { coreMigrations } from '../core/schema.ts';
import { directoryMigrations } from './directory/schema.ts';

export const allMigrations: SqlMigration[] = [
  ...coreMigrations,
  ...directoryMigrations,
].sort((a, b) => a.name.localeCompare(b.name));
