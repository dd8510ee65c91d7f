// The bank as the assembly mounts it.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { bankCommands } from './commands.ts';
import './inbox.ts'; // to-do items (registered with the inbox)
import { bankNav } from './nav.ts';
import './purchases-sources.ts'; // supplier invoices and expense reports as match targets
import { manualMatchRoutes } from './manual-match-routes.tsx';
import { bankRoutes } from './routes.tsx';
import { bankMigrations } from './schema.ts';

export { bankDemoSeeder } from './demo.ts';
export const bankModule: ModuleDefinition = {
  name: 'bank',
  migrations: bankMigrations,
  routes: [bankRoutes, manualMatchRoutes],
  nav: bankNav,
  commands: bankCommands,
};
