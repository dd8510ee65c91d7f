// The marketplace as the assembly mounts it: public pages, the entrepreneur's pages, commands,
// demo data, the inbox provider and the review links sent when an invoice is paid.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import type { NavItem } from '../../web/nav.ts';
import { marketCommands } from './commands.ts';
import { marketRoutes } from './routes/index.tsx';
import { marketMigrations } from './schema.ts';
import './inbox.ts';
import './reviews.events.ts';
import './joint.events.ts';

const marketNav: NavItem[] = [
  {
    href: '/ma-vitrine',
    label: 'Ma vitrine',
    roles: ['entrepreneur', 'cape', 'support', 'director'],
    order: 65,
    more: true,
  },
  {
    href: '/marche-interne',
    label: 'Marché interne',
    roles: ['entrepreneur', 'cape', 'support', 'director'],
    order: 66,
    more: true,
  },
];

export { marketDemoSeeder } from './demo.ts';
export const marketModule: ModuleDefinition = {
  name: 'market',
  migrations: marketMigrations,
  routes: [marketRoutes],
  nav: marketNav,
  commands: marketCommands,
};
