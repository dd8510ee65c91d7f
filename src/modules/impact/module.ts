// Impact measurement as the assembly mounts it: pages, commands.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { impactCommands } from './commands.ts';
import { impactNav } from './nav.ts';
import { impactRoutes } from './routes/index.ts';
import { impactMigrations } from './schema.ts';

export { impactDemoSeeder } from './demo.ts';
export const impactModule: ModuleDefinition = {
  name: 'impact',
  migrations: impactMigrations,
  routes: [impactRoutes],
  nav: impactNav,
  commands: impactCommands,
};
