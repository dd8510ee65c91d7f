// Purchases as the assembly mounts it.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { purchasesCommands } from './commands.ts';
import './inbox.ts'; // to-do items (registered with the inbox)
import { purchasesNav } from './nav.ts';
import { purchasesRoutes } from './routes.tsx';
import { limitsRoutes } from './limits-routes.tsx';
import { purchasesMigrations } from './schema.ts';

export { purchasesDemoSeeder } from './demo.ts';
export const purchasesModule: ModuleDefinition = {
  name: 'purchases',
  migrations: purchasesMigrations,
  routes: [limitsRoutes, purchasesRoutes],
  nav: purchasesNav,
  commands: purchasesCommands,
};
