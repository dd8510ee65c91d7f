// Impact measurement as the assembly mounts it: pages, commands, jobs.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { impactCommands } from './commands.ts';
import { impactNav } from './nav.ts';
import { impactRoutes } from './routes/index.ts';
import { impactMigrations } from './schema.ts';
import { reportMigrations } from './report-schema.ts';
import { referentialMigrations } from './referential.schema.ts';
import { reminderMigrations } from './reminders.schema.ts';
import { scenarioMigrations } from './sroi-scenarios.schema.ts';
import { networkWaveMigrations } from './network-waves.schema.ts';
import { indicatorsQueue, indicatorsSchedule } from './indicator-history.service.ts';
import { remindersSchedule } from './reminders.service.ts';

export { impactDemoSeeder } from './demo.ts';
export const impactModule: ModuleDefinition = {
  name: 'impact',
  migrations: [
    ...impactMigrations,
    ...reportMigrations,
    ...referentialMigrations,
    ...reminderMigrations,
    ...scenarioMigrations,
    ...networkWaveMigrations,
  ],
  routes: [impactRoutes],
  nav: impactNav,
  commands: impactCommands,
  // Indicators computed in the background (queue on demand, every night) and stored as history.
  queues: (odb) => [indicatorsQueue(odb.db)],
  schedules: (odb, config) => [
    indicatorsSchedule(odb.db),
    remindersSchedule(odb.db, config.publicUrl.replace(/\/$/, '')),
  ],
};
