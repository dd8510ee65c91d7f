// Accompaniment as the assembly mounts it: pages, reminders, demo data.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { journeysCommands } from './commands.ts';
import './inbox.ts'; // to-do items and deadlines (registered with the inbox)
import { journeysNav } from './nav.ts';
import { journeysSchedules } from './reminders.service.ts';
import { journeysRoutes } from './routes/index.ts';
import { journeysMigrations } from './schema.ts';

export { journeysDemoSeeder } from './demo.ts';
export const journeysModule: ModuleDefinition = {
  name: 'journeys',
  migrations: journeysMigrations,
  routes: [journeysRoutes],
  nav: journeysNav,
  commands: journeysCommands,
  schedules: (odb, config) => journeysSchedules(odb, { publicUrl: config.publicUrl }),
};
