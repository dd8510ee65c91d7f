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
