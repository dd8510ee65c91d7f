// The API as the assembly mounts it: the REST API under /api/v1 (bearer tokens), the tokens
// page of the profile, the directors' application tokens page, the webhooks pages, the `token create` command, and the job that sends
// webhooks. Importing webhook-events.ts registers the event handlers and the inbox provider.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import type { NavItem } from '../../web/nav.ts';
import { apiCommands } from './commands.ts';
import { appTokenRoutes, tokenRoutes } from './routes/tokens.tsx';
import { apiV1Routes } from './routes/v1.ts';
import { webhookRoutes } from './routes/webhooks.tsx';
import { apiMigrations } from './schema.ts';
import './webhook-events.ts';
import { deliverDue } from './webhooks.service.ts';

const apiNav: NavItem[] = [
  { href: '/webhooks', label: 'Webhooks', roles: ['director', 'network_admin'], order: 95, more: true },
  { href: '/jetons-applications', label: 'Jetons d’application', roles: ['director'], order: 96, more: true },
];

export const apiModule: ModuleDefinition = {
  name: 'api',
  migrations: apiMigrations,
  routes: [apiV1Routes, tokenRoutes, appTokenRoutes, webhookRoutes],
  nav: apiNav,
  commands: apiCommands,
  // Every minute: the due deliveries (new ones and retries whose delay has passed).
  schedules: (odb) => [
    {
      name: 'api-webhooks',
      cron: '* * * * *',
      handler: async () => {
        await deliverDue(odb);
      },
    },
  ],
};
