// The inbox as the assembly mounts it: the home page of every role, digests, calendars.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { inboxCommands } from './commands.ts';
import { inboxSchedules } from './jobs.ts';
import { inboxNav } from './nav.ts';
import { homeRoutes, inboxRoutes } from './routes/index.ts';
import { inboxMigrations } from './schema.ts';

export { inboxDemoSeeder } from './demo.ts';
export const inboxModule: ModuleDefinition = {
  name: 'inbox',
  migrations: inboxMigrations,
  routes: [homeRoutes, inboxRoutes],
  nav: inboxNav,
  commands: inboxCommands,
  schedules: (odb, config) => inboxSchedules(odb, { publicUrl: config.publicUrl }),
};
