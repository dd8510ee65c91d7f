// Invoices and credit notes already issued by another software (enDI…), brought in with their
// history: they keep their original number and PDF, are marked with their source, and post to
// the ledger through the same events as a validation here (so activity accounts, treasury and
// `radieuse check` agree). When an original number follows the cooperative's own numbering
// template, the series' counter is moved forward to it (audited), so that our next number
// continues right after the imported ones, without a gap.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { UserError } from '../../core/errors.ts';
import { isIsoDate, type IsoDate } from '../../core/dates.ts';
import { audit } from '../../core/audit.ts';
import { emit } from '../../core/events.ts';
import { authorize } from '../../core/authz.ts';
import { getCooperative, type CooperativeSettings, activityFactsOrFail } from '../directory/index.ts';
import { computeTotals } from './invoice-totals.ts';
import { DEFAULT_NUMBER_TEMPLATE, NUMBER_MAX_LENGTH, renderTemplate } from './invoice-numbering.ts';
import { createCustomer, getCustomer, type Customer, type CustomerInput } from './customer.service.ts';
import {
  checkCreditAmount,
  createDraft,
  recordPayment,
  salesTx,
  type PaymentInput,
  getInvoice,
  getLines,
  settleAfterCredit,
  sharesByNature,
  type Invoice,
  type InvoiceDraftInput,
} from './invoice.service.ts';
import { SALES_EVENTS, type InvoiceValidated } from './events.ts';
import { createQuote, getQuote, type Quote, type QuoteInput } from './quote.service.ts';
import { SALES } from './permissions.ts';
import { salesDb } from './db.ts';

const SOURCE_RE = /^[a-z0-9_-]{1,30}$/;
const NUMBER_CHARS = /^[A-Za-z0-9+_/-]+$/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface ImportedInvoiceInput extends Omit<InvoiceDraftInput, 'issueDate'> {
  /** 380 invoice, 381 credit note. */
  typeCode: '380' | '381';
  /** The number given by the previous software, kept as is. */
  number: string;
  issueDate: IsoDate;
  /** For a credit note: the (imported or not) invoice it corrects. */
  precedingInvoiceId?: string | null;
  /** Short name of the software it comes from, e.g. 'endi'. */
  source: string;
  /** The original PDF, stored with core/files.ts by the caller. */
  originalFileId?: string | null;
}

/** Where a number sits in the cooperative's numbering: its series and counter, or null (another scheme). */
export function numberSeriesOf(
  template: string,
  number: string,
  ctx: { issueDate: IsoDate; analyticCode: string },
): { seriesKey: string; seq: number } | null {
  let seriesKey: string;
  try {
    seriesKey = renderTemplate(template || DEFAULT_NUMBER_TEMPLATE, ctx).seriesKey;
  } catch {
    return null;
  }
  const re = new RegExp(`^${escapeRegExp(seriesKey).replace(escapeRegExp('{SEQ}'), '(\\d+)')}$`);
  const m = re.exec(number);
  if (!m) return null;
  const seq = Number(m[1]);
  return Number.isSafeInteger(seq) && seq > 0 ? { seriesKey, seq } : null;
}

/** The cooperative's numbering template (settings), for callers that plan an import. */
export async function invoiceNumberTemplate(tx: Tx, actor: Actor): Promise<string> {
  authorize(actor, SALES.invoiceImport);
  const trx = salesTx(tx);
  const coop = await getCooperative(trx, actor.cooperativeId);
  return (coop?.settings as CooperativeSettings | undefined)?.invoiceNumberTemplate || DEFAULT_NUMBER_TEMPLATE;
}

/** The counter of each series of the cooperative (0 when the series has not started). */
export async function numberSeriesCounters(tx: Tx, actor: Actor): Promise<Map<string, number>> {
  authorize(actor, SALES.invoiceImport);
  const trx = salesTx(tx);
  const rows = await salesDb(trx)
    .selectFrom('invoice_number_sequence')
    .select(['series_key', 'last_value'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  return new Map(rows.map((r) => [r.series_key, Number(r.last_value)]));
}

/** Moves a series' counter forward to `seq` (never backward), audited; returns the previous value. */
async function advanceSeries(tx: Tx, actor: Actor, seriesKey: string, seq: number): Promise<void> {
  const trx = salesTx(tx);
  const before = await salesDb(trx)
    .selectFrom('invoice_number_sequence')
    .select('last_value')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('series_key', '=', seriesKey)
    .forUpdate()
    .executeTakeFirst();
  const from = before ? Number(before.last_value) : 0;
  if (from >= seq) return;
  await sql`
    insert into invoice_number_sequence (cooperative_id, series_key, last_value) values (${actor.cooperativeId}, ${seriesKey}, ${seq})
    on conflict (cooperative_id, series_key) do update set last_value = greatest(invoice_number_sequence.last_value, excluded.last_value), updated_at = now()`.execute(
    salesDb(trx),
  );
  await audit(trx, actor, {
    action: 'invoice.series_advanced',
    targetType: 'invoice_series',
    targetId: seriesKey,
    data: { from, to: seq, reason: 'import' },
  });
}

/**
 * Records an invoice or credit note already issued elsewhere: checked like a draft (activity,
 * customer, lines, dates), then frozen as validated under its original number, marked imported,
 * posted to the ledger by the usual event. Its payments are recorded afterwards with recordPayment.
 */
export async function recordImportedInvoice(tx: Tx, actor: Actor, input: ImportedInvoiceInput): Promise<Invoice> {
  authorize(actor, SALES.invoiceImport);
  const trx = salesTx(tx);
  if (!SOURCE_RE.test(input.source)) throw new UserError('Source inconnue.', 'source');
  const number = input.number?.trim() ?? '';
  if (!number) throw new UserError('Numéro de facture manquant.', 'number');
  if (number.length > NUMBER_MAX_LENGTH || !NUMBER_CHARS.test(number))
    throw new UserError(
      `Numéro ${number} refusé : ${NUMBER_MAX_LENGTH} caractères au plus, lettres, chiffres et + - _ / seulement.`,
      'number',
    );
  if (!isIsoDate(input.issueDate)) throw new UserError("Date d'émission invalide.", 'issueDate');
  const taken = await salesDb(trx)
    .selectFrom('invoice')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('number', '=', number)
    .executeTakeFirst();
  if (taken) throw new UserError(`Le numéro ${number} est déjà utilisé par une autre facture.`, 'number');
  if (input.typeCode === '381' && !input.precedingInvoiceId)
    throw new UserError("Un avoir doit indiquer la facture qu'il corrige.", 'precedingInvoiceId');
  const draft = await createDraft(
    trx,
    actor,
    { ...input, issueDate: input.issueDate, dueDate: input.dueDate ?? null },
    { typeCode: input.typeCode, precedingInvoiceId: input.precedingInvoiceId ?? null },
  );
  if (input.typeCode === '381')
    await checkCreditAmount(trx, actor, input.precedingInvoiceId!, draft.totalInclCents, draft.id);
  const act = await activityFactsOrFail(trx, actor.cooperativeId, draft.activityId);
  const customer = (await getCustomer(trx, actor, draft.customerId))!;
  await salesDb(trx)
    .updateTable('invoice')
    .set({
      status: 'validated',
      number,
      validated_at: new Date(`${input.issueDate}T12:00:00Z`),
      validated_by: actor.userId,
      updated_at: new Date(),
      customer_snapshot: JSON.stringify(customer),
      imported_from: input.source,
      original_file_id: input.originalFileId ?? null,
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', draft.id)
    .execute();
  const template = await invoiceNumberTemplate(trx, actor);
  const series = numberSeriesOf(template, number, { issueDate: input.issueDate, analyticCode: act.analyticCode });
  if (series) await advanceSeries(trx, actor, series.seriesKey, series.seq);
  const inv = (await getInvoice(trx, actor, draft.id))!;
  const lines = await getLines(trx, actor, draft.id);
  const totals = computeTotals({ lines, globalDiscountCents: inv.discountCents, allowNegativeLines: true });
  const payload: InvoiceValidated = {
    invoiceId: inv.id,
    number,
    issueDate: input.issueDate,
    typeCode: inv.typeCode,
    customerId: customer.id,
    customerName: customer.name,
    activityId: inv.activityId,
    activityCode: act.analyticCode,
    shares: sharesByNature(lines, totals),
    totalExclCents: inv.totalExclCents,
    vatCents: inv.vatCents,
    totalInclCents: inv.totalInclCents,
    precedingInvoiceId: inv.precedingInvoiceId,
  };
  await emit(
    trx,
    actor,
    inv.typeCode === '381' ? SALES_EVENTS.creditNoteValidated : SALES_EVENTS.invoiceValidated,
    payload,
  );
  await audit(trx, actor, {
    action: inv.typeCode === '381' ? 'credit_note.imported' : 'invoice.imported',
    targetType: 'invoice',
    targetId: inv.id,
    data: { number, source: input.source, totalInclCents: inv.totalInclCents, series: series?.seriesKey ?? null },
  });
  if (inv.typeCode === '381' && inv.precedingInvoiceId) await settleAfterCredit(trx, actor, inv.precedingInvoiceId);
  return inv;
}

/** A customer of the imported history: createCustomer (same checks and rights) for a caller holding a handle. */
export async function importCustomer(tx: Tx, actor: Actor, input: CustomerInput): Promise<Customer> {
  authorize(actor, SALES.invoiceImport);
  return createCustomer(salesTx(tx), actor, input);
}

/** A payment of an imported invoice: recordPayment (same checks, rights and postings) for a caller holding a handle. */
export async function recordImportedPayment(
  tx: Tx,
  actor: Actor,
  invoiceId: string,
  input: PaymentInput,
): Promise<Invoice> {
  authorize(actor, SALES.invoiceImport);
  return recordPayment(salesTx(tx), actor, invoiceId, input);
}

export interface ImportedQuoteInput {
  activityId: string;
  customerId: string;
  issueDate: IsoDate;
  validityDate?: IsoDate | null;
  title?: string | null;
  lines: QuoteInput['lines'];
  /** Where it stood in the previous software. */
  status: 'draft' | 'sent' | 'accepted' | 'refused' | 'expired';
  /** Its number there, kept in its title (quotes take our own gapless D{YYYY}- numbers). */
  originalNumber: string;
}

/**
 * A quote of the imported history: created as any quote (our next D{YYYY}-NNNN number, so the
 * quote series stays continuous), its original number kept in the title, then put in the status
 * it had. Audited; quotes post nothing to the ledger.
 */
export async function recordImportedQuote(tx: Tx, actor: Actor, input: ImportedQuoteInput): Promise<Quote> {
  authorize(actor, SALES.invoiceImport);
  const trx = salesTx(tx);
  const title = `${input.originalNumber}${input.title ? ` — ${input.title}` : ''}`.slice(0, 200);
  const q = await createQuote(trx, actor, {
    activityId: input.activityId,
    customerId: input.customerId,
    issueDate: input.issueDate,
    validityDate: input.validityDate ?? null,
    title,
    lines: input.lines,
  });
  if (input.status !== 'draft') {
    const at = new Date(`${input.issueDate}T12:00:00Z`);
    await salesDb(trx)
      .updateTable('quote')
      .set({
        status: input.status,
        sent_at: at,
        accepted_at: input.status === 'accepted' ? at : null,
        refused_at: input.status === 'refused' ? at : null,
        updated_at: new Date(),
      })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', q.id)
      .execute();
  }
  await audit(trx, actor, {
    action: 'quote.imported',
    targetType: 'quote',
    targetId: q.id,
    data: { originalNumber: input.originalNumber, status: input.status, number: q.number },
  });
  return (await getQuote(trx, actor, q.id))!;
}
