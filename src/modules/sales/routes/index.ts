// Sales pages, one file per business area: invoices (list, editor, page with actions, support
// queue, reminder schedule), customers, and quotes. Mounted in the order that keeps the static
// addresses first (`/factures/nouvelle` and `/factures/a-valider` before `/factures/:id`).
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { requireActor } from '../../../web/middleware.ts';
import { registerInvoiceEditorRoutes } from '../invoice-editor.routes.tsx';
import { registerQuoteRoutes } from '../quote.routes.tsx';
import { customerRoutes } from './customers.tsx';
import { invoiceActionRoutes } from './invoice-actions.tsx';
import { invoiceListRoutes } from './invoice-list.tsx';
import { invoiceQueueRoutes } from './invoice-queue.tsx';
import { invoiceRoutes } from './invoice.tsx';
import { reminderRoutes } from './reminders.tsx';

export const salesRoutes = new Hono<AppEnv>();
for (const p of [
  '/factures',
  '/factures/*',
  '/clients',
  '/clients/*',
  '/devis',
  '/devis/*',
  '/catalogue',
  '/catalogue/*',
])
  salesRoutes.use(p, requireActor);

salesRoutes.route('/', invoiceListRoutes);
// The editor (invoice-editor.routes.tsx) is registered here so /factures/nouvelle comes before /factures/:id.
registerInvoiceEditorRoutes(salesRoutes);
for (const r of [invoiceQueueRoutes, reminderRoutes, invoiceRoutes, invoiceActionRoutes, customerRoutes])
  salesRoutes.route('/', r);
registerQuoteRoutes(salesRoutes);
