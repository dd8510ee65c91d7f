// The campus as the assembly mounts it: pages, navigation, commands, demo data.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import type { NavItem } from '../../web/nav.ts';
import { campusCommands } from './commands.ts';
import { campusRoutes } from './routes/index.tsx';
import { campusMigrations } from './schema.ts';
import { knowledgeMigrations } from './knowledge-schema.ts';
import { knowledgeRoutes } from './routes/knowledge.tsx';
import './inbox-knowledge.ts'; // articles promoted to the network this week (inbox and digest)
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
  migrations: [...campusMigrations, ...knowledgeMigrations, ...campusQaMigrations],
  // Knowledge and conversation routes first: their fixed paths (/campus/articles…,
  // /campus/moderation) must win over /campus/:id.
  routes: [knowledgeRoutes, campusQaRoutes, campusRoutes],
  nav: campusNav,
  commands: campusCommands,
};
