// Learning as the assembly mounts it: pages, navigation, commands, demo data.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import type { NavItem } from '../../web/nav.ts';
import { learningCommands } from './commands.ts';
import { learningRoutes, publicLearningRoutes } from './routes/index.tsx';
import { moocRoutes } from './routes/mooc.tsx';
import { networkReportRoutes } from './routes/network-reports.tsx';
import { learningMigrations } from './schema.ts';
import './inbox.ts'; // courses of a cohort to finish by their due date (inbox and digest)

const learningNav: NavItem[] = [{ href: '/formations', label: 'Formations', roles: 'all', order: 62 }];

export { learningDemoSeeder } from './demo.ts';
export const learningModule: ModuleDefinition = {
  name: 'learning',
  migrations: learningMigrations,
  routes: [publicLearningRoutes, moocRoutes, networkReportRoutes, learningRoutes],
  nav: learningNav,
  commands: learningCommands,
};
