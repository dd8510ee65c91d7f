// Import of a cooperative's history from another software, as the assembly mounts it: its tables
// (source keys, uploads and saved column mappings), the page /import/endi and the
// `radieuse import endi` command (docs/import-endi.md).
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { migrationCommands } from './commands.ts';
import { migrationRoutes } from './routes.tsx';
import { migrationMigrations } from './schema.ts';

export const migrationModule: ModuleDefinition = {
  name: 'migration',
  migrations: migrationMigrations,
  routes: [migrationRoutes],
  nav: [{ href: '/import/endi', label: 'Import enDI', roles: ['director', 'accountant'], order: 93, more: true }],
  commands: migrationCommands,
};
