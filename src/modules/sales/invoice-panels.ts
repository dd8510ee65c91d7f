// Panels other modules add to the invoice page (e-invoicing: the platform's life-cycle statuses),
// registered when their module loads. Each panel reads through its own module's services, inside
// the page's transaction, and returns what to show (null: nothing for this invoice).
import type { Child } from 'hono/jsx';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import type { Invoice } from './invoice.service.ts';
import { requireModule } from '../../core/authz.ts';

export type InvoicePanel = (tx: Tx, actor: Actor, invoice: Invoice, csrf: string) => Promise<Child | null>;
const panels = new Map<string, InvoicePanel>();

export function registerInvoicePanel(name: string, panel: InvoicePanel): void {
  panels.set(name, panel);
}

export async function invoicePanels(tx: Tx, actor: Actor, invoice: Invoice, csrf: string): Promise<Child[]> {
  requireModule(actor, 'sales');
  const out: Child[] = [];
  for (const p of panels.values()) {
    const c = await p(tx, actor, invoice, csrf);
    if (c !== null) out.push(c);
  }
  return out;
}
