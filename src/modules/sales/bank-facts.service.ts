// What the bank needs to know of sales documents (payments recorded by hand, invoice numbers),
// read for it so it never names the sales tables. Like the directory's activity facts, these
// lookups check no permission of their own: the bank's service has authorized its actor first,
// and every lookup stays inside the given cooperative. Batched: one query whatever the count.
import { sql } from 'kysely';
import { toIsoDate, type IsoDate } from '../../core/dates.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { salesDb } from './db.ts';

export interface PaymentFacts {
  id: string;
  date: IsoDate;
  amountCents: number;
  invoiceId: string;
  invoiceNumber: string | null;
  invoiceTotalInclCents: number;
  issueDate: IsoDate;
  dueDate: IsoDate | null;
  customerId: string;
  customerName: string;
}

/** The payments received (amount above zero) of the cooperative, by date then id, leaving out
 *  those of `except` (the ones the bank has already seen on a bank line). */
export async function receivedPayments(
  tx: Tx,
  cooperativeId: string,
  opts: { except?: readonly string[] } = {},
): Promise<PaymentFacts[]> {
  const except = opts.except ?? [];
  const rows = await salesDb(tx)
    .selectFrom('payment')
    .innerJoin('invoice', (j) =>
      j.onRef('invoice.cooperative_id', '=', 'payment.cooperative_id').onRef('invoice.id', '=', 'payment.invoice_id'),
    )
    .innerJoin('customer', (j) =>
      j
        .onRef('customer.cooperative_id', '=', 'invoice.cooperative_id')
        .onRef('customer.id', '=', 'invoice.customer_id'),
    )
    .select([
      'payment.id',
      'payment.date',
      'payment.amount_cents',
      'invoice.id as invoice_id',
      'invoice.number',
      'invoice.total_incl_cents',
      'invoice.issue_date',
      'invoice.due_date',
      'customer.id as customer_id',
      'customer.name',
    ])
    .where('payment.cooperative_id', '=', cooperativeId)
    .where('payment.amount_cents', '>', 0)
    // One JSON parameter, however many payments the bank has already seen.
    .$if(except.length > 0, (q) =>
      q.where(
        sql<boolean>`not (payment.id in (select jsonb_array_elements_text(${JSON.stringify(except)}::jsonb)::uuid))`,
      ),
    )
    .orderBy('payment.date')
    .orderBy('payment.id')
    .execute();
  return rows.map((p) => ({
    id: p.id,
    date: toIsoDate(p.date),
    amountCents: Number(p.amount_cents),
    invoiceId: p.invoice_id,
    invoiceNumber: p.number,
    invoiceTotalInclCents: Number(p.total_incl_cents),
    issueDate: toIsoDate(p.issue_date),
    dueDate: p.due_date ? toIsoDate(p.due_date) : null,
    customerId: p.customer_id,
    customerName: p.name,
  }));
}

/** The numbers of invoices, by id (an invoice without a number yet is left out). */
export async function invoiceNumbers(
  tx: Tx,
  cooperativeId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await salesDb(tx)
    .selectFrom('invoice')
    .select(['id', 'number'])
    .where('cooperative_id', '=', cooperativeId)
    .where('id', 'in', ids as string[])
    .execute();
  return new Map(rows.filter((r) => r.number).map((r) => [r.id, r.number as string]));
}

/** The oldest invoice validated or sent and not paid at all (the demo's partial transfer). */
export async function oldestUnpaidInvoice(
  tx: Tx,
  cooperativeId: string,
): Promise<{ number: string | null; totalInclCents: number; customerName: string } | null> {
  const r = await salesDb(tx)
    .selectFrom('invoice')
    .innerJoin('customer', (j) =>
      j
        .onRef('customer.cooperative_id', '=', 'invoice.cooperative_id')
        .onRef('customer.id', '=', 'invoice.customer_id'),
    )
    .select(['invoice.number', 'invoice.total_incl_cents', 'customer.name'])
    .where('invoice.cooperative_id', '=', cooperativeId)
    .where('invoice.status', 'in', ['validated', 'sent'])
    .where('invoice.type_code', '=', '380')
    .orderBy('invoice.issue_date')
    .orderBy('invoice.number')
    .limit(1)
    .executeTakeFirst();
  return r ? { number: r.number, totalInclCents: Number(r.total_incl_cents), customerName: r.name } : null;
}
