// Sales as the assembly mounts it: pages, navigation, commands, reminder jobs, demo data.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { salesCommands } from './commands.ts';
import './inbox.ts'; // to-do items and deadlines (registered with the inbox)
import { salesNav } from './nav.ts';
import { salesSchedules } from './reminders.ts';
import { salesRoutes } from './routes/index.ts';
import { salesMigrations } from './schema.ts';

export { salesDemoSeeder } from './demo.ts';
export const salesModule: ModuleDefinition = {
  name: 'sales',
  migrations: salesMigrations,
  routes: [salesRoutes],
  nav: salesNav,
  commands: salesCommands,
  schedules: (odb) => salesSchedules(odb),
};
