// Invoices and credit notes: drafts, automatic checks on submission, validation (gapless number,
// frozen content, event for the ledger), payments, and the computed InvoiceDocument.
import { sql, type Selectable } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { Tx as Handle } from '../../core/db/handles.ts';
import { searchText, textMatches, textScore } from '../../core/db/text-search.ts';
import { hasRole, isStaff, ForbiddenError, type Actor } from '../../core/actor.ts';
import { uuidv7 } from '../../core/ids.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import {
  addDays,
  daysBetween,
  isIsoDate,
  todayParis,
  toIsoDate,
  formatDate,
  formatDateLong,
  type IsoDate,
} from '../../core/dates.ts';
import { divRound, formatEuros } from '../../core/money.ts';
import { audit } from '../../core/audit.ts';
import { emit } from '../../core/events.ts';
import {
  activitiesFor,
  getCooperative,
  type CooperativeSettings,
  activityFacts,
  activityFactsOrFail,
  activityContact,
} from '../directory/index.ts';
import { computeTotals, proRataShares, type ComputedTotals } from './invoice-totals.ts';
import { allocateInvoiceNumber, DEFAULT_NUMBER_TEMPLATE } from './invoice-numbering.ts';
import { getCustomer, EU_COUNTRIES, type Customer } from './customer.service.ts';
import { LEGAL_TEXTS } from './legal.ts';
import {
  SALES_EVENTS,
  type InvoiceValidated,
  type PaymentRecorded,
  type InvoicePaid,
  type VatShare,
} from './events.ts';
import type { InvoiceDocument, InvoiceId, InvoiceStatus, Nature, VatCategory, DocumentLine } from './types.ts';
import { authorize, requireModule } from '../../core/authz.ts';
import { SALES } from './permissions.ts';
import { salesDb } from './db.ts';
import type { SalesTables } from './schema.ts';

/** The sales services' view of a transaction handle given by another module (sales still sees every table). */
export const salesTx = (tx: Handle): Tx => tx as Tx;

export const VALIDATED_EDIT_ERROR = 'Une facture validée ne peut plus être modifiée : émettez un avoir.';
const VALIDATOR_ROLES = ['support', 'director', 'accountant'] as const;

export interface InvoiceLineInput {
  description: string;
  quantityMilli: number;
  unitCode?: string;
  unitPriceCents: number;
  discountBp?: number;
  vatCategory: VatCategory;
  vatRateBp: number;
  nature?: 'goods' | 'services';
  /** Title of the section the line belongs to (consecutive lines of one title form a section). */
  section?: string | null;
}
export interface InvoiceDraftInput {
  activityId: string;
  customerId: string;
  issueDate?: IsoDate;
  dueDate?: IsoDate | null;
  deliveryDate?: IsoDate | null;
  discountCents?: number;
  discountReason?: string | null;
  vatExemptionReason?: string | null;
  buyerReference?: string | null;
  notes?: string | null;
  lines: InvoiceLineInput[];
}
export interface InvoiceLine
  extends Required<Omit<InvoiceLineInput, 'unitCode' | 'nature' | 'discountBp' | 'section'>> {
  id: string;
  section: string | null;
  unitCode: string;
  discountBp: number;
  nature: 'goods' | 'services';
  netCents: number;
}
export interface Invoice {
  id: InvoiceId;
  typeCode: '380' | '381' | '386';
  status: Exclude<InvoiceStatus, 'overdue'>;
  displayStatus: InvoiceStatus;
  number: string | null;
  activityId: string;
  customerId: string;
  customerName: string;
  issueDate: IsoDate;
  dueDate: IsoDate | null;
  deliveryDate: IsoDate | null;
  nature: Nature;
  discountCents: number;
  discountReason: string | null;
  vatExemptionReason: string | null;
  buyerReference: string | null;
  notes: string | null;
  precedingInvoiceId: string | null;
  totalExclCents: number;
  vatCents: number;
  totalInclCents: number;
  paidCents: number;
  creditedCents: number;
  dueCents: number;
  submittedAt: Date | null;
  validatedAt: Date | null;
  validatedBy: string | null;
  sentAt: Date | null;
  /** Deposits deducted on a balance invoice (BT-113), TTC. */
  prepaidCents: number;
  remindersPaused: boolean;
  quoteId: string | null;
  quoteKind: 'deposit' | 'intermediate' | 'balance' | null;
  /** Brought from another software with its original number ('endi'), or null. */
  importedFrom: string | null;
  /** The original PDF of an imported invoice (core/files), or null. */
  originalFileId: string | null;
}

export const STATUS_LABELS: Record<InvoiceStatus, string> = {
  draft: 'Brouillon',
  submitted: 'À valider',
  validated: 'Validée',
  sent: 'Envoyée',
  partly_paid: 'Payée en partie',
  paid: 'Payée',
  overdue: 'En retard',
  cancelled: 'Annulée',
};

// --- helpers --------------------------------------------------------------------------------

function displayStatus(status: string, dueDate: IsoDate | null, today: IsoDate): InvoiceStatus {
  if (['validated', 'sent', 'partly_paid'].includes(status) && dueDate && dueDate < today) return 'overdue';
  return status as InvoiceStatus;
}

export async function ownedActivityIds(trx: Tx, actor: Actor): Promise<string[] | null> {
  if (isStaff(actor)) return null;
  return (await activitiesFor(trx, actor)).map((a) => a.id);
}

function natureOf(lines: { nature: 'goods' | 'services' }[]): Nature {
  const g = lines.some((l) => l.nature === 'goods');
  const s = lines.some((l) => l.nature === 'services');
  return g && s ? 'mixed' : g ? 'goods' : 'services';
}

function checkDates(v: { issueDate: IsoDate; dueDate?: IsoDate | null; deliveryDate?: IsoDate | null }) {
  const fields: Record<string, string> = {};
  if (!isIsoDate(v.issueDate)) fields.issueDate = "Date d'émission invalide.";
  if (v.dueDate != null && !isIsoDate(v.dueDate)) fields.dueDate = "Date d'échéance invalide.";
  else if (v.dueDate && isIsoDate(v.issueDate)) {
    if (v.dueDate < v.issueDate) fields.dueDate = "L'échéance ne peut pas précéder la date d'émission.";
    else if (daysBetween(v.issueDate, v.dueDate) > LEGAL_TEXTS.maxPaymentDays)
      fields.dueDate = `L'échéance dépasse le délai légal : ${LEGAL_TEXTS.maxPaymentDays} jours au plus après la date d'émission (article L441-10 du Code de commerce).`;
  }
  if (v.deliveryDate != null && !isIsoDate(v.deliveryDate)) fields.deliveryDate = 'Date de livraison invalide.';
  if (Object.keys(fields).length)
    throw new UserError(
      Object.values(fields).length === 1 ? Object.values(fields)[0] : 'Certains champs sont à corriger.',
      undefined,
      fields,
    );
}

function normaliseLines(lines: InvoiceLineInput[]) {
  const fields: Record<string, string> = {};
  lines.forEach((l, i) => {
    if (!l.description?.trim()) fields[`lines.${i}.description`] = 'Décrivez la prestation ou le produit.';
  });
  if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);
  return lines.map((l) => ({
    ...l,
    description: l.description.trim(),
    unitCode: l.unitCode || 'C62',
    discountBp: l.discountBp ?? 0,
    nature: l.nature ?? ('services' as const),
  }));
}

async function writeLines(
  trx: Tx,
  actor: Actor,
  invoiceId: string,
  lines: ReturnType<typeof normaliseLines>,
  t: ComputedTotals,
) {
  await salesDb(trx)
    .deleteFrom('invoice_line')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('invoice_id', '=', invoiceId)
    .execute();
  if (!lines.length) return;
  await salesDb(trx)
    .insertInto('invoice_line')
    .values(
      lines.map((l, i) => ({
        cooperative_id: actor.cooperativeId,
        id: uuidv7(),
        invoice_id: invoiceId,
        position: i + 1,
        description: l.description,
        quantity_milli: l.quantityMilli,
        unit_code: l.unitCode,
        unit_price_cents: l.unitPriceCents,
        discount_bp: l.discountBp,
        vat_category: l.vatCategory,
        vat_rate_bp: l.vatRateBp,
        nature: l.nature,
        net_cents: t.lineNets[i],
        section: l.section?.trim().slice(0, 200) || null,
      })),
    )
    .execute();
}

async function lockInvoice(trx: Tx, actor: Actor, id: string) {
  const owned = await ownedActivityIds(trx, actor);
  const r = await salesDb(trx)
    .selectFrom('invoice')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!r || (owned && !owned.includes(r.activity_id))) throw new NotFoundError('Facture');
  return r;
}

// --- drafts ---------------------------------------------------------------------------------

async function prepareDraft(
  trx: Tx,
  actor: Actor,
  input: InvoiceDraftInput,
  opts: { allowNegativeLines?: boolean } = {},
) {
  const owned = await ownedActivityIds(trx, actor);
  const fields: Record<string, string> = {};
  if (!input.activityId) fields.activityId = "Choisissez l'activité.";
  else {
    const act = await activityFacts(trx, actor.cooperativeId, { id: input.activityId });
    if (!act || (owned && !owned.includes(act.id))) fields.activityId = "Choisissez l'une de vos activités.";
  }
  const customer = input.customerId ? await getCustomer(trx, actor, input.customerId) : null;
  if (!customer) fields.customerId = 'Choisissez le client.';
  if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);
  const issueDate = input.issueDate || todayParis();
  const dueDate = input.dueDate === undefined ? addDays(issueDate, customer!.paymentTermsDays) : input.dueDate;
  checkDates({ issueDate, dueDate, deliveryDate: input.deliveryDate });
  const lines = normaliseLines(input.lines);
  const totals = computeTotals({
    lines,
    globalDiscountCents: input.discountCents ?? 0,
    allowNegativeLines: opts.allowNegativeLines,
  });
  return { customer: customer!, issueDate, dueDate, lines, totals };
}

export interface DraftOptions {
  typeCode?: '380' | '386' | '381';
  precedingInvoiceId?: string | null;
  quoteId?: string | null;
  quoteKind?: 'deposit' | 'intermediate' | 'balance' | null;
  prepaidCents?: number;
}
export async function createDraft(
  trx: Tx,
  actor: Actor,
  input: InvoiceDraftInput,
  opts: DraftOptions = {},
): Promise<Invoice> {
  authorize(actor, SALES.invoiceDraft);
  const p = await prepareDraft(trx, actor, input, { allowNegativeLines: opts.quoteKind === 'balance' });
  if (opts.prepaidCents && opts.prepaidCents > p.totals.totalInclCents)
    throw new UserError('Les acomptes déduits dépassent le total de la facture.');
  const id = uuidv7<InvoiceId>();
  await salesDb(trx)
    .insertInto('invoice')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      type_code: opts.typeCode ?? '380',
      status: 'draft',
      number: null,
      activity_id: input.activityId,
      customer_id: input.customerId,
      issue_date: p.issueDate,
      due_date: p.dueDate ?? null,
      delivery_date: input.deliveryDate ?? null,
      nature: natureOf(p.lines),
      discount_cents: input.discountCents ?? 0,
      discount_reason: input.discountReason ?? null,
      vat_exemption_reason: input.vatExemptionReason ?? null,
      buyer_reference: input.buyerReference ?? null,
      notes: input.notes ?? null,
      preceding_invoice_id: opts.precedingInvoiceId ?? null,
      total_excl_cents: p.totals.taxBasisCents,
      vat_cents: p.totals.vatCents,
      total_incl_cents: p.totals.totalInclCents,
      paid_cents: 0,
      customer_snapshot: null,
      created_by: actor.userId,
      submitted_at: null,
      validated_at: null,
      validated_by: null,
      sent_at: null,
      cancelled_at: null,
      quote_id: opts.quoteId ?? null,
      quote_kind: opts.quoteKind ?? null,
      prepaid_cents: opts.prepaidCents ?? 0,
    })
    .execute();
  await writeLines(trx, actor, id, p.lines, p.totals);
  await audit(trx, actor, {
    action: 'invoice.draft_created',
    targetType: 'invoice',
    targetId: id,
    data: { typeCode: opts.typeCode ?? '380', totalInclCents: p.totals.totalInclCents },
  });
  return (await getInvoice(trx, actor, id))!;
}

export async function updateDraft(trx: Tx, actor: Actor, id: string, input: InvoiceDraftInput): Promise<Invoice> {
  authorize(actor, SALES.invoiceDraft);
  const r = await lockInvoice(trx, actor, id);
  if (r.status !== 'draft' && r.status !== 'submitted') throw new UserError(VALIDATED_EDIT_ERROR);
  const isBalance = r.quote_kind === 'balance' && r.quote_id && Number(r.prepaid_cents) === 0;
  // The deductions of a balance invoice are not the author's to edit: they are rebuilt from the
  // deposit invoices of the quote, whatever the form sent.
  if (isBalance)
    input = {
      ...input,
      lines: [
        ...input.lines.filter((l) => l.quantityMilli > 0),
        ...(await depositDeductionLines(trx, actor, r.quote_id!, id)),
      ],
    };
  const p = await prepareDraft(trx, actor, input, { allowNegativeLines: !!isBalance });
  if (r.quote_id) await checkWithinQuote(trx, actor, r.quote_id, id, p.totals.totalInclCents);
  await salesDb(trx)
    .updateTable('invoice')
    .set({
      status: 'draft',
      activity_id: input.activityId,
      customer_id: input.customerId,
      issue_date: p.issueDate,
      due_date: p.dueDate ?? null,
      delivery_date: input.deliveryDate ?? null,
      nature: natureOf(p.lines),
      discount_cents: input.discountCents ?? 0,
      discount_reason: input.discountReason ?? null,
      vat_exemption_reason: input.vatExemptionReason ?? null,
      buyer_reference: input.buyerReference ?? null,
      notes: input.notes ?? null,
      total_excl_cents: p.totals.taxBasisCents,
      vat_cents: p.totals.vatCents,
      total_incl_cents: p.totals.totalInclCents,
      submitted_at: null,
      updated_at: new Date(),
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await writeLines(trx, actor, id, p.lines, p.totals);
  await audit(trx, actor, {
    action: 'invoice.draft_updated',
    targetType: 'invoice',
    targetId: id,
    data: { totalInclCents: p.totals.totalInclCents },
  });
  return (await getInvoice(trx, actor, id))!;
}

// --- invoices of a quote --------------------------------------------------------------------

const QUOTE_CAP_ERROR = (remaining: number) =>
  `Le total facturé dépasserait le montant du devis : il reste ${formatEuros(Math.max(0, remaining))} TTC à facturer.`;

/** Earlier invoices of a quote that a balance deducts: numbered, neither cancelled nor credit notes. */
async function earlierQuoteInvoices(trx: Tx, actor: Actor, quoteId: string, exceptId?: string) {
  let q = salesDb(trx)
    .selectFrom('invoice')
    .select(['id', 'number', 'issue_date', 'discount_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quote_id', '=', quoteId)
    .where('number', 'is not', null)
    .where('type_code', '<>', '381')
    .where('status', '<>', 'cancelled')
    .orderBy('number');
  if (exceptId) q = q.where('id', '<>', exceptId);
  return q.execute();
}

/**
 * The lines by which a balance invoice deducts the deposits already invoiced on its quote: for
 * each deposit, one line per VAT group, with a negative quantity (a price is never negative,
 * EN 16931 BR-27), so that the deposit is deducted with its VAT, as the e-invoicing reform's use
 * case for a final invoice after deposits asks. The document, its Factur-X and the ledger then
 * say the same thing: this invoice adds only what remains.
 */
export async function depositDeductionLines(
  trx: Tx,
  actor: Actor,
  quoteId: string,
  balanceId?: string,
): Promise<InvoiceLineInput[]> {
  requireModule(actor, 'sales');
  const out: InvoiceLineInput[] = [];
  for (const e of await earlierQuoteInvoices(trx, actor, quoteId, balanceId)) {
    const ls = await getLines(trx, actor, e.id);
    const groups = computeTotals({ lines: ls, globalDiscountCents: Number(e.discount_cents) }).groups;
    for (const g of groups) {
      if (g.baseCents <= 0) continue;
      const same = ls.filter((l) => l.vatCategory === g.vatCategory && l.vatRateBp === g.vatRateBp);
      const goods = same.filter((l) => l.nature === 'goods').reduce((t, l) => t + l.netCents, 0);
      const rate = groups.length > 1 ? ` (TVA ${(g.vatRateBp / 100).toLocaleString('fr-FR')} %)` : '';
      out.push({
        description: `Déduction de l'acompte n° ${e.number} du ${formatDate(toIsoDate(e.issue_date))}${rate}`,
        quantityMilli: -1000,
        unitCode: 'C62',
        unitPriceCents: g.baseCents,
        discountBp: 0,
        vatCategory: g.vatCategory,
        vatRateBp: g.vatRateBp,
        nature: goods * 2 > g.linesNetCents ? 'goods' : 'services',
      });
    }
  }
  return out;
}

/**
 * The invoices of a quote never ask for more than the quote, on creation, on every edit and on
 * validation (under the quote's lock). A balance may differ from the remainder by a cent per
 * VAT group deducted: each invoice rounds its own VAT.
 */
async function checkWithinQuote(trx: Tx, actor: Actor, quoteId: string, invoiceId: string, totalInclCents: number) {
  const quote = await salesDb(trx)
    .selectFrom('quote')
    .select(['total_incl_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', quoteId)
    .forUpdate()
    .executeTakeFirst();
  if (!quote) return;
  const others = await salesDb(trx)
    .selectFrom('invoice')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>(sql`total_incl_cents - prepaid_cents`), sql<number>`0`).as('s'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quote_id', '=', quoteId)
    .where('id', '<>', invoiceId)
    .where('type_code', '<>', '381')
    .where('status', '<>', 'cancelled')
    .executeTakeFirstOrThrow();
  const deductions = (await depositDeductionLines(trx, actor, quoteId, invoiceId)).length;
  const remaining = Number(quote.total_incl_cents) - Number(others.s);
  if (totalInclCents > remaining + deductions) throw new UserError(QUOTE_CAP_ERROR(remaining), 'lines');
}

// --- checks and transitions -----------------------------------------------------------------

/** The automatic checks run on submission and again on validation; returns French problems. */
export async function invoiceProblems(trx: Tx, actor: Actor, id: string): Promise<Record<string, string>> {
  authorize(actor, SALES.invoiceRead);
  const inv = await getInvoice(trx, actor, id);
  if (!inv) throw new NotFoundError('Facture');
  const lines = await getLines(trx, actor, id);
  const customer = (await getCustomer(trx, actor, inv.customerId))!;
  const coop = (await getCooperative(trx, actor.cooperativeId))!;
  const p: Record<string, string> = {};
  if (!lines.length) p.lines = 'Ajoutez au moins une ligne.';
  if (!coop.siren || !coop.vatNumber || !coop.rcsCity || !coop.addressLine)
    p.seller = 'Les informations légales de la coopérative sont incomplètes (SIREN, TVA, RCS, adresse).';
  if (!customer.address.line1 || !customer.address.city)
    p.customerId = "L'adresse de facturation du client est incomplète.";
  const business = customer.kind === 'company';
  if (business && customer.address.countryCode === 'FR' && !customer.siren)
    p.customerId = 'Le SIREN du client professionnel est obligatoire : complétez la fiche client.';
  // The structured invoice needs an address for the buyer (BT-49): SIREN, VAT number or e-mail.
  if (!business && !customer.email && !customer.electronicAddress)
    p.customerId = "Indiquez l'adresse e-mail du client particulier : la facture électronique en a besoin.";
  if (!inv.dueDate && inv.typeCode !== '381') p.dueDate = "Indiquez la date d'échéance.";
  try {
    checkDates(inv);
  } catch (e) {
    if (e instanceof UserError) Object.assign(p, e.fields);
    else throw e;
  }
  const cats = new Set(lines.map((l) => l.vatCategory));
  if (cats.has('AE') && !(business && customer.vatNumber))
    p.vat = "L'autoliquidation suppose un client professionnel avec un numéro de TVA intracommunautaire.";
  if (
    cats.has('K') &&
    !(
      customer.vatNumber &&
      EU_COUNTRIES.includes(customer.address.countryCode) &&
      customer.address.countryCode !== 'FR'
    )
  )
    p.vat = "Une prestation intracommunautaire suppose un client d'un autre pays de l'Union avec un numéro de TVA.";
  if (cats.has('G') && EU_COUNTRIES.includes(customer.address.countryCode))
    p.vat = "L'exonération à l'exportation suppose un client hors de l'Union européenne.";
  if (cats.has('E') && !inv.vatExemptionReason?.trim())
    p.vatExemptionReason = `Indiquez le motif de l'exonération de TVA (ex. : ${LEGAL_TEXTS.vat.E.text}).`;
  if (inv.typeCode === '381' && !inv.precedingInvoiceId)
    p.precedingInvoiceId = "Un avoir doit indiquer la facture qu'il corrige.";
  return p;
}

function throwProblems(p: Record<string, string>) {
  const msgs = Object.values(p);
  if (msgs.length)
    throw new UserError(msgs.length === 1 ? msgs[0] : `La facture n'est pas prête : ${msgs.join(' ')}`, undefined, p);
}

export async function submitInvoice(trx: Tx, actor: Actor, id: string): Promise<Invoice> {
  authorize(actor, SALES.invoiceDraft);
  const r = await lockInvoice(trx, actor, id);
  if (r.status !== 'draft')
    throw new UserError(r.status === 'submitted' ? 'Cette facture est déjà soumise.' : VALIDATED_EDIT_ERROR);
  throwProblems(await invoiceProblems(trx, actor, id));
  await salesDb(trx)
    .updateTable('invoice')
    .set({ status: 'submitted', submitted_at: new Date(), updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, { action: 'invoice.submitted', targetType: 'invoice', targetId: id });
  return (await getInvoice(trx, actor, id))!;
}

/** The automatic checks an entrepreneur's own validation must pass (duplicates, amounts…): the
 *  inbox's check registry, plugged in by `sales/inbox.ts` when the module loads (the registry
 *  lives in the inbox module, which itself reads sales). Returns the messages of what was found. */
type SelfValidationGuard = (trx: Tx, actor: Actor, invoiceId: string) => Promise<string[]>;
let selfValidationGuard: SelfValidationGuard | null = null;
export function setSelfValidationGuard(guard: SelfValidationGuard): void {
  selfValidationGuard = guard;
}

export async function canValidate(
  trx: Tx,
  actor: Actor,
  inv: { activityId: string; totalInclCents: number },
): Promise<boolean> {
  requireModule(actor, 'sales');
  if (hasRole(actor, ...VALIDATOR_ROLES)) return true;
  const owned = await ownedActivityIds(trx, actor);
  if (!owned?.includes(inv.activityId)) return false;
  const act = await activityFacts(trx, actor.cooperativeId, { id: inv.activityId });
  const coop = (await getCooperative(trx, actor.cooperativeId))!;
  return !!act?.trusted || inv.totalInclCents <= (coop.settings.selfValidationThresholdCents ?? 0);
}

/**
 * Validates a draft or submitted invoice: checks again, takes the next number of its series
 * (gapless, in this transaction), freezes the customer, emits the event the ledger posts.
 * `opts.today` dates the invoice (defaults to today in Paris); the term is kept.
 */
export async function validateInvoice(
  trx: Tx,
  actor: Actor,
  id: string,
  opts: { today?: IsoDate } = {},
): Promise<Invoice> {
  authorize(actor, SALES.invoiceValidate);
  const r = await lockInvoice(trx, actor, id);
  if (r.status !== 'draft' && r.status !== 'submitted') throw new UserError('Cette facture est déjà validée.');
  if (!(await canValidate(trx, actor, { activityId: r.activity_id, totalInclCents: r.total_incl_cents })))
    throw new ForbiddenError("Vous ne pouvez pas valider cette facture : elle dépasse votre seuil d'autovalidation.");
  if (!hasRole(actor, ...VALIDATOR_ROLES)) {
    // Self-validation passes the same automatic checks as support's queue, whatever the caller
    // (page, CLI, API): without the checks plugged in, nobody validates their own invoice.
    if (!selfValidationGuard) throw new ForbiddenError('Les contrôles automatiques ne sont pas disponibles.');
    const held = await selfValidationGuard(trx, actor, id);
    if (held.length)
      throw new UserError(
        `Cette facture doit être vérifiée par l'équipe d'accompagnement : ${held.join(' ')} Soumettez-la pour validation.`,
      );
  }
  const today = opts.today ?? todayParis();
  const oldIssue = toIsoDate(r.issue_date);
  const due = r.due_date ? addDays(today, daysBetween(oldIssue, toIsoDate(r.due_date))) : null;
  await salesDb(trx)
    .updateTable('invoice')
    .set({ issue_date: today, due_date: due })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  throwProblems(await invoiceProblems(trx, actor, id));
  const coop = (await getCooperative(trx, actor.cooperativeId))!;
  const act = await activityFactsOrFail(trx, actor.cooperativeId, r.activity_id);
  const customer = (await getCustomer(trx, actor, r.customer_id))!;
  if (r.type_code === '381') await checkCreditAmount(trx, actor, r.preceding_invoice_id!, r.total_incl_cents, id);
  if (r.quote_id && r.type_code !== '381')
    await checkWithinQuote(trx, actor, r.quote_id, id, Number(r.total_incl_cents) - Number(r.prepaid_cents));
  const number = await allocateInvoiceNumber(
    trx,
    actor.cooperativeId,
    (coop.settings as CooperativeSettings).invoiceNumberTemplate || DEFAULT_NUMBER_TEMPLATE,
    { issueDate: today, analyticCode: act.analyticCode },
  );
  await salesDb(trx)
    .updateTable('invoice')
    .set({
      status: 'validated',
      number,
      validated_at: new Date(),
      validated_by: actor.userId,
      updated_at: new Date(),
      customer_snapshot: JSON.stringify(customer),
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  const inv = (await getInvoice(trx, actor, id))!;
  const lines = await getLines(trx, actor, id);
  // Stored lines were checked when written; a balance's deductions are negative.
  const totals = computeTotals({ lines, globalDiscountCents: inv.discountCents, allowNegativeLines: true });
  let shares = sharesByNature(lines, totals);
  let sums = { excl: inv.totalExclCents, vat: inv.vatCents, incl: inv.totalInclCents };
  // A balance invoice repeats the whole quote: the deposits it deducts were already posted by
  // their own invoices, so the event carries only the remainder (what this invoice adds).
  if (r.quote_kind === 'balance' && r.quote_id && inv.prepaidCents > 0)
    ({ shares, sums } = await withoutDeposits(trx, actor, r.quote_id, id, shares, sums));
  const payload: InvoiceValidated = {
    invoiceId: id,
    number,
    issueDate: today,
    typeCode: inv.typeCode,
    customerId: customer.id,
    customerName: customer.name,
    activityId: inv.activityId,
    activityCode: act.analyticCode,
    shares,
    totalExclCents: sums.excl,
    vatCents: sums.vat,
    totalInclCents: sums.incl,
    precedingInvoiceId: inv.precedingInvoiceId,
  };
  await emit(
    trx,
    actor,
    inv.typeCode === '381' ? SALES_EVENTS.creditNoteValidated : SALES_EVENTS.invoiceValidated,
    payload,
  );
  await audit(trx, actor, {
    action: inv.typeCode === '381' ? 'credit_note.validated' : 'invoice.validated',
    targetType: 'invoice',
    targetId: id,
    data: { number, totalInclCents: inv.totalInclCents },
  });
  if (inv.typeCode === '381' && inv.precedingInvoiceId) await settleAfterCredit(trx, actor, inv.precedingInvoiceId);
  return inv;
}

async function withoutDeposits(
  trx: Tx,
  actor: Actor,
  quoteId: string,
  balanceId: string,
  shares: VatShare[],
  sums: { excl: number; vat: number; incl: number },
) {
  const earlier = await salesDb(trx)
    .selectFrom('invoice')
    .select(['id', 'discount_cents', 'total_excl_cents', 'vat_cents', 'total_incl_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quote_id', '=', quoteId)
    .where('id', '<>', balanceId)
    .where('number', 'is not', null)
    .where('type_code', '<>', '381')
    .where('status', '<>', 'cancelled')
    .execute();
  const out = shares.map((x) => ({ ...x }));
  const next = { ...sums };
  for (const e of earlier) {
    const ls = await getLines(trx, actor, e.id);
    for (const d of sharesByNature(ls, computeTotals({ lines: ls, globalDiscountCents: Number(e.discount_cents) }))) {
      const same =
        out.find((x) => x.nature === d.nature && x.vatRateBp === d.vatRateBp) ??
        out.find((x) => x.vatRateBp === d.vatRateBp);
      if (same) {
        same.baseCents -= d.baseCents;
        same.vatCents -= d.vatCents;
      } else out.push({ ...d, baseCents: -d.baseCents, vatCents: -d.vatCents });
    }
    next.excl -= Number(e.total_excl_cents);
    next.vat -= Number(e.vat_cents);
    next.incl -= Number(e.total_incl_cents);
  }
  return { shares: out.filter((x) => x.baseCents !== 0 || x.vatCents !== 0), sums: next };
}

/** VAT groups split by nature (goods / services) pro rata of the line nets, exact to the cent. */
export function sharesByNature(
  lines: { nature: 'goods' | 'services'; vatCategory: VatCategory; vatRateBp: number; netCents: number }[],
  totals: ComputedTotals,
): VatShare[] {
  const out: VatShare[] = [];
  for (const g of totals.groups) {
    const ls = lines.filter((l) => l.vatCategory === g.vatCategory && l.vatRateBp === g.vatRateBp);
    const goods = ls.filter((l) => l.nature === 'goods').reduce((s, l) => s + l.netCents, 0);
    const all = ls.reduce((s, l) => s + l.netCents, 0);
    const gBase = all ? Number(divRound(BigInt(g.baseCents) * BigInt(goods), BigInt(all))) : 0;
    const gVat = all ? Number(divRound(BigInt(g.vatCents) * BigInt(goods), BigInt(all))) : 0;
    const push = (nature: 'goods' | 'services', baseCents: number, vatCents: number) => {
      const same = out.find((s) => s.nature === nature && s.vatRateBp === g.vatRateBp);
      if (same) {
        same.baseCents += baseCents;
        same.vatCents += vatCents;
      } else out.push({ nature, vatRateBp: g.vatRateBp, baseCents, vatCents });
    };
    if (goods) push('goods', gBase, gVat);
    if (all !== goods || !goods) push('services', g.baseCents - gBase, g.vatCents - gVat);
  }
  return out;
}

export async function markSent(trx: Tx, actor: Actor, id: string): Promise<Invoice> {
  authorize(actor, SALES.invoiceSend);
  const r = await lockInvoice(trx, actor, id);
  if (r.status !== 'validated')
    throw new UserError('Seule une facture validée et pas encore payée peut être marquée envoyée.');
  await salesDb(trx)
    .updateTable('invoice')
    .set({ status: 'sent', sent_at: new Date(), updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, { action: 'invoice.sent', targetType: 'invoice', targetId: id });
  return (await getInvoice(trx, actor, id))!;
}

// --- credit notes ---------------------------------------------------------------------------

async function creditedCents(trx: Tx, actor: Actor, invoiceId: string, exceptId?: string): Promise<number> {
  let q = salesDb(trx)
    .selectFrom('invoice')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('total_incl_cents'), sql<number>`0`).as('s'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('preceding_invoice_id', '=', invoiceId)
    .where('type_code', '=', '381')
    .where('number', 'is not', null);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return Number((await q.executeTakeFirstOrThrow()).s);
}

export async function checkCreditAmount(trx: Tx, actor: Actor, invoiceId: string, amount: number, exceptId?: string) {
  requireModule(actor, 'sales');
  // The corrected invoice is locked, so credit notes validated at the same moment are counted
  // one after the other (each locks only its own row otherwise).
  await lockInvoice(trx, actor, invoiceId);
  const inv = await getInvoice(trx, actor, invoiceId);
  if (!inv?.number || inv.typeCode === '381') throw new UserError('Un avoir corrige une facture validée.');
  const already = await creditedCents(trx, actor, invoiceId, exceptId);
  if (amount > inv.totalInclCents - already)
    throw new UserError(`L'avoir dépasse le montant restant de la facture ${inv.number}.`);
}

export async function settleAfterCredit(trx: Tx, actor: Actor, invoiceId: string) {
  const inv = (await getInvoice(trx, actor, invoiceId))!;
  if (inv.dueCents > 0) return;
  const status = inv.paidCents > 0 ? 'paid' : 'cancelled';
  await salesDb(trx)
    .updateTable('invoice')
    .set({ status, cancelled_at: status === 'cancelled' ? new Date() : null, updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', invoiceId)
    .execute();
  await audit(trx, actor, {
    action: status === 'cancelled' ? 'invoice.cancelled' : 'invoice.paid',
    targetType: 'invoice',
    targetId: invoiceId,
    data: { by: 'credit_note' },
  });
}

/** A draft credit note (381) for the whole invoice, or for the given lines (partial). */
export async function createCreditNote(
  trx: Tx,
  actor: Actor,
  invoiceId: string,
  opts: { lines?: InvoiceLineInput[]; reason?: string } = {},
): Promise<Invoice> {
  authorize(actor, SALES.creditNote);
  const inv = await getInvoice(trx, actor, invoiceId);
  if (!inv) throw new NotFoundError('Facture');
  if (!inv.number || inv.typeCode === '381')
    throw new UserError('Seule une facture validée peut être corrigée par un avoir.');
  const lines = opts.lines ?? (await getLines(trx, actor, invoiceId)).map((l) => ({ ...l }));
  const draft = await createDraft(
    trx,
    actor,
    {
      activityId: inv.activityId,
      customerId: inv.customerId,
      issueDate: todayParis(),
      dueDate: null,
      lines,
      discountCents: opts.lines ? 0 : inv.discountCents,
      discountReason: inv.discountReason,
      vatExemptionReason: inv.vatExemptionReason,
      notes: opts.reason ?? `Avoir sur la facture ${inv.number}`,
    },
    { typeCode: '381', precedingInvoiceId: invoiceId },
  );
  await checkCreditAmount(trx, actor, invoiceId, draft.totalInclCents, draft.id);
  return draft;
}

// --- payments -------------------------------------------------------------------------------

export interface PaymentInput {
  date?: IsoDate;
  amountCents: number;
  method?: string;
  reference?: string | null;
}

export async function recordPayment(trx: Tx, actor: Actor, invoiceId: string, input: PaymentInput): Promise<Invoice> {
  await recordPaymentId(trx, actor, invoiceId, input);
  return (await getInvoice(trx, actor, invoiceId))!;
}

/** What `sales.payment.recorded` tells of a payment: its VAT per rate, pro rata of the invoice
 *  (shared by the one-payment and the batch paths, which must tell the same). */
export function paymentRecordedPayload(
  inv: Invoice,
  lines: InvoiceLine[],
  activityCode: string,
  p: { id: string; date: IsoDate; method: string; input: PaymentInput },
): PaymentRecorded {
  const shares = sharesByNature(
    lines,
    computeTotals({ lines, globalDiscountCents: inv.discountCents, allowNegativeLines: true }),
  );
  return {
    paymentId: p.id,
    invoiceId: inv.id,
    invoiceNumber: inv.number!,
    date: p.date,
    amountCents: p.input.amountCents,
    customerId: inv.customerId,
    customerName: inv.customerName,
    activityId: inv.activityId,
    activityCode,
    method: p.method,
    reference: p.input.reference ?? null,
    shares: proRataShares(p.input.amountCents, inv.totalInclCents, shares).map((s) => ({
      nature: s.group.nature,
      vatRateBp: s.group.vatRateBp,
      baseCents: s.baseCents,
      vatCents: s.vatCents,
    })),
  };
}

export const invoicePaidPayload = (
  inv: Invoice,
  customerEmail: string | null,
  paidCents: number,
  date: IsoDate,
): InvoicePaid => ({
  invoiceId: inv.id,
  invoiceNumber: inv.number!,
  activityId: inv.activityId,
  customerId: inv.customerId,
  customerName: inv.customerName,
  customerEmail,
  totalInclCents: inv.totalInclCents,
  paidCents,
  date,
});

export const paymentAudit = (invoiceId: string, paymentId: string, amountCents: number, status: string) => ({
  action: 'invoice.payment_recorded',
  targetType: 'invoice',
  targetId: invoiceId,
  data: { paymentId, amountCents, status },
});

/** The status a payment leaves its invoice in. */
export const statusAfterPayment = (inv: Invoice, paidCents: number): 'paid' | 'partly_paid' =>
  paidCents + inv.creditedCents + inv.prepaidCents >= inv.totalInclCents ? 'paid' : 'partly_paid';

/** Why a payment is refused (the same words on both paths), or null. */
export function paymentRefusal(
  status: string,
  typeCode: string,
  dueCents: number,
  input: PaymentInput,
  date: string,
): UserError | null {
  if (!['validated', 'sent', 'partly_paid'].includes(status) || typeCode === '381')
    return new UserError('Un paiement se rapporte à une facture validée et non soldée.');
  if (!isIsoDate(date)) return new UserError('Date de paiement invalide.', 'date');
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0)
    return new UserError('Le montant du paiement doit être positif.', 'amount');
  if (input.amountCents > dueCents)
    return new UserError(
      `Le paiement dépasse le reste à payer (${(dueCents / 100).toFixed(2).replace('.', ',')} €).`,
      'amount',
    );
  return null;
}

/** Records a payment (same checks, rights and postings as recordPayment) and returns its id,
 *  without reading the invoice back: what bank matching needs for each line it settles. */
export async function recordPaymentId(trx: Tx, actor: Actor, invoiceId: string, input: PaymentInput): Promise<string> {
  authorize(actor, SALES.paymentRecord);
  const r = await lockInvoice(trx, actor, invoiceId);
  const inv = (await getInvoice(trx, actor, invoiceId))!;
  const date = input.date || todayParis();
  const refusal = paymentRefusal(r.status, r.type_code, inv.dueCents, input, date);
  if (refusal) throw refusal;
  const id = uuidv7();
  const method = input.method || 'virement';
  await salesDb(trx)
    .insertInto('payment')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      invoice_id: invoiceId,
      date,
      amount_cents: input.amountCents,
      method,
      reference: input.reference ?? null,
      created_by: actor.userId,
    })
    .execute();
  const paid = inv.paidCents + input.amountCents;
  const status = statusAfterPayment(inv, paid);
  await salesDb(trx)
    .updateTable('invoice')
    .set({ paid_cents: paid, status, updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', invoiceId)
    .execute();
  const lines = await getLines(trx, actor, invoiceId);
  const act = await activityFactsOrFail(trx, actor.cooperativeId, inv.activityId);
  const payload = paymentRecordedPayload(inv, lines, act.analyticCode, { id, date, method, input });
  await emit(trx, actor, SALES_EVENTS.paymentRecorded, payload);
  if (status === 'paid') {
    const customer = await salesDb(trx)
      .selectFrom('customer')
      .select('email')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', inv.customerId)
      .executeTakeFirst();
    const paidPayload = invoicePaidPayload(inv, customer?.email ?? null, paid, date);
    await emit(trx, actor, SALES_EVENTS.invoicePaid, paidPayload);
  }
  await audit(trx, actor, paymentAudit(invoiceId, id, input.amountCents, status));
  return id;
}

// --- queries --------------------------------------------------------------------------------

const baseQuery = (trx: Tx, actor: Actor) =>
  salesDb(trx)
    .selectFrom('invoice')
    .innerJoin('customer', (j) =>
      j
        .onRef('customer.cooperative_id', '=', 'invoice.cooperative_id')
        .onRef('customer.id', '=', 'invoice.customer_id'),
    )
    .where('invoice.cooperative_id', '=', actor.cooperativeId);

const CREDITED = sql<number>`coalesce((select sum(cn.total_incl_cents) from invoice cn where cn.cooperative_id = invoice.cooperative_id and cn.preceding_invoice_id = invoice.id and cn.type_code = '381' and cn.number is not null), 0)`;

type InvoiceRow = {
  id: string;
  type_code: '380' | '381' | '386';
  status: string;
  number: string | null;
  activity_id: string;
  customer_id: string;
  customer_name: string;
  issue_date: string;
  due_date: string | null;
  delivery_date: string | null;
  nature: Nature;
  discount_cents: number;
  discount_reason: string | null;
  vat_exemption_reason: string | null;
  buyer_reference: string | null;
  notes: string | null;
  preceding_invoice_id: string | null;
  total_excl_cents: number;
  vat_cents: number;
  total_incl_cents: number;
  paid_cents: number;
  credited: number;
  submitted_at: Date | null;
  validated_at: Date | null;
  validated_by: string | null;
  sent_at: Date | null;
  prepaid_cents: number;
  reminders_paused: boolean;
  quote_id: string | null;
  quote_kind: string | null;
  imported_from: string | null;
  original_file_id: string | null;
};
const COLUMNS = [
  'invoice.id',
  'invoice.type_code',
  'invoice.status',
  'invoice.number',
  'invoice.activity_id',
  'invoice.customer_id',
  'customer.name as customer_name',
  'invoice.issue_date',
  'invoice.due_date',
  'invoice.delivery_date',
  'invoice.nature',
  'invoice.discount_cents',
  'invoice.discount_reason',
  'invoice.vat_exemption_reason',
  'invoice.buyer_reference',
  'invoice.notes',
  'invoice.preceding_invoice_id',
  'invoice.total_excl_cents',
  'invoice.vat_cents',
  'invoice.total_incl_cents',
  'invoice.paid_cents',
  'invoice.submitted_at',
  'invoice.validated_at',
  'invoice.validated_by',
  'invoice.sent_at',
  'invoice.prepaid_cents',
  'invoice.reminders_paused',
  'invoice.quote_id',
  'invoice.quote_kind',
  'invoice.imported_from',
  'invoice.original_file_id',
] as const;

function toInvoice(r: InvoiceRow, today: IsoDate): Invoice {
  const credited = Number(r.credited ?? 0);
  const dueDate = r.due_date ? toIsoDate(r.due_date) : null;
  return {
    id: r.id as InvoiceId,
    typeCode: r.type_code,
    status: r.status as Invoice['status'],
    displayStatus: displayStatus(r.status, dueDate, today),
    number: r.number,
    activityId: r.activity_id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    issueDate: toIsoDate(r.issue_date),
    dueDate,
    deliveryDate: r.delivery_date ? toIsoDate(r.delivery_date) : null,
    nature: r.nature,
    discountCents: r.discount_cents,
    discountReason: r.discount_reason,
    vatExemptionReason: r.vat_exemption_reason,
    buyerReference: r.buyer_reference,
    notes: r.notes,
    precedingInvoiceId: r.preceding_invoice_id,
    totalExclCents: r.total_excl_cents,
    vatCents: r.vat_cents,
    totalInclCents: r.total_incl_cents,
    paidCents: r.paid_cents,
    creditedCents: credited,
    dueCents:
      r.type_code === '381' || r.status === 'cancelled'
        ? 0
        : Math.max(0, r.total_incl_cents - Number(r.prepaid_cents ?? 0) - r.paid_cents - credited),
    submittedAt: r.submitted_at,
    validatedAt: r.validated_at,
    validatedBy: r.validated_by,
    sentAt: r.sent_at,
    prepaidCents: Number(r.prepaid_cents ?? 0),
    remindersPaused: !!r.reminders_paused,
    quoteId: r.quote_id,
    quoteKind: (r.quote_kind as Invoice['quoteKind']) ?? null,
    importedFrom: r.imported_from ?? null,
    originalFileId: r.original_file_id ?? null,
  };
}

export async function getInvoice(trx: Tx, actor: Actor, id: string, today = todayParis()): Promise<Invoice | null> {
  authorize(actor, SALES.invoiceRead);
  const owned = await ownedActivityIds(trx, actor);
  const r = await baseQuery(trx, actor)
    .select([...COLUMNS, CREDITED.as('credited')])
    .where('invoice.id', '=', id)
    .executeTakeFirst();
  if (!r || (owned && !owned.includes(r.activity_id))) return null;
  return toInvoice(r as InvoiceRow, today);
}

export async function findInvoiceByNumber(trx: Tx, actor: Actor, number: string): Promise<Invoice | null> {
  authorize(actor, SALES.invoiceRead);
  const r = await salesDb(trx)
    .selectFrom('invoice')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('number', '=', number)
    .executeTakeFirst();
  return r ? getInvoice(trx, actor, r.id) : null;
}

/** Several invoices in one query (a list's checks): by id, only those the actor may read. */
export async function getInvoices(
  trx: Tx,
  actor: Actor,
  ids: string[],
  today = todayParis(),
): Promise<Map<string, Invoice>> {
  authorize(actor, SALES.invoiceRead);
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const owned = await ownedActivityIds(trx, actor);
  const rows = await baseQuery(trx, actor)
    .select([...COLUMNS, CREDITED.as('credited')])
    .where('invoice.id', 'in', unique)
    .execute();
  return new Map(
    rows
      .filter((r) => !owned || owned.includes(r.activity_id))
      .map((r) => [r.id as string, toInvoice(r as InvoiceRow, today)]),
  );
}

export async function getLines(trx: Tx, actor: Actor, invoiceId: string): Promise<InvoiceLine[]> {
  return (await linesOfInvoices(trx, actor, [invoiceId])).get(invoiceId) ?? [];
}

/** The lines of several invoices in one query, by invoice id, each in its order. */
export async function linesOfInvoices(trx: Tx, actor: Actor, ids: string[]): Promise<Map<string, InvoiceLine[]>> {
  authorize(actor, SALES.invoiceRead);
  const out = new Map<string, InvoiceLine[]>();
  const unique = [...new Set(ids)];
  if (!unique.length) return out;
  const rows = await salesDb(trx)
    .selectFrom('invoice_line')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('invoice_id', 'in', unique)
    .orderBy('invoice_id')
    .orderBy('position')
    .execute();
  for (const l of rows) {
    const list = out.get(l.invoice_id) ?? [];
    list.push(toLine(l));
    out.set(l.invoice_id, list);
  }
  return out;
}

function toLine(l: Selectable<SalesTables['invoice_line']>): InvoiceLine {
  return {
    id: l.id,
    description: l.description,
    quantityMilli: l.quantity_milli,
    unitCode: l.unit_code,
    unitPriceCents: l.unit_price_cents,
    discountBp: l.discount_bp,
    vatCategory: l.vat_category as VatCategory,
    vatRateBp: l.vat_rate_bp,
    nature: l.nature,
    netCents: l.net_cents,
    section: l.section ?? null,
  };
}

export interface InvoiceFilters {
  status?: InvoiceStatus | 'issued' | 'to_validate';
  customerId?: string;
  activityId?: string;
  from?: IsoDate;
  to?: IsoDate;
  q?: string;
  typeCode?: '380' | '381' | '386';
  page?: number;
  pageSize?: number;
  today?: IsoDate;
  /** Amount range on the total incl. VAT, cents, bounds included. */
  minCents?: number | null;
  maxCents?: number | null;
}
/** The search box of the invoice list: the customer's name, the invoice number. */
const INVOICE_SEARCH = { names: [sql`customer.name`], codes: [sql`invoice.number`] };

/** The invoices of a list's filters, as the actor may see them (their own activities only). */
async function filteredInvoices(trx: Tx, actor: Actor, f: InvoiceFilters, today: IsoDate) {
  const owned = await ownedActivityIds(trx, actor);
  let q = baseQuery(trx, actor);
  if (owned) q = owned.length ? q.where('invoice.activity_id', 'in', owned) : q.where(sql<boolean>`false`);
  const st = f.status;
  if (st === 'overdue')
    q = q.where('invoice.status', 'in', ['validated', 'sent', 'partly_paid']).where('invoice.due_date', '<', today);
  else if (st === 'issued')
    q = q.where('invoice.number', 'is not', null).where('invoice.status', 'not in', ['paid', 'cancelled']);
  else if (st === 'to_validate') q = q.where('invoice.status', '=', 'submitted');
  else if (st === 'validated' || st === 'sent' || st === 'partly_paid')
    q = q
      .where('invoice.status', '=', st)
      .where((eb) => eb.or([eb('invoice.due_date', 'is', null), eb('invoice.due_date', '>=', today)]));
  else if (st) q = q.where('invoice.status', '=', st);
  if (f.customerId) q = q.where('invoice.customer_id', '=', f.customerId);
  if (f.activityId) q = q.where('invoice.activity_id', '=', f.activityId);
  if (f.typeCode) q = q.where('invoice.type_code', '=', f.typeCode);
  if (f.from && isIsoDate(f.from)) q = q.where('invoice.issue_date', '>=', f.from);
  if (f.to && isIsoDate(f.to)) q = q.where('invoice.issue_date', '<=', f.to);
  if (f.minCents != null && Number.isSafeInteger(f.minCents)) q = q.where('invoice.total_incl_cents', '>=', f.minCents);
  if (f.maxCents != null && Number.isSafeInteger(f.maxCents)) q = q.where('invoice.total_incl_cents', '<=', f.maxCents);
  const text = searchText(f.q);
  if (text) q = q.where(textMatches(INVOICE_SEARCH, text));
  return q;
}

export async function listInvoices(trx: Tx, actor: Actor, f: InvoiceFilters = {}) {
  authorize(actor, SALES.invoiceRead);
  const today = f.today ?? todayParis();
  const pageSize = Math.min(10000, f.pageSize ?? 25);
  const page = Math.max(1, f.page ?? 1);
  const q = await filteredInvoices(trx, actor, f, today);
  const text = searchText(f.q);
  // A credit note's amounts are stored positive: the list's totals subtract them.
  const signed = (col: 'total_excl_cents' | 'total_incl_cents') =>
    sql<number>`sum(case when invoice.type_code = '381' then -invoice.${sql.ref(col)} else invoice.${sql.ref(col)} end)`;
  const agg = await q
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.coalesce(signed('total_excl_cents'), sql<number>`0`).as('excl'),
      eb.fn.coalesce(signed('total_incl_cents'), sql<number>`0`).as('incl'),
    ])
    .executeTakeFirstOrThrow();
  const rows = await q
    .select([...COLUMNS, CREDITED.as('credited')])
    .$if(!!text, (qb) => qb.orderBy(textScore(INVOICE_SEARCH, text), 'desc'))
    .orderBy('invoice.issue_date', 'desc')
    .orderBy('invoice.number', 'desc')
    .orderBy('invoice.id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return {
    total: Number(agg.n),
    totalExclCents: Number(agg.excl),
    totalInclCents: Number(agg.incl),
    page,
    pageSize,
    items: rows.map((r) => toInvoice(r as InvoiceRow, today)),
  };
}

/** Where a keyset walk of the invoices stopped: the last row's creation instant (microseconds,
 *  as the database holds it) and id. Drafts have no number, so the key is not the number. */
export interface InvoiceKey {
  createdAt: string;
  id: string;
}
const CREATED_KEY = sql<string>`to_char(invoice.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The invoices of a list's filters (search aside) by keyset, newest created first: the rows
 * after `after`, and the key to continue from (null at the end). Stable while invoices are added
 * or validated (the key never changes), for drafts and numbered invoices alike (the API's cursor).
 */
export async function listInvoicesAfter(
  trx: Tx,
  actor: Actor,
  f: Omit<InvoiceFilters, 'page' | 'pageSize' | 'q'>,
  opts: { after?: InvoiceKey; limit: number },
): Promise<{ total: number; items: Invoice[]; next: InvoiceKey | null }> {
  authorize(actor, SALES.invoiceRead);
  const today = f.today ?? todayParis();
  const limit = Math.max(1, Math.min(1000, opts.limit));
  const q = await filteredInvoices(trx, actor, f, today);
  const n = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const a = opts.after;
  const rows = await q
    .select([...COLUMNS, CREDITED.as('credited'), CREATED_KEY.as('created_key')])
    .$if(!!a, (qb) =>
      qb.where(sql<boolean>`(invoice.created_at, invoice.id) < (${a!.createdAt}::timestamptz, ${a!.id}::uuid)`),
    )
    .orderBy('invoice.created_at', 'desc')
    .orderBy('invoice.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    total: Number(n.n),
    items: page.map((r) => toInvoice(r as InvoiceRow, today)),
    next: rows.length > limit && last ? { createdAt: last.created_key, id: last.id } : null,
  };
}

/**
 * What customers still owe on the invoices of a list's filters, summed by the database (the
 * home page's figures and inbox must not load every invoice): `count` of invoices with something
 * due, `dueCents` their sum. The amount due is the one of `Invoice.dueCents`: total minus prepaid,
 * paid and credited, never below zero; credit notes and cancelled invoices owe nothing.
 */
export async function invoicesDue(
  trx: Tx,
  actor: Actor,
  f: Omit<InvoiceFilters, 'page' | 'pageSize'> = {},
): Promise<{ count: number; dueCents: number }> {
  authorize(actor, SALES.invoiceRead);
  const today = f.today ?? todayParis();
  const due = sql<number>`greatest(0, invoice.total_incl_cents - coalesce(invoice.prepaid_cents, 0) - invoice.paid_cents - ${CREDITED})`;
  const r = await (await filteredInvoices(trx, actor, f, today))
    .where('invoice.type_code', '<>', '381')
    .where('invoice.status', '<>', 'cancelled')
    .select([sql<number>`count(*) filter (where ${due} > 0)`.as('n'), sql<number>`coalesce(sum(${due}), 0)`.as('due')])
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), dueCents: Number(r.due) };
}

// --- the document ---------------------------------------------------------------------------

export async function loadInvoiceDocument(trx: Tx, actor: Actor, invoiceId: string): Promise<InvoiceDocument> {
  authorize(actor, SALES.invoiceRead);
  const inv = await getInvoice(trx, actor, invoiceId);
  if (!inv) throw new NotFoundError('Facture');
  const row = await salesDb(trx)
    .selectFrom('invoice')
    .select('customer_snapshot')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  const customer = (row.customer_snapshot as Customer | null) ?? (await getCustomer(trx, actor, inv.customerId))!;
  const coop = (await getCooperative(trx, actor.cooperativeId))!;
  const act = await activityFactsOrFail(trx, actor.cooperativeId, inv.activityId);
  const contact = await activityContact(trx, actor.cooperativeId, inv.activityId);
  const lines = await getLines(trx, actor, invoiceId);
  // Stored lines were checked when written; a balance's deductions are negative.
  const totals = computeTotals({ lines, globalDiscountCents: inv.discountCents, allowNegativeLines: true });
  const preceding = inv.precedingInvoiceId ? await getInvoice(trx, actor, inv.precedingInvoiceId) : null;
  const vatMentions: string[] = [];
  const vatBreakdown = totals.groups.map((g) => {
    const legal = LEGAL_TEXTS.vat[g.vatCategory];
    const reason =
      g.vatCategory === 'S' ? null : g.vatCategory === 'E' ? inv.vatExemptionReason?.trim() || legal.text : legal.text;
    if (reason && !vatMentions.includes(reason)) vatMentions.push(reason);
    return {
      vatCategory: g.vatCategory,
      vatRateBp: g.vatRateBp,
      baseCents: g.baseCents,
      vatCents: g.vatCents,
      exemptionReason: reason,
      exemptionCode: g.vatCategory === 'S' ? null : legal.code,
    };
  });
  const settings = coop.settings as CooperativeSettings;
  const vatOnDebits = !!settings.vatOnDebits;
  if (vatOnDebits) vatMentions.push(LEGAL_TEXTS.vatOnDebits);
  const docLines: DocumentLine[] = lines.map((l) => ({
    id: l.id,
    description: l.description,
    quantityMilli: l.quantityMilli,
    unitCode: l.unitCode,
    unitLabel: UNIT_LABELS[l.unitCode] ?? 'unité',
    unitPriceCents: l.unitPriceCents,
    discountBp: l.discountBp,
    netCents: l.netCents,
    vatCategory: l.vatCategory,
    vatRateBp: l.vatRateBp,
    nature: l.nature,
    section: l.section,
  }));
  // BT-113 is what was paid before issue (deposits deducted), not later payments: the sealed
  // document must stay the same whatever is paid afterwards.
  const prepaid = inv.prepaidCents;
  const quote = inv.quoteId
    ? await salesDb(trx)
        .selectFrom('quote')
        .select('number')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('id', '=', inv.quoteId)
        .executeTakeFirst()
    : null;
  const number = inv.number ?? 'BROUILLON';
  return {
    typeCode: inv.typeCode,
    number,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    deliveryDate: inv.deliveryDate ?? inv.issueDate,
    currency: 'EUR',
    nature: inv.nature,
    businessProcess: inv.nature === 'goods' ? 'B1' : inv.nature === 'mixed' ? 'M1' : 'S1',
    seller: {
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
    },
    buyer: {
      name: customer.name,
      isBusiness: customer.kind === 'company',
      siren: customer.siren,
      siret: customer.siret,
      vatNumber: customer.vatNumber,
      address: customer.address,
      deliveryAddress: customer.deliveryAddress,
      email: customer.email,
      electronicAddress: customer.electronicAddress,
      reference: inv.buyerReference,
    },
    lines: docLines,
    allowances: totals.groups
      .filter((g) => g.allowanceCents > 0)
      .map((g) => ({
        amountCents: g.allowanceCents,
        reason: inv.discountReason || 'Remise',
        vatCategory: g.vatCategory,
        vatRateBp: g.vatRateBp,
      })),
    vatBreakdown,
    totals: {
      linesNetCents: totals.linesNetCents,
      allowancesCents: totals.allowancesCents,
      taxBasisCents: totals.taxBasisCents,
      vatCents: totals.vatCents,
      grandTotalCents: totals.totalInclCents,
      prepaidCents: prepaid,
      dueCents: totals.totalInclCents - prepaid,
    },
    paymentTermsText: inv.dueDate
      ? LEGAL_TEXTS.paymentTerms(daysBetween(inv.issueDate, inv.dueDate), formatDateLong(inv.dueDate))
      : 'Avoir : aucun paiement à effectuer.',
    latePenaltyText: LEGAL_TEXTS.latePenalty,
    recoveryIndemnityText:
      customer.kind === 'company' ? LEGAL_TEXTS.recoveryIndemnity : LEGAL_TEXTS.recoveryIndemnityConsumer,
    earlyPaymentText: LEGAL_TEXTS.earlyPayment,
    vatMentions,
    vatOnDebits,
    precedingInvoice: preceding?.number ? { number: preceding.number, issueDate: preceding.issueDate } : null,
    quoteReference: quote?.number ?? null,
    notes: inv.notes ? [inv.notes] : [],
    payment: { meansCode: '30', iban: coop.iban, bic: coop.bic, remittance: number },
  };
}

export const UNIT_LABELS: Record<string, string> = {
  C62: 'unité',
  HUR: 'heure',
  DAY: 'jour',
  MON: 'mois',
  KGM: 'kg',
  MTR: 'm',
  MTK: 'm²',
  LS: 'forfait',
};
