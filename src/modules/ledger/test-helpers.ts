// Hand-built sales event payloads for the ledger tests (the sales module emits the same shapes).
import type { InvoiceValidated, PaymentRecorded, VatShare } from '../sales/index.ts';
import { applyBasisPoints } from '../../core/money.ts';

let n = 0;
export function invoicePayload(p: { activityId: string; activityCode: string; date: string; shares: [VatShare['nature'], number, number][]; typeCode?: '380' | '381'; number?: string; customerId?: string; customerName?: string; preceding?: string }): InvoiceValidated {
  n++;
  const shares: VatShare[] = p.shares.map(([nature, baseCents, vatRateBp]) => ({ nature, vatRateBp, baseCents, vatCents: applyBasisPoints(baseCents, vatRateBp) }));
  const totalExclCents = shares.reduce((t, s) => t + s.baseCents, 0); const vatCents = shares.reduce((t, s) => t + s.vatCents, 0);
  return {
    invoiceId: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`, number: p.number ?? `2026-${String(n).padStart(5, '0')}`, issueDate: p.date,
    typeCode: p.typeCode ?? '380', customerId: p.customerId ?? 'C-ACME', customerName: p.customerName ?? 'Acme SARL', activityId: p.activityId, activityCode: p.activityCode,
    shares, totalExclCents, vatCents, totalInclCents: totalExclCents + vatCents, precedingInvoiceId: p.preceding ?? null,
  };
}

/** A payment of `amountCents` on an invoice, with its VAT share pro rata (largest share gets the remainder). */
export function paymentPayload(inv: InvoiceValidated, amountCents: number, date: string): PaymentRecorded {
  n++;
  const shares: VatShare[] = inv.shares.map((s) => ({ ...s, baseCents: Math.round((s.baseCents * amountCents) / inv.totalInclCents), vatCents: Math.round((s.vatCents * amountCents) / inv.totalInclCents) }));
  return {
    paymentId: `00000000-0000-7000-9000-${String(n).padStart(12, '0')}`, invoiceId: inv.invoiceId, invoiceNumber: inv.number, date, amountCents,
    customerId: inv.customerId, customerName: inv.customerName, activityId: inv.activityId, activityCode: inv.activityCode, method: 'transfer', reference: null, shares,
  };
}

// --- real sales through the sales services (so real events post) -----------------------------
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { createCustomer, createDraft, submitInvoice, validateInvoice, recordPayment, type Invoice } from '../sales/index.ts';

let customers = 0;
export async function testCustomer(trx: Tx, actor: Actor, name?: string): Promise<string> {
  customers++;
  const c = await createCustomer(trx, actor, { kind: 'individual', name: name ?? `Client test ${customers} ${Math.random().toString(36).slice(2, 7)}`, email: 'client@example.test', addressLine1: '3 rue des Tests', postalCode: '69002', city: 'Lyon', countryCode: 'FR' } as any);
  return c.id;
}
/** A validated invoice of one line (excl. VAT `unitCents`), optionally paid (`payCents` incl. VAT) on `payDate`. */
export async function sell(trx: Tx, actor: Actor, p: { activityId: string; customerId: string; unitCents: number; vatRateBp?: number; nature?: 'goods' | 'services'; payCents?: number; payDate?: string }): Promise<Invoice> {
  const d = await createDraft(trx, actor, { activityId: p.activityId, customerId: p.customerId, lines: [{ description: 'Prestation', quantityMilli: 1000, unitPriceCents: p.unitCents, vatCategory: 'S', vatRateBp: p.vatRateBp ?? 2000, nature: p.nature ?? 'services' }] });
  await submitInvoice(trx, actor, d.id);
  let inv = await validateInvoice(trx, actor, d.id);
  if (p.payCents) inv = await recordPayment(trx, actor, d.id, { amountCents: p.payCents, date: p.payDate, method: 'transfer' });
  return inv;
}
