// Import of a cooperative's history from another software, as the assembly mounts it: its tables
// (source keys, uploads and saved column mappings), the page /import/endi and the
// `radieuse import endi` command (docs/import-endi.md), and the nightly deletion of uploads left
// waiting for their import.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { listCooperatives } from '../directory/index.ts';
import { migrationCommands } from './commands.ts';
import { purgeStaleEndiUploads } from './endi-web.service.ts';
import { migrationRoutes } from './routes.tsx';
import { migrationMigrations } from './schema.ts';

export const migrationModule: ModuleDefinition = {
  name: 'migration',
  migrations: migrationMigrations,
  routes: [migrationRoutes],
  nav: [{ href: '/import/endi', label: 'Import enDI', roles: ['director', 'accountant'], order: 93, more: true }],
  commands: migrationCommands,
  schedules: (odb) => [
    {
      name: 'migration-upload-retention',
      cron: '40 3 * * *',
      handler: async () => {
        for (const c of await listCooperatives(odb.db)) await purgeStaleEndiUploads(odb.db, c.id);
      },
    },
  ],
};
