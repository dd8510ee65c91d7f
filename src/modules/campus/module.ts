// The campus as the assembly mounts it: pages, navigation, commands, demo data.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import type { NavItem } from '../../web/nav.ts';
import { campusCommands } from './commands.ts';
import { campusRoutes } from './routes/index.tsx';
import { campusMigrations } from './schema.ts';
import { knowledgeMigrations } from './knowledge-schema.ts';
import { knowledgeRoutes } from './routes/knowledge.tsx';
import './inbox-knowledge.ts'; // articles promoted to the network this week (inbox and digest)

const campusNav: NavItem[] = [{ href: '/campus', label: 'Campus', roles: 'all', order: 60 }];

export { campusDemoSeeder } from './demo.ts';
export const campusModule: ModuleDefinition = {
  name: 'campus',
  migrations: [...campusMigrations, ...knowledgeMigrations],
  // Knowledge routes first: their fixed paths (/campus/articles…) must win over /campus/:id.
  routes: [knowledgeRoutes, campusRoutes],
  nav: campusNav,
  commands: campusCommands,
};
