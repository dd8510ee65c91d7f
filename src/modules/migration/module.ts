// Import of a cooperative's history from another software, as the assembly mounts it: its table
// of source keys and the `radieuse import endi` command (no page yet: docs/import-endi.md).
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { migrationCommands } from './commands.ts';
import { migrationMigrations } from './schema.ts';

export const migrationModule: ModuleDefinition = {
  name: 'migration',
  migrations: migrationMigrations,
  commands: migrationCommands,
};
