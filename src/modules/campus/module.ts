// The campus as the assembly mounts it: pages, navigation, commands, demo data.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import type { NavItem } from '../../web/nav.ts';
import { campusCommands } from './commands.ts';
import { campusRoutes } from './routes/index.tsx';
import { campusMigrations } from './schema.ts';

const campusNav: NavItem[] = [{ href: '/campus', label: 'Campus', roles: 'all', order: 60 }];

export { campusDemoSeeder } from './demo.ts';
export const campusModule: ModuleDefinition = {
  name: 'campus',
  migrations: campusMigrations,
  routes: [campusRoutes],
  nav: campusNav,
  commands: campusCommands,
};
