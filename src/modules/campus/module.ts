// The campus as the assembly mounts it: pages, navigation, commands, demo data.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import type { NavItem } from '../../web/nav.ts';
import { campusCommands } from './commands.ts';
import { campusRoutes } from './routes/index.tsx';
import { campusMigrations } from './schema.ts';
import { campusQaMigrations } from './qa-schema.ts';
import { campusQaRoutes } from './routes/qa.tsx';
import './inbox-questions.ts'; // answers, comments and mentions of followed questions; questions in my expertise

const campusNav: NavItem[] = [
  { href: '/campus', label: 'Campus', roles: 'all', order: 60 },
  {
    href: '/campus/moderation',
    label: 'Modération du campus',
    roles: ['support', 'director', 'network_admin'],
    order: 61,
    more: true,
  },
];

export { campusDemoSeeder } from './demo.ts';
export const campusModule: ModuleDefinition = {
  name: 'campus',
  migrations: [...campusMigrations, ...campusQaMigrations],
  // The conversation routes first: /campus/moderation is not a question id.
  routes: [campusQaRoutes, campusRoutes],
  nav: campusNav,
  commands: campusCommands,
};
