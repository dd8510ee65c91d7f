// Quotes (devis): draft → sent → accepted (signed link or signed file) / refused / expired.
// Lines may be section titles; line and global discounts; totals by the invoice arithmetic.
// From an accepted quote: deposit (386), intermediate and balance invoices whose sum never
// exceeds the quote; the balance invoice repeats the quote lines and deducts what the earlier
// invoices asked (BT-113 prepaid amount).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../core/db/index.ts';
import { withSystem, withTenant, type Tx } from '../../core/db/tenant.ts';
import { sql } from 'kysely';
import { searchText, textMatches, textScore } from '../../core/db/text-search.ts';
import { isStaff, systemActor, type Actor } from '../../core/actor.ts';
import { uuidv7 } from '../../core/ids.ts';
import { authorize } from '../../core/authz.ts';
import { SALES } from './permissions.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { addDays, isIsoDate, todayParis, toIsoDate, formatDateLong, type IsoDate } from '../../core/dates.ts';
import { formatEuros, formatRateBp } from '../../core/money.ts';
import { audit } from '../../core/audit.ts';
import { enqueueMail } from '../../core/mail.ts';
import { storeFile } from '../../core/files.ts';
import {
  activitiesFor,
  getCooperative,
  activityFacts,
  activityFactsOrFail,
  activityContact,
} from '../directory/index.ts';
import { computeTotals, type ComputedTotals } from './invoice-totals.ts';
import { allocateInvoiceNumber } from './invoice-numbering.ts';
import { getCustomer } from './customer.service.ts';
import {
  createDraft,
  depositDeductionLines,
  UNIT_LABELS,
  type Invoice,
  type InvoiceLineInput,
} from './invoice.service.ts';
import { LEGAL_TEXTS } from './legal.ts';
import { renderQuotePdf, type QuotePdfInput } from './letters.ts';
import { htmlFromParagraphs } from './sending.ts';
import type { SellerParty, VatCategory } from './types.ts';
import { salesDb } from './db.ts';
import { emitQuoteAccepted, emitQuoteInvoiced, emitQuoteRefused, emitQuoteSent } from './quote-events.ts';

export type QuoteStatus = 'draft' | 'sent' | 'accepted' | 'refused' | 'expired';
export const QUOTE_STATUS_LABELS: Record<QuoteStatus, string> = {
  draft: 'Brouillon',
  sent: 'Envoyé',
  accepted: 'Accepté',
  refused: 'Refusé',
  expired: 'Expiré',
};
export const QUOTE_NUMBER_TEMPLATE = 'D{YYYY}-{SEQ:4}';
export const QUOTE_VALIDITY_DAYS = 30;

export interface QuoteLineInput extends Partial<InvoiceLineInput> {
  kind?: 'item' | 'section';
  description: string;
}
export interface QuoteInput {
  activityId: string;
  customerId: string;
  issueDate?: IsoDate;
  validityDate?: IsoDate | null;
  title?: string | null;
  terms?: string | null;
  discountCents?: number;
  lines: QuoteLineInput[];
}
export interface QuoteLine {
  id: string;
  kind: 'item' | 'section';
  description: string;
  quantityMilli: number;
  unitCode: string;
  unitPriceCents: number;
  discountBp: number;
  vatCategory: VatCategory;
  vatRateBp: number;
  nature: 'goods' | 'services';
  netCents: number;
}
export interface Quote {
  id: string;
  number: string;
  status: QuoteStatus;
  activityId: string;
  customerId: string;
  customerName: string;
  issueDate: IsoDate;
  validityDate: IsoDate;
  title: string | null;
  terms: string | null;
  discountCents: number;
  totalExclCents: number;
  vatCents: number;
  totalInclCents: number;
  sentAt: Date | null;
  acceptedAt: Date | null;
  acceptedByName: string | null;
  acceptedIp: string | null;
  signedFileId: string | null;
}

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');
const itemLines = (lines: QuoteLineInput[]) =>
  lines.filter((l) => (l.kind ?? 'item') === 'item') as (QuoteLineInput & InvoiceLineInput)[];

async function owned(trx: Tx, actor: Actor): Promise<string[] | null> {
  return isStaff(actor) ? null : (await activitiesFor(trx, actor)).map((a) => a.id);
}

async function prepare(trx: Tx, actor: Actor, input: QuoteInput) {
  const fields: Record<string, string> = {};
  const mine = await owned(trx, actor);
  const act = input.activityId ? await activityFacts(trx, actor.cooperativeId, { id: input.activityId }) : null;
  if (!act || (mine && !mine.includes(act.id))) fields.activityId = "Choisissez l'une de vos activités.";
  const customer = input.customerId ? await getCustomer(trx, actor, input.customerId) : null;
  if (!customer) fields.customerId = 'Choisissez le client.';
  const issueDate = input.issueDate || todayParis();
  const validityDate = input.validityDate || addDays(issueDate, QUOTE_VALIDITY_DAYS);
  if (!isIsoDate(issueDate)) fields.issueDate = 'Date invalide.';
  if (!isIsoDate(validityDate)) fields.validityDate = 'Date de validité invalide.';
  else if (validityDate < issueDate) fields.validityDate = 'La date de validité ne peut pas précéder la date du devis.';
  input.lines.forEach((l, i) => {
    if (!l.description?.trim())
      fields[`lines.${i}.description`] =
        l.kind === 'section' ? 'Donnez un titre à la section.' : 'Décrivez la prestation ou le produit.';
  });
  if (Object.keys(fields).length)
    throw new UserError(
      Object.values(fields).length === 1 ? Object.values(fields)[0] : 'Certains champs sont à corriger.',
      undefined,
      fields,
    );
  const items = itemLines(input.lines).map((l) => ({
    ...l,
    unitCode: l.unitCode || 'C62',
    discountBp: l.discountBp ?? 0,
    nature: l.nature ?? ('services' as const),
  }));
  const totals = computeTotals({ lines: items, globalDiscountCents: input.discountCents ?? 0 });
  return { issueDate, validityDate, totals, items };
}

async function writeLines(trx: Tx, actor: Actor, quoteId: string, lines: QuoteLineInput[], totals: ComputedTotals) {
  await salesDb(trx)
    .deleteFrom('quote_line')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quote_id', '=', quoteId)
    .execute();
  let k = 0;
  const rows = lines.map((l, i) => {
    const section = l.kind === 'section';
    const net = section ? 0 : totals.lineNets[k++];
    return {
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      quote_id: quoteId,
      position: i + 1,
      kind: section ? ('section' as const) : ('item' as const),
      description: l.description.trim(),
      quantity_milli: section ? 0 : l.quantityMilli!,
      unit_code: l.unitCode || 'C62',
      unit_price_cents: section ? 0 : l.unitPriceCents!,
      discount_bp: section ? 0 : (l.discountBp ?? 0),
      vat_category: section ? 'S' : l.vatCategory!,
      vat_rate_bp: section ? 0 : l.vatRateBp!,
      nature: l.nature ?? ('services' as const),
      net_cents: net,
    };
  });
  if (rows.length) await salesDb(trx).insertInto('quote_line').values(rows).execute();
}

export async function createQuote(trx: Tx, actor: Actor, input: QuoteInput): Promise<Quote> {
  authorize(actor, SALES.quoteDraft);
  const p = await prepare(trx, actor, input);
  const act = await activityFactsOrFail(trx, actor.cooperativeId, input.activityId);
  const number = await allocateInvoiceNumber(trx, actor.cooperativeId, QUOTE_NUMBER_TEMPLATE, {
    issueDate: p.issueDate,
    analyticCode: act.analyticCode,
  });
  const id = uuidv7();
  await salesDb(trx)
    .insertInto('quote')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      number,
      status: 'draft',
      activity_id: input.activityId,
      customer_id: input.customerId,
      issue_date: p.issueDate,
      validity_date: p.validityDate,
      title: input.title?.trim() || null,
      terms: input.terms?.trim() || null,
      discount_cents: input.discountCents ?? 0,
      total_excl_cents: p.totals.taxBasisCents,
      vat_cents: p.totals.vatCents,
      total_incl_cents: p.totals.totalInclCents,
      token_hash: null,
      sent_at: null,
      accepted_at: null,
      accepted_by_name: null,
      accepted_ip: null,
      signed_file_id: null,
      refused_at: null,
      created_by: actor.userId,
    })
    .execute();
  await writeLines(trx, actor, id, input.lines, p.totals);
  await audit(trx, actor, {
    action: 'quote.created',
    targetType: 'quote',
    targetId: id,
    data: { number, totalInclCents: p.totals.totalInclCents },
  });
  return (await getQuote(trx, actor, id))!;
}

export async function updateQuote(trx: Tx, actor: Actor, id: string, input: QuoteInput): Promise<Quote> {
  authorize(actor, SALES.quoteDraft);
  const q = await getQuote(trx, actor, id);
  if (!q) throw new NotFoundError('Devis');
  if (q.status !== 'draft') throw new UserError('Un devis envoyé ne peut plus être modifié : créez-en un nouveau.');
  const p = await prepare(trx, actor, input);
  await salesDb(trx)
    .updateTable('quote')
    .set({
      activity_id: input.activityId,
      customer_id: input.customerId,
      issue_date: p.issueDate,
      validity_date: p.validityDate,
      title: input.title?.trim() || null,
      terms: input.terms?.trim() || null,
      discount_cents: input.discountCents ?? 0,
      total_excl_cents: p.totals.taxBasisCents,
      vat_cents: p.totals.vatCents,
      total_incl_cents: p.totals.totalInclCents,
      updated_at: new Date(),
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await writeLines(trx, actor, id, input.lines, p.totals);
  await audit(trx, actor, { action: 'quote.updated', targetType: 'quote', targetId: id });
  return (await getQuote(trx, actor, id))!;
}

type QRow = {
  id: string;
  number: string | null;
  status: QuoteStatus;
  activity_id: string;
  customer_id: string;
  customer_name: string;
  issue_date: unknown;
  validity_date: unknown;
  title: string | null;
  terms: string | null;
  discount_cents: number;
  total_excl_cents: number;
  vat_cents: number;
  total_incl_cents: number;
  sent_at: Date | null;
  accepted_at: Date | null;
  accepted_by_name: string | null;
  accepted_ip: string | null;
  signed_file_id: string | null;
};
function toQuote(r: QRow, today: IsoDate): Quote {
  const validityDate = toIsoDate(r.validity_date);
  // A sent quote past its validity date is expired (computed, and stored by expireQuotes).
  const status = r.status === 'sent' && validityDate < today ? 'expired' : r.status;
  return {
    id: r.id,
    number: r.number ?? '',
    status,
    activityId: r.activity_id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    issueDate: toIsoDate(r.issue_date),
    validityDate,
    title: r.title,
    terms: r.terms,
    discountCents: Number(r.discount_cents),
    totalExclCents: Number(r.total_excl_cents),
    vatCents: Number(r.vat_cents),
    totalInclCents: Number(r.total_incl_cents),
    sentAt: r.sent_at,
    acceptedAt: r.accepted_at,
    acceptedByName: r.accepted_by_name,
    acceptedIp: r.accepted_ip,
    signedFileId: r.signed_file_id,
  };
}
const quoteQuery = (trx: Tx, cooperativeId: string) =>
  salesDb(trx)
    .selectFrom('quote')
    .innerJoin('customer', (j) =>
      j.onRef('customer.cooperative_id', '=', 'quote.cooperative_id').onRef('customer.id', '=', 'quote.customer_id'),
    )
    .select([
      'quote.id',
      'quote.number',
      'quote.status',
      'quote.activity_id',
      'quote.customer_id',
      'customer.name as customer_name',
      'quote.issue_date',
      'quote.validity_date',
      'quote.title',
      'quote.terms',
      'quote.discount_cents',
      'quote.total_excl_cents',
      'quote.vat_cents',
      'quote.total_incl_cents',
      'quote.sent_at',
      'quote.accepted_at',
      'quote.accepted_by_name',
      'quote.accepted_ip',
      'quote.signed_file_id',
    ])
    .where('quote.cooperative_id', '=', cooperativeId);

export async function getQuote(trx: Tx, actor: Actor, id: string, today = todayParis()): Promise<Quote | null> {
  authorize(actor, SALES.quoteRead);
  const mine = await owned(trx, actor);
  const r = await quoteQuery(trx, actor.cooperativeId).where('quote.id', '=', id).executeTakeFirst();
  if (!r || (mine && !mine.includes(r.activity_id))) return null;
  return toQuote(r as QRow, today);
}

/** Several quotes in one query (a list's checks): by id, only those the actor may read. */
export async function getQuotes(
  trx: Tx,
  actor: Actor,
  ids: string[],
  today = todayParis(),
): Promise<Map<string, Quote>> {
  authorize(actor, SALES.quoteRead);
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const mine = await owned(trx, actor);
  const rows = await quoteQuery(trx, actor.cooperativeId).where('quote.id', 'in', unique).execute();
  return new Map(
    rows.filter((r) => !mine || mine.includes(r.activity_id)).map((r) => [r.id as string, toQuote(r as QRow, today)]),
  );
}

/** The search box of the quote list: the customer's name, the quote's title, its number. */
const QUOTE_SEARCH = { names: [sql`customer.name`, sql`quote.title`], codes: [sql`quote.number`] };

export async function listQuotes(
  trx: Tx,
  actor: Actor,
  f: { status?: QuoteStatus; customerId?: string; today?: IsoDate; q?: string } = {},
): Promise<Quote[]> {
  authorize(actor, SALES.quoteRead);
  const today = f.today ?? todayParis();
  const mine = await owned(trx, actor);
  let q = quoteQuery(trx, actor.cooperativeId);
  if (mine) {
    if (!mine.length) return [];
    q = q.where('quote.activity_id', 'in', mine);
  }
  if (f.customerId) q = q.where('quote.customer_id', '=', f.customerId);
  const text = searchText(f.q);
  if (text) q = q.where(textMatches(QUOTE_SEARCH, text)).orderBy(textScore(QUOTE_SEARCH, text), 'desc');
  const rows = (await q.orderBy('quote.issue_date', 'desc').orderBy('quote.number', 'desc').limit(500).execute()).map(
    (r) => toQuote(r as QRow, today),
  );
  return f.status ? rows.filter((r) => r.status === f.status) : rows;
}

export async function getQuoteLines(trx: Tx, cooperativeId: string, quoteId: string): Promise<QuoteLine[]> {
  const rows = await salesDb(trx)
    .selectFrom('quote_line')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .where('quote_id', '=', quoteId)
    .orderBy('position')
    .execute();
  return rows.map((l) => ({
    id: l.id,
    kind: l.kind,
    description: l.description,
    quantityMilli: Number(l.quantity_milli),
    unitCode: l.unit_code,
    unitPriceCents: Number(l.unit_price_cents),
    discountBp: l.discount_bp,
    vatCategory: l.vat_category as VatCategory,
    vatRateBp: l.vat_rate_bp,
    nature: l.nature,
    netCents: Number(l.net_cents),
  }));
}

/** Stores `expired` on sent quotes past their validity date; returns how many. */
export async function expireQuotes(trx: Tx, actor: Actor, today = todayParis()): Promise<number> {
  authorize(actor, SALES.quoteDraft);
  const r = await salesDb(trx)
    .updateTable('quote')
    .set({ status: 'expired', updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('status', '=', 'sent')
    .where('validity_date', '<', today)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// --- PDF and sending --------------------------------------------------------------------------

async function seller(trx: Tx, cooperativeId: string, activityId: string): Promise<SellerParty> {
  const coop = (await getCooperative(trx, cooperativeId))!;
  const act = await activityFactsOrFail(trx, cooperativeId, activityId);
  const contact = await activityContact(trx, cooperativeId, activityId);
  return {
    name: coop.name,
    legalForm: coop.legalForm,
    capitalCents: coop.capitalCents,
    siren: coop.siren,
    siret: null,
    vatNumber: coop.vatNumber,
    rcsCity: coop.rcsCity,
    address: { line1: coop.addressLine, postalCode: coop.postalCode, city: coop.city, countryCode: coop.country },
    email: coop.email,
    phone: coop.phone,
    iban: coop.iban,
    bic: coop.bic,
    tradingName: act.name,
    activityCode: act.analyticCode,
    contactName: contact?.name ?? null,
    contactEmail: act.email ?? contact?.email ?? null,
  };
}

async function pdfInput(trx: Tx, cooperativeId: string, q: Quote): Promise<QuotePdfInput> {
  const lines = await getQuoteLines(trx, cooperativeId, q.id);
  const customer = (await getCustomer(trx, systemActor(cooperativeId), q.customerId))!;
  const items = lines.filter((l) => l.kind === 'item');
  const totals = computeTotals({ lines: items, globalDiscountCents: q.discountCents });
  // Subtotal after the last item of each section (when the quote has sections).
  const sectionTotals = new Map<number, number>();
  let current = -1;
  let sum = 0;
  let lastItem = -1;
  lines.forEach((l, i) => {
    if (l.kind === 'section') {
      if (current >= 0 && lastItem >= 0) sectionTotals.set(lastItem, sum);
      current = i;
      sum = 0;
      lastItem = -1;
    } else {
      sum += l.netCents;
      lastItem = i;
    }
  });
  if (current >= 0 && lastItem >= 0) sectionTotals.set(lastItem, sum);
  const mentions = [
    ...new Set(totals.groups.filter((g) => g.vatCategory !== 'S').map((g) => LEGAL_TEXTS.vat[g.vatCategory].text)),
  ];
  return {
    number: q.number,
    issueDate: q.issueDate,
    validityDate: q.validityDate,
    title: q.title,
    terms: q.terms,
    seller: await seller(trx, cooperativeId, q.activityId),
    buyer: { name: customer.name, address: customer.address, siren: customer.siren },
    lines: lines.map((l) => ({ ...l, unitLabel: UNIT_LABELS[l.unitCode] ?? 'unité' })),
    sectionTotals,
    totals: {
      linesNetCents: totals.linesNetCents,
      discountCents: totals.allowancesCents,
      taxBasisCents: totals.taxBasisCents,
      vatCents: totals.vatCents,
      totalInclCents: totals.totalInclCents,
      vatGroups: totals.groups.map((g) => ({
        label: g.vatCategory === 'S' ? `TVA ${formatRateBp(g.vatRateBp)}` : `TVA (${g.vatCategory})`,
        baseCents: g.baseCents,
        vatCents: g.vatCents,
      })),
    },
    vatMentions: mentions,
  };
}

export async function quotePdf(trx: Tx, actor: Actor, id: string): Promise<{ pdf: Buffer; number: string }> {
  const q = await getQuote(trx, actor, id);
  if (!q) throw new NotFoundError('Devis');
  return { pdf: await renderQuotePdf(await pdfInput(trx, actor.cooperativeId, q)), number: q.number };
}

/** Sends the quote with its PDF and a personal acceptance link; returns the link (token shown once). */
export async function sendQuote(
  trx: Tx,
  actor: Actor,
  id: string,
  opts: { publicUrl: string; to?: string | null },
): Promise<{ quote: Quote; link: string }> {
  authorize(actor, SALES.quoteDraft);
  const q = await getQuote(trx, actor, id);
  if (!q) throw new NotFoundError('Devis');
  if (q.status !== 'draft' && q.status !== 'sent')
    throw new UserError(`Ce devis est ${QUOTE_STATUS_LABELS[q.status].toLowerCase()} : il ne peut plus être envoyé.`);
  const customer = (await getCustomer(trx, actor, q.customerId))!;
  const to = (opts.to?.trim() || customer.email || '').trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to))
    throw new UserError("Indiquez l'adresse e-mail du client (fiche client) pour lui envoyer le devis.", 'to');
  const token = randomBytes(24).toString('base64url');
  const link = `${opts.publicUrl.replace(/\/$/, '')}/public/devis/token/${token}`;
  await salesDb(trx)
    .updateTable('quote')
    .set({ status: 'sent', token_hash: hashToken(token), sent_at: new Date(), updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  const input = await pdfInput(trx, actor.cooperativeId, q);
  const pdf = await renderQuotePdf(input);
  const paragraphs = [
    'Bonjour,',
    `Veuillez trouver ci-joint notre devis n° ${q.number}${q.title ? ` (${q.title})` : ''}, d'un montant de ${formatEuros(q.totalInclCents)} TTC, valable jusqu'au ${formatDateLong(q.validityDate)}.`,
    `S'il vous convient, vous pouvez l'accepter en ligne en quelques secondes, sans créer de compte :\n${link}`,
    "Nous restons à votre disposition pour en parler ou l'ajuster.",
    `Bien cordialement,\n${input.seller.contactName ? `${input.seller.contactName} — ` : ''}${input.seller.tradingName}\n${input.seller.name}`,
  ];
  await enqueueMail(trx, {
    to,
    subject: `Devis ${q.number} — ${input.seller.tradingName}`,
    text: paragraphs.join('\n\n'),
    html: htmlFromParagraphs(paragraphs),
    cooperativeId: actor.cooperativeId,
    attachments: [
      { filename: `Devis-${q.number}.pdf`, contentType: 'application/pdf', contentBase64: pdf.toString('base64') },
    ],
  });
  await audit(trx, actor, { action: 'quote.sent', targetType: 'quote', targetId: id, data: { to } });
  const sent = (await getQuote(trx, actor, id))!;
  await emitQuoteSent(trx, actor, sent, todayParis(), q.status === 'sent');
  return { quote: sent, link };
}

// --- acceptance -------------------------------------------------------------------------------

/** The quote behind a public link, or null (unknown or revoked token). */
export async function findQuoteByToken(
  db: Db,
  token: string,
  today = todayParis(),
): Promise<{ cooperativeId: string; quote: Quote; lines: QuoteLine[]; sellerName: string } | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const hit = await withSystem(db, (trx) =>
    salesDb(trx)
      .selectFrom('quote')
      .select(['cooperative_id', 'id'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst(),
  );
  if (!hit) return null;
  return withTenant(db, hit.cooperative_id, async (trx) => {
    const actor = systemActor(hit.cooperative_id, 'Lien public');
    const quote = (await getQuote(trx, actor, hit.id, today))!;
    const s = await seller(trx, hit.cooperative_id, quote.activityId);
    return {
      cooperativeId: hit.cooperative_id,
      quote,
      lines: await getQuoteLines(trx, hit.cooperative_id, hit.id),
      sellerName: `${s.tradingName} (${s.name})`,
    };
  });
}

export interface AcceptanceInput {
  name: string;
  agreed: boolean;
  ip: string;
  userAgent?: string | null;
  today?: IsoDate;
}
/** The customer accepts through the signed link: name, date, IP and "Bon pour accord", kept in the audit log. */
export async function acceptQuoteByToken(db: Db, token: string, input: AcceptanceInput): Promise<Quote> {
  const today = input.today ?? todayParis();
  const found = await findQuoteByToken(db, token, today);
  if (!found) throw new NotFoundError('Devis');
  const fields: Record<string, string> = {};
  if (input.name.trim().length < 2) fields.name = 'Indiquez vos nom et prénom.';
  if (!input.agreed) fields.agreed = 'Cochez « Bon pour accord » pour accepter le devis.';
  if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);
  const q = found.quote;
  if (q.status === 'expired')
    throw new UserError(
      `Ce devis a expiré le ${formatDateLong(q.validityDate)} : contactez ${found.sellerName} pour un nouveau devis.`,
    );
  if (q.status !== 'sent') throw new UserError(`Ce devis est déjà ${QUOTE_STATUS_LABELS[q.status].toLowerCase()}.`);
  return withTenant(db, found.cooperativeId, async (trx) => {
    const actor = systemActor(found.cooperativeId, `Client : ${input.name.trim()}`);
    const now = new Date();
    const r = await salesDb(trx)
      .updateTable('quote')
      .set({
        status: 'accepted',
        accepted_at: now,
        accepted_by_name: input.name.trim(),
        accepted_ip: input.ip,
        updated_at: now,
      })
      .where('cooperative_id', '=', found.cooperativeId)
      .where('id', '=', q.id)
      .where('status', '=', 'sent')
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw new UserError('Ce devis a déjà reçu une réponse.');
    await audit(trx, actor, {
      action: 'quote.accepted_online',
      targetType: 'quote',
      targetId: q.id,
      data: {
        number: q.number,
        name: input.name.trim(),
        acceptedAt: now.toISOString(),
        ip: input.ip,
        userAgent: input.userAgent ?? null,
        agreed: 'Bon pour accord',
        totalInclCents: q.totalInclCents,
        tokenHash: hashToken(token),
      },
    });
    const accepted = (await getQuote(trx, actor, q.id, today))!;
    await emitQuoteAccepted(trx, actor, accepted, today, { via: 'online', acceptedByName: input.name.trim() });
    return accepted;
  });
}

export async function refuseQuoteByToken(
  db: Db,
  token: string,
  input: { ip: string; reason?: string | null },
): Promise<Quote> {
  const found = await findQuoteByToken(db, token);
  if (!found) throw new NotFoundError('Devis');
  if (found.quote.status !== 'sent') throw new UserError('Ce devis a déjà reçu une réponse ou a expiré.');
  return withTenant(db, found.cooperativeId, async (trx) => {
    const actor = systemActor(found.cooperativeId, 'Client');
    const r = await salesDb(trx)
      .updateTable('quote')
      .set({ status: 'refused', refused_at: new Date(), updated_at: new Date() })
      .where('cooperative_id', '=', found.cooperativeId)
      .where('id', '=', found.quote.id)
      .where('status', '=', 'sent')
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw new UserError('Ce devis a déjà reçu une réponse.');
    await audit(trx, actor, {
      action: 'quote.refused_online',
      targetType: 'quote',
      targetId: found.quote.id,
      data: { ip: input.ip, reason: input.reason ?? null },
    });
    const refused = (await getQuote(trx, actor, found.quote.id))!;
    await emitQuoteRefused(trx, actor, refused, todayParis(), 'online');
    return refused;
  });
}

/** The entrepreneur records the acceptance with the signed quote (PDF or photo), stored encrypted. */
export async function markQuoteAccepted(
  trx: Tx,
  actor: Actor,
  key: Buffer,
  id: string,
  file: { name: string; mimeType: string; content: Buffer } | null,
): Promise<Quote> {
  authorize(actor, SALES.quoteDraft);
  const q = await getQuote(trx, actor, id);
  if (!q) throw new NotFoundError('Devis');
  if (q.status !== 'sent' && q.status !== 'draft')
    throw new UserError(`Ce devis est ${QUOTE_STATUS_LABELS[q.status].toLowerCase()}.`);
  if (!file?.content.length) throw new UserError('Joignez le devis signé (PDF ou photo).', 'signedFile');
  const stored = await storeFile(trx, key, {
    cooperativeId: actor.cooperativeId,
    name: file.name,
    purpose: 'signed-document',
    content: file.content,
    field: 'signedFile',
    createdBy: actor.userId,
  });
  const r = await salesDb(trx)
    .updateTable('quote')
    .set({ status: 'accepted', accepted_at: new Date(), signed_file_id: stored.id, updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', 'in', ['draft', 'sent'])
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new UserError('Ce devis a déjà reçu une réponse.');
  await audit(trx, actor, {
    action: 'quote.accepted_signed_file',
    targetType: 'quote',
    targetId: id,
    data: { fileId: stored.id, sha256: stored.sha256 },
  });
  const accepted = (await getQuote(trx, actor, id))!;
  await emitQuoteAccepted(trx, actor, accepted, todayParis(), { via: 'signed_file', acceptedByName: null });
  return accepted;
}

export async function refuseQuote(trx: Tx, actor: Actor, id: string): Promise<Quote> {
  authorize(actor, SALES.quoteDraft);
  const q = await getQuote(trx, actor, id);
  if (!q) throw new NotFoundError('Devis');
  if (q.status !== 'sent' && q.status !== 'draft')
    throw new UserError(`Ce devis est ${QUOTE_STATUS_LABELS[q.status].toLowerCase()}.`);
  const r = await salesDb(trx)
    .updateTable('quote')
    .set({ status: 'refused', refused_at: new Date(), updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', 'in', ['draft', 'sent'])
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new UserError('Ce devis a déjà reçu une réponse.');
  await audit(trx, actor, { action: 'quote.refused', targetType: 'quote', targetId: id });
  const refused = (await getQuote(trx, actor, id))!;
  await emitQuoteRefused(trx, actor, refused, todayParis(), 'staff');
  return refused;
}

// --- invoices from a quote ---------------------------------------------------------------------

export interface QuoteBilling {
  invoicedCents: number;
  remainingCents: number;
  invoices: { id: string; number: string | null; kind: string; totalInclCents: number; status: string }[];
  hasBalance: boolean;
}
export async function quoteBilling(trx: Tx, actor: Actor, quoteId: string): Promise<QuoteBilling> {
  const q = await getQuote(trx, actor, quoteId);
  if (!q) throw new NotFoundError('Devis');
  const rows = await salesDb(trx)
    .selectFrom('invoice')
    .select(['id', 'number', 'quote_kind', 'total_incl_cents', 'prepaid_cents', 'status'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quote_id', '=', quoteId)
    .where('status', '<>', 'cancelled')
    .where('type_code', '<>', '381')
    .orderBy('created_at')
    .execute();
  // What each invoice asks for: its total, minus the deposits it deducts (balance).
  const invoicedCents = rows.reduce((s, r) => s + Number(r.total_incl_cents) - Number(r.prepaid_cents), 0);
  return {
    invoicedCents,
    remainingCents: q.totalInclCents - invoicedCents,
    hasBalance: rows.some((r) => r.quote_kind === 'balance'),
    invoices: rows.map((r) => ({
      id: r.id,
      number: r.number,
      kind: r.quote_kind ?? '',
      totalInclCents: Number(r.total_incl_cents) - Number(r.prepaid_cents),
      status: r.status,
    })),
  };
}

export interface FromQuoteInput {
  kind: 'deposit' | 'intermediate' | 'balance';
  percentBp?: number | null;
  amountCents?: number | null;
  issueDate?: IsoDate;
}
export const QUOTE_EXCEEDED = (remaining: number) =>
  `Le total facturé dépasserait le montant du devis : il reste ${formatEuros(Math.max(0, remaining))} TTC à facturer.`;

/** Creates a draft invoice from an accepted quote (deposit 386, intermediate 380 or balance 380),
 *  and tells it (`sales.quote.invoiced`). */
export async function invoiceFromQuote(
  trx: Tx,
  actor: Actor,
  quoteId: string,
  input: FromQuoteInput,
): Promise<Invoice> {
  const inv = await draftFromQuote(trx, actor, quoteId, input);
  const billing = await quoteBilling(trx, actor, quoteId);
  const q = (await getQuote(trx, actor, quoteId))!;
  await emitQuoteInvoiced(trx, actor, q, todayParis(), {
    invoiceId: inv.id,
    kind: input.kind,
    typeCode: inv.typeCode === '386' ? '386' : '380',
    invoiceIssueDate: inv.issueDate,
    invoiceTotalInclCents: inv.totalInclCents - inv.prepaidCents,
    invoicedCents: billing.invoicedCents,
    remainingCents: billing.remainingCents,
  });
  return inv;
}

async function draftFromQuote(trx: Tx, actor: Actor, quoteId: string, input: FromQuoteInput): Promise<Invoice> {
  authorize(actor, SALES.invoiceDraft);
  const q = await getQuote(trx, actor, quoteId);
  if (!q) throw new NotFoundError('Devis');
  if (q.status !== 'accepted') throw new UserError('Seul un devis accepté peut être facturé.');
  // Serialise invoicing of one quote (the sum check must see concurrent drafts).
  await salesDb(trx)
    .selectFrom('quote')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', quoteId)
    .forUpdate()
    .execute();
  const billing = await quoteBilling(trx, actor, quoteId);
  if (billing.hasBalance)
    throw new UserError('La facture de solde de ce devis existe déjà : le devis est entièrement facturé.');
  const lines = (await getQuoteLines(trx, actor.cooperativeId, quoteId)).filter((l) => l.kind === 'item');
  const base = {
    activityId: q.activityId,
    customerId: q.customerId,
    issueDate: input.issueDate,
    buyerReference: null,
    notes: null as string | null,
  };
  if (input.kind === 'balance') {
    const earlier = billing.invoices;
    if (earlier.some((i) => !i.number))
      throw new UserError(
        "Faites d'abord valider les factures d'acompte et intermédiaires de ce devis : le solde les déduit.",
      );
    if (billing.invoicedCents > q.totalInclCents) throw new UserError(QUOTE_EXCEEDED(billing.remainingCents));
    // The whole quote, then each deposit deducted with its VAT (negative lines): the balance asks
    // for what remains, and its document, Factur-X and ledger entry all say so.
    const deductions = await depositDeductionLines(trx, actor, quoteId);
    const lastDeposit = earlier.filter((i) => i.number).at(-1);
    return createDraft(
      trx,
      actor,
      {
        ...base,
        discountCents: q.discountCents,
        notes: earlier.length
          ? `Solde du devis ${q.number}. Déjà facturé : ${earlier.map((i) => `${i.number} (${formatEuros(i.totalInclCents)})`).join(', ')}.`
          : `Devis ${q.number}.`,
        lines: [
          ...lines.map((l) => ({
            description: l.description,
            quantityMilli: l.quantityMilli,
            unitCode: l.unitCode,
            unitPriceCents: l.unitPriceCents,
            discountBp: l.discountBp,
            vatCategory: l.vatCategory,
            vatRateBp: l.vatRateBp,
            nature: l.nature,
          })),
          ...deductions,
        ],
      },
      { typeCode: '380', quoteId, quoteKind: 'balance', precedingInvoiceId: lastDeposit?.id ?? null },
    );
  }
  const { dlines, totals } = depositLines(q, lines, billing, input);
  const exemption = totals.groups.some((g) => g.vatCategory === 'E') ? LEGAL_TEXTS.vat.E.text : null;
  return createDraft(
    trx,
    actor,
    {
      ...base,
      vatExemptionReason: exemption,
      notes: `${input.kind === 'deposit' ? 'Acompte' : 'Facturation intermédiaire'} sur le devis ${q.number} du ${formatDateLong(q.issueDate)}.`,
      lines: dlines,
    },
    { typeCode: input.kind === 'deposit' ? '386' : '380', quoteId, quoteKind: input.kind },
  );
}

/** Deposit / intermediate: one line per VAT group of the quote, pro rata of the quote, each
 *  rounded to the cent (so "30 %" is 30 % of each VAT group, rounded per rate). */
function depositLines(
  q: Quote,
  lines: QuoteLine[],
  billing: QuoteBilling,
  input: FromQuoteInput,
): { dlines: InvoiceLineInput[]; totals: ComputedTotals; preview: ComputedTotals } {
  const totals = computeTotals({ lines, globalDiscountCents: q.discountCents });
  let num: bigint;
  let den: bigint;
  if (input.percentBp != null) {
    if (!Number.isInteger(input.percentBp) || input.percentBp <= 0 || input.percentBp > 10000)
      throw new UserError('Le pourcentage doit être compris entre 0 et 100 %.', 'percent');
    num = BigInt(input.percentBp);
    den = 10000n;
  } else if (input.amountCents != null) {
    if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0)
      throw new UserError('Le montant doit être positif.', 'amount');
    if (input.amountCents > billing.remainingCents)
      throw new UserError(QUOTE_EXCEEDED(billing.remainingCents), 'amount');
    num = BigInt(input.amountCents);
    den = BigInt(q.totalInclCents);
  } else throw new UserError('Indiquez un pourcentage ou un montant.', 'percent');
  const label = input.kind === 'deposit' ? 'Acompte' : 'Facturation intermédiaire';
  const share = input.percentBp != null ? `${formatRateBp(input.percentBp)} ` : '';
  const dlines: InvoiceLineInput[] = totals.groups
    .filter((g) => g.baseCents > 0)
    .map((g) => ({
      description: `${label} ${share}sur le devis ${q.number}${q.title ? ` — ${q.title}` : ''}${totals.groups.length > 1 ? ` (${g.vatCategory === 'S' ? `TVA ${formatRateBp(g.vatRateBp)}` : LEGAL_TEXTS.vat[g.vatCategory].text})` : ''}`,
      quantityMilli: 1000,
      unitCode: 'LS',
      unitPriceCents: Number((BigInt(g.baseCents) * num * 2n + den) / (2n * den)),
      vatCategory: g.vatCategory,
      vatRateBp: g.vatRateBp,
      nature: lines.find((l) => l.vatCategory === g.vatCategory && l.vatRateBp === g.vatRateBp)?.nature ?? 'services',
    }));
  const preview = computeTotals({ lines: dlines });
  if (preview.totalInclCents > billing.remainingCents)
    throw new UserError(QUOTE_EXCEEDED(billing.remainingCents), input.percentBp != null ? 'percent' : 'amount');
  return { dlines, totals, preview };
}

/** What a deposit or intermediate invoice would ask, before creating it (shown as one types). */
export async function previewFromQuote(
  trx: Tx,
  actor: Actor,
  quoteId: string,
  input: FromQuoteInput,
): Promise<{ totalExclCents: number; vatCents: number; totalInclCents: number }> {
  const q = await getQuote(trx, actor, quoteId);
  if (!q) throw new NotFoundError('Devis');
  if (q.status !== 'accepted') throw new UserError('Seul un devis accepté peut être facturé.');
  const billing = await quoteBilling(trx, actor, quoteId);
  const lines = (await getQuoteLines(trx, actor.cooperativeId, quoteId)).filter((l) => l.kind === 'item');
  const { preview } = depositLines(q, lines, billing, input);
  return { totalExclCents: preview.taxBasisCents, vatCents: preview.vatCents, totalInclCents: preview.totalInclCents };
}
