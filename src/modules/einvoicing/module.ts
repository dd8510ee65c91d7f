// E-invoicing as the assembly mounts it: the pages, the navigation entry, and the jobs (every
// minute: send what is due — our invoices, « encaissée », the buyer statuses of received
// invoices — with retries and back-off; every five minutes: read statuses and
// received supplier invoices). Importing wiring.ts registers the event handlers, the invoice
// page panel and the inbox items.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import type { NavItem } from '../../web/nav.ts';
import { einvoicingRoutes } from './routes/index.tsx';
import { einvoicingMigrations } from './schema.ts';
import { platformEnvOf } from './platform.service.ts';
import { pullStatuses, sendDue } from './transmission.service.ts';
import { pullIncoming } from './incoming.service.ts';
import { sendBuyerStatuses } from './buyer-status.service.ts';
import './wiring.ts';

const nav: NavItem[] = [
  {
    href: '/facturation-electronique',
    label: 'Facturation électronique',
    roles: ['support', 'accountant', 'director'],
    order: 36,
    more: true,
  },
];

export const einvoicingModule: ModuleDefinition = {
  name: 'einvoicing',
  migrations: einvoicingMigrations,
  routes: [einvoicingRoutes],
  nav,
  schedules: (odb, config) => [
    {
      name: 'einvoicing-send',
      cron: '* * * * *',
      handler: async () => {
        await sendDue(odb, platformEnvOf(config));
        await sendBuyerStatuses(odb, platformEnvOf(config));
      },
    },
    {
      name: 'einvoicing-receive',
      cron: '*/5 * * * *',
      handler: async () => {
        await pullStatuses(odb, platformEnvOf(config));
        await pullIncoming(odb, platformEnvOf(config));
      },
    },
  ],
  queues: (odb, config) => [
    { name: 'einvoicing-send-now', handler: async () => void (await sendDue(odb, platformEnvOf(config))) },
  ],
};
