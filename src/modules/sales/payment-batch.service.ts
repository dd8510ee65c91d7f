// Several payments recorded at once (bank matching applies a statement's hundreds of automatic
// matches): the same checks, rows, events and audit entries as `recordPaymentId` called on each
// in order, in a few statements instead of about thirty a payment. Every payment is checked
// before anything is written, against the invoice as the payments before it in the list leave
// it, so a list the one-by-one path would refuse at its k-th payment is refused whole, with the
// same message, and writes nothing.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { uuidv7, type ActivityId } from '../../core/ids.ts';
import { NotFoundError } from '../../core/errors.ts';
import { todayParis, type IsoDate } from '../../core/dates.ts';
import { auditMany } from '../../core/audit.ts';
import { emitMany } from '../../core/events.ts';
import { authorize } from '../../core/authz.ts';
import { activitiesFacts } from '../directory/index.ts';
import { SALES } from './permissions.ts';
import { salesDb } from './db.ts';
import { SALES_EVENTS, type InvoicePaid, type PaymentRecorded } from './events.ts';
import {
  getInvoices,
  invoicePaidPayload,
  linesOfInvoices,
  ownedActivityIds,
  paymentAudit,
  paymentRecordedPayload,
  paymentRefusal,
  statusAfterPayment,
  type Invoice,
  type InvoiceLine,
  type PaymentInput,
} from './invoice.service.ts';

export interface InvoicePaymentInput extends PaymentInput {
  invoiceId: string;
}

/** Ids per `in (…)` list and rows per insert: well under PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;
const chunks = <T>(xs: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};

interface Planned {
  id: string;
  inv: Invoice;
  input: InvoicePaymentInput;
  date: IsoDate;
  method: string;
  paid: number;
  status: 'paid' | 'partly_paid';
}

/** Records the payments in the order given (several may pay one invoice) and returns their ids,
 *  in that order. */
export async function recordPayments(trx: Tx, actor: Actor, inputs: InvoicePaymentInput[]): Promise<string[]> {
  authorize(actor, SALES.paymentRecord);
  if (!inputs.length) return [];
  const coop = actor.cooperativeId;
  const ids = [...new Set(inputs.map((i) => i.invoiceId))].sort();
  const owned = await ownedActivityIds(trx, actor);
  // Locked in id order: two batches over the same invoices wait for each other, never deadlock.
  const locked = new Map<string, { status: string; type_code: string; activity_id: string }>();
  for (const part of chunks(ids))
    for (const r of await salesDb(trx)
      .selectFrom('invoice')
      .select(['id', 'status', 'type_code', 'activity_id'])
      .where('cooperative_id', '=', coop)
      .where('id', 'in', part)
      .orderBy('id')
      .forUpdate()
      .execute())
      locked.set(r.id, r);
  const invoices = new Map<string, Invoice>();
  for (const part of chunks(ids)) for (const [id, inv] of await getInvoices(trx, actor, part)) invoices.set(id, inv);

  // Checked in order, each against the invoice as the payments before it leave it.
  const state = new Map<string, { status: string; paid: number }>();
  const today = todayParis();
  const planned: Planned[] = inputs.map((input) => {
    const r = locked.get(input.invoiceId);
    const inv = invoices.get(input.invoiceId);
    if (!r || !inv || (owned && !owned.includes(r.activity_id))) throw new NotFoundError('Facture');
    const now = state.get(inv.id) ?? { status: r.status, paid: inv.paidCents };
    const due = Math.max(0, inv.totalInclCents - inv.prepaidCents - now.paid - inv.creditedCents);
    const date = input.date || today;
    const refusal = paymentRefusal(now.status, r.type_code, due, input, date);
    if (refusal) throw refusal;
    const paid = now.paid + input.amountCents;
    const status = statusAfterPayment(inv, paid);
    state.set(inv.id, { status, paid });
    return { id: uuidv7(), inv, input, date, method: input.method || 'virement', paid, status };
  });

  for (const part of chunks(planned))
    await salesDb(trx)
      .insertInto('payment')
      .values(
        part.map((p) => ({
          cooperative_id: coop,
          id: p.id,
          invoice_id: p.inv.id,
          date: p.date,
          amount_cents: p.input.amountCents,
          method: p.method,
          reference: p.input.reference ?? null,
          created_by: actor.userId,
        })),
      )
      .execute();
  const updatedAt = new Date();
  for (const part of chunks([...state]))
    await sql`update invoice set paid_cents = v.paid, status = v.status, updated_at = ${updatedAt}
      from (values ${sql.join(part.map(([id, s]) => sql`(${id}::uuid, ${s.paid}::bigint, ${s.status}::text)`))}) as v(id, paid, status)
      where invoice.cooperative_id = ${coop} and invoice.id = v.id`.execute(salesDb(trx));

  const lines = new Map<string, InvoiceLine[]>();
  for (const part of chunks(ids)) for (const [id, l] of await linesOfInvoices(trx, actor, part)) lines.set(id, l);
  const activityIds = [...new Set(planned.map((p) => p.inv.activityId as ActivityId))];
  const codes = new Map<string, string>(
    (await activitiesFacts(trx, coop, activityIds)).map((a) => [a.id, a.analyticCode]),
  );
  const settled = planned.filter((p) => p.status === 'paid');
  const emails = new Map<string, string | null>();
  for (const part of chunks([...new Set(settled.map((p) => p.inv.customerId))]))
    for (const c of await salesDb(trx)
      .selectFrom('customer')
      .select(['id', 'email'])
      .where('cooperative_id', '=', coop)
      .where('id', 'in', part)
      .execute())
      emails.set(c.id, c.email);

  const recorded: PaymentRecorded[] = planned.map((p) => {
    const code = codes.get(p.inv.activityId);
    if (code === undefined) throw new NotFoundError('Activité');
    return paymentRecordedPayload(p.inv, lines.get(p.inv.id) ?? [], code, p);
  });
  const paidEvents: InvoicePaid[] = settled.map((p) =>
    invoicePaidPayload(p.inv, emails.get(p.inv.customerId) ?? null, p.paid, p.date),
  );
  await emitMany(trx, actor, SALES_EVENTS.paymentRecorded, recorded);
  await emitMany(trx, actor, SALES_EVENTS.invoicePaid, paidEvents);
  await auditMany(
    trx,
    actor,
    planned.map((p) => paymentAudit(p.inv.id, p.id, p.input.amountCents, p.status)),
  );
  return planned.map((p) => p.id);
}
