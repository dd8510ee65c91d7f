// Sales events → journal entries, in the transaction of the sales action (core/events.ts).
// Invoice (services, VAT on receipts): D 411 (incl. VAT) / C 706 (excl. VAT) + C 44574.
// Invoice (goods): D 411 / C 707 + C 44571. Credit note: the mirror image. Payment: D 512 / C 411,
// plus 44574 → 44571 for the VAT share of services. Every line carries the activity's analytic code.
import type { Tx } from '../../core/db/tenant.ts';
import { addDays } from '../../core/dates.ts';
import type { Actor } from '../../core/actor.ts';
import { onEvent } from '../../core/events.ts';
import { SALES_EVENTS, type InvoiceValidated, type PaymentRecorded } from '../sales/index.ts';
import {
  postEntry,
  postEntries,
  letterIfBalanced,
  letterEachIfBalanced,
  type PostingInput,
  type PostingLine,
  type PostedEntry,
} from './posting.service.ts';
import { accountRoles, ensureChart } from './chart.ts';
import { ledgerDb } from './db.ts';
import { requireModule } from '../../core/authz.ts';

/** Sums lines by (account, side) so an invoice with several VAT rates still reads well. */
function merge(lines: PostingLine[]): PostingLine[] {
  const out: PostingLine[] = [];
  for (const l of lines) {
    if (!l.debitCents && !l.creditCents) continue;
    const same = out.find(
      (o) =>
        o.account === l.account &&
        o.auxAccount === l.auxAccount &&
        !!o.debitCents === !!l.debitCents &&
        o.label === l.label &&
        (o.vatRateBp ?? null) === (l.vatRateBp ?? null),
    );
    if (same) {
      same.debitCents = (same.debitCents ?? 0) + (l.debitCents ?? 0);
      same.creditCents = (same.creditCents ?? 0) + (l.creditCents ?? 0);
      if (l.vatBaseCents != null) same.vatBaseCents = (same.vatBaseCents ?? 0) + l.vatBaseCents;
    } else out.push({ ...l });
  }
  return out;
}
/** A signed amount on the natural side: positive → that side, negative → the other one. */
function side(
  account: string,
  amount: number,
  natural: 'debit' | 'credit',
  extra: Omit<PostingLine, 'account'>,
): PostingLine {
  const debit = (natural === 'debit') === amount >= 0;
  return { ...extra, account, debitCents: debit ? Math.abs(amount) : 0, creditCents: debit ? 0 : Math.abs(amount) };
}

async function alreadyPosted(trx: Tx, actor: Actor, type: string, id: string): Promise<PostedEntry | null> {
  const e = await ledgerDb(trx)
    .selectFrom('journal_entry')
    .select(['id', 'journal_code', 'fiscal_year', 'entry_number', 'entry_date'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('source_type', '=', type)
    .where('source_id', '=', id)
    .executeTakeFirst();
  return e
    ? { id: e.id, journal: e.journal_code, fiscalYear: e.fiscal_year, number: e.entry_number, date: e.entry_date }
    : null;
}

export async function postInvoice(trx: Tx, actor: Actor, p: InvoiceValidated): Promise<PostedEntry> {
  requireModule(actor, 'ledger');
  // Idempotent: a credit note may arrive both as invoice.validated (type 381) and credit_note.validated.
  const done = await alreadyPosted(trx, actor, 'sales.invoice', p.invoiceId);
  if (done) return done;
  await ensureChart(trx, actor.cooperativeId);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const sign = p.typeCode === '381' ? -1 : 1;
  const kind = p.typeCode === '381' ? 'Avoir' : 'Facture';
  const label = `${kind} ${p.number} — ${p.customerName}`;
  const common = { analyticCode: p.activityCode, label };
  const lines: PostingLine[] = [
    side(acc.customer, sign * p.totalInclCents, 'debit', {
      ...common,
      auxAccount: p.customerId,
      auxLabel: p.customerName,
    }),
  ];
  for (const s of p.shares) {
    const services = s.nature === 'services';
    lines.push(side(services ? acc.salesServices : acc.salesGoods, sign * s.baseCents, 'credit', common));
    lines.push(
      side(services ? acc.vatPending : acc.vatCollected, sign * s.vatCents, 'credit', {
        ...common,
        vatRateBp: s.vatRateBp,
        vatBaseCents: Math.abs(s.baseCents),
      }),
    );
  }
  // The sales module does not (yet) send the due date: 30 days after issue, the French default (L441-10).
  const dueDate =
    typeof p.dueDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(p.dueDate) ? p.dueDate : addDays(p.issueDate, 30);
  // A payload whose total disagrees with its shares is refused by postEntry (unbalanced), loudly.
  return postEntry(trx, actor, {
    journal: 'VT',
    date: p.issueDate,
    label,
    pieceRef: p.number,
    pieceDate: p.issueDate,
    source: { type: 'sales.invoice', id: p.invoiceId },
    lines: merge(lines),
    dueDate: p.typeCode === '381' ? p.issueDate : dueDate,
  });
}

/** A payment's entry: D 512 / C 411, and the VAT on receipts of its services 44574 → 44571. */
function paymentEntry(acc: Awaited<ReturnType<typeof accountRoles>>, p: PaymentRecorded): PostingInput {
  const refund = p.amountCents < 0;
  const label = `${refund ? 'Remboursement' : 'Règlement'} ${p.invoiceNumber} — ${p.customerName}`;
  const common = { analyticCode: p.activityCode, label };
  const lines: PostingLine[] = [
    side(acc.bank, p.amountCents, 'debit', common),
    side(acc.customer, p.amountCents, 'credit', { ...common, auxAccount: p.customerId, auxLabel: p.customerName }),
  ];
  let vat = 0;
  for (const s of p.shares) {
    vat += s.vatCents;
    if (s.nature !== 'services' || !s.vatCents) continue;
    // VAT on receipts becomes due when paid: pending 44574 → collected 44571.
    const vatLine = {
      ...common,
      label: `TVA exigible — ${p.invoiceNumber}`,
      vatRateBp: s.vatRateBp,
      vatBaseCents: Math.abs(s.baseCents),
    };
    lines.push(side(acc.vatPending, s.vatCents, 'debit', vatLine));
    lines.push(side(acc.vatCollected, s.vatCents, 'credit', vatLine));
  }
  return {
    journal: 'BQ',
    date: p.date,
    label,
    pieceRef: p.invoiceNumber,
    pieceDate: p.date,
    source: { type: 'sales.payment', id: p.paymentId },
    lines: merge(lines),
    collectedExclCents: p.amountCents - vat,
  };
}

export async function postPayment(trx: Tx, actor: Actor, p: PaymentRecorded): Promise<PostedEntry> {
  requireModule(actor, 'ledger');
  const done = await alreadyPosted(trx, actor, 'sales.payment', p.paymentId);
  if (done) return done;
  await ensureChart(trx, actor.cooperativeId);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const posted = await postEntry(trx, actor, paymentEntry(acc, p));
  await letterIfBalanced(trx, actor, acc.customer, p.customerId, [p.invoiceNumber], p.date);
  return posted;
}

/** `postPayment` on each payment in turn (entries numbered in the list's order, each lettered
 *  as soon as its invoice is settled), in a few statements for the whole list. */
export async function postPayments(trx: Tx, actor: Actor, payments: PaymentRecorded[]): Promise<void> {
  requireModule(actor, 'ledger');
  if (!payments.length) return;
  const done = new Set<string>();
  const ids = payments.map((p) => p.paymentId);
  for (let i = 0; i < ids.length; i += 1000)
    for (const r of await ledgerDb(trx)
      .selectFrom('journal_entry')
      .select('source_id')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('source_type', '=', 'sales.payment')
      .where('source_id', 'in', ids.slice(i, i + 1000))
      .execute())
      if (r.source_id) done.add(r.source_id);
  // A payment listed twice is posted once, as the one-by-one path would find it posted.
  const todo: PaymentRecorded[] = [];
  for (const p of payments)
    if (!done.has(p.paymentId)) {
      done.add(p.paymentId);
      todo.push(p);
    }
  if (!todo.length) return;
  await ensureChart(trx, actor.cooperativeId);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const posted = await postEntries(
    trx,
    actor,
    todo.map((p) => paymentEntry(acc, p)),
  );
  await letterEachIfBalanced(
    trx,
    actor,
    acc.customer,
    todo.map((p, i) => ({ auxAccount: p.customerId, pieceRef: p.invoiceNumber, date: p.date, entryId: posted[i].id })),
  );
}

let registered = false;
export function registerSalesHandlers(): void {
  if (registered) return;
  registered = true;
  onEvent<InvoiceValidated>(SALES_EVENTS.invoiceValidated, async (tx, actor, p) => {
    await postInvoice(tx, actor, p);
  });
  onEvent<InvoiceValidated>(SALES_EVENTS.creditNoteValidated, async (tx, actor, p) => {
    await postInvoice(tx, actor, { ...p, typeCode: '381' });
  });
  onEvent<PaymentRecorded>(
    SALES_EVENTS.paymentRecorded,
    async (tx, actor, p) => {
      await postPayment(tx, actor, p);
    },
    postPayments,
  );
}
