// Automatic checks on invoices, in the inbox's registry (loaded by sales/inbox.ts): run before an
// entrepreneur submits or self-validates, and on support's validation queue. Each check reads one
// invoice (`run`) or a whole list at once (`runMany`: the same few queries whatever the number of
// invoices, for the home page's drafts and the queue); both give the same findings
// (`invoice-checks.test.ts`).
import { sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { addDays, daysBetween, formatDate, toIsoDate } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import { registerCheck, findingsOf, median, type CheckThresholds } from '../inbox/index.ts';
import {
  getInvoice,
  getInvoices,
  getLines,
  linesOfInvoices,
  getCustomer,
  getCustomers,
  LEGAL_TEXTS,
  type Customer,
  type Invoice,
} from './index.ts';
import { salesDb } from './db.ts';

const ISSUED = ['validated', 'sent', 'partly_paid', 'paid'];

// --- buyer identifier -----------------------------------------------------------------------
function buyerIdFinding(c: Customer | null | undefined) {
  if (c?.kind !== 'company') return null;
  if (c.address.countryCode === 'FR' ? c.siren : c.siren || c.vatNumber) return null;
  return { customer: c.name, foreign: c.address.countryCode !== 'FR' };
}
registerCheck<{ customer: string; foreign: boolean }>({
  id: 'invoice.buyer-id',
  documentType: 'invoice',
  severity: 'warning',
  label: 'Identifiant du client professionnel',
  async run(trx, actor, id) {
    const inv = await getInvoice(trx, actor, id);
    return buyerIdFinding(inv && (await getCustomer(trx, actor, inv.customerId)));
  },
  async runMany(trx, actor, ids) {
    const invoices = await getInvoices(trx, actor, ids);
    const customers = await getCustomers(
      trx,
      actor,
      [...invoices.values()].map((i) => i.customerId),
    );
    return findingsOf(invoices.values(), (inv) => buyerIdFinding(customers.get(inv.customerId)));
  },
  explain: (d) =>
    d.foreign
      ? `Le client professionnel ${d.customer} n'a ni SIREN ni numéro de TVA : la facture électronique ne pourra pas l'identifier.`
      : `Le SIREN du client professionnel ${d.customer} manque.`,
});

// --- amount far above the customer's usual --------------------------------------------------
/** The customer's issued invoices (not credit notes): one query for all the customers given. */
function issuedOfCustomers(trx: Tx, actor: Actor, customerIds: string[]) {
  return salesDb(trx)
    .selectFrom('invoice')
    .select(['id', 'customer_id', 'total_incl_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('customer_id', 'in', customerIds)
    .where('type_code', '=', '380')
    .where('status', 'in', ISSUED);
}
function outlierFinding(inv: Invoice, past: number[], t: CheckThresholds) {
  if (past.length < t.outlierMinHistory) return null;
  const usual = median(past);
  if (usual <= 0 || inv.totalInclCents <= usual * t.outlierFactor) return null;
  return { amount: inv.totalInclCents, usual, factor: t.outlierFactor, customer: inv.customerName };
}
registerCheck<{ amount: number; usual: number; factor: number; customer: string }>({
  id: 'invoice.amount-outlier',
  documentType: 'invoice',
  severity: 'warning',
  label: 'Montant inhabituel pour ce client',
  async run(trx, actor, id, ctx) {
    const inv = await getInvoice(trx, actor, id);
    if (!inv || inv.typeCode === '381') return null;
    const past = await issuedOfCustomers(trx, actor, [inv.customerId]).where('id', '<>', id).execute();
    return outlierFinding(
      inv,
      past.map((p) => Number(p.total_incl_cents)),
      ctx.thresholds,
    );
  },
  async runMany(trx, actor, ids, ctx) {
    const invoices = [...(await getInvoices(trx, actor, ids)).values()].filter((i) => i.typeCode !== '381');
    if (!invoices.length) return new Map();
    const past = await issuedOfCustomers(
      trx,
      actor,
      invoices.map((i) => i.customerId),
    ).execute();
    return findingsOf(invoices, (inv) =>
      outlierFinding(
        inv,
        past.filter((p) => p.customer_id === inv.customerId && p.id !== inv.id).map((p) => Number(p.total_incl_cents)),
        ctx.thresholds,
      ),
    );
  },
  explain: (d) =>
    `${formatEuros(d.amount)}, c'est plus de ${d.factor} fois le montant habituel des factures de ${d.customer} (${formatEuros(d.usual)}). Vérifiez qu'il n'y a pas d'erreur de saisie.`,
});

// --- VAT rate the activity never invoiced with ----------------------------------------------
const vatKey = (cat: string, rate: number) => `${cat}:${rate}`;
function vatFinding(lines: { vatCategory: string; vatRateBp: number }[], known: (key: string) => boolean) {
  const odd = [...new Set(lines.map((l) => vatKey(l.vatCategory, l.vatRateBp)))].filter((k) => !known(k));
  return odd.length ? { rates: odd.map(vatLabel) } : null;
}
registerCheck<{ rates: string[] }>({
  id: 'invoice.vat-unusual',
  documentType: 'invoice',
  severity: 'warning',
  label: 'Taux de TVA inhabituel pour cette activité',
  async run(trx, actor, id) {
    const inv = await getInvoice(trx, actor, id);
    if (!inv) return null;
    const used = await sql<{ cat: string; rate: number; n: number }>`
      select l.vat_category as cat, l.vat_rate_bp as rate, count(distinct i.id)::int as n
      from invoice_line l join invoice i on i.cooperative_id = l.cooperative_id and i.id = l.invoice_id
      where l.cooperative_id = ${actor.cooperativeId} and i.activity_id = ${inv.activityId} and i.id <> ${id}
        and i.status in ('validated','sent','partly_paid','paid')
      group by 1, 2`.execute(salesDb(trx));
    const invoices = await salesDb(trx)
      .selectFrom('invoice')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('activity_id', '=', inv.activityId)
      .where('status', 'in', ISSUED)
      .where('id', '<>', id)
      .executeTakeFirstOrThrow();
    if (Number(invoices.n) < 3) return null;
    const known = new Set(used.rows.map((r) => vatKey(r.cat, r.rate)));
    return vatFinding(await getLines(trx, actor, id), (k) => known.has(k));
  },
  async runMany(trx, actor, ids) {
    const invoices = await getInvoices(trx, actor, ids);
    const acts = [...new Set([...invoices.values()].map((i) => i.activityId))];
    if (!acts.length) return new Map();
    // Per activity, the issued invoices using each VAT rate, and the issued invoices: the
    // invoice checked, when issued itself, is taken out of both below (as `run` leaves it out).
    const used = await sql<{ act: string; cat: string; rate: number; n: number }>`
      select i.activity_id as act, l.vat_category as cat, l.vat_rate_bp as rate, count(distinct i.id)::int as n
      from invoice_line l join invoice i on i.cooperative_id = l.cooperative_id and i.id = l.invoice_id
      where l.cooperative_id = ${actor.cooperativeId} and i.activity_id in (${sql.join(acts)})
        and i.status in ('validated','sent','partly_paid','paid')
      group by 1, 2, 3`.execute(salesDb(trx));
    const counts = await salesDb(trx)
      .selectFrom('invoice')
      .select((eb) => ['activity_id', eb.fn.countAll<number>().as('n')])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('activity_id', 'in', acts)
      .where('status', 'in', ISSUED)
      .groupBy('activity_id')
      .execute();
    const lines = await linesOfInvoices(trx, actor, [...invoices.keys()]);
    const usedBy = new Map(used.rows.map((r) => [`${r.act}|${vatKey(r.cat, r.rate)}`, Number(r.n)]));
    const countOf = new Map(counts.map((r) => [r.activity_id, Number(r.n)]));
    return findingsOf(invoices.values(), (inv) => {
      const mine = lines.get(inv.id) ?? [];
      const self = ISSUED.includes(inv.status) ? 1 : 0;
      if ((countOf.get(inv.activityId) ?? 0) - self < 3) return null;
      // A rate is known when another issued invoice of the activity uses it (this one, issued, counts once).
      return vatFinding(mine, (k) => (usedBy.get(`${inv.activityId}|${k}`) ?? 0) - self > 0);
    });
  },
  explain: (d) => `Cette activité n'a jamais facturé avec ${d.rates.join(', ')} : vérifiez le taux de TVA choisi.`,
});
function vatLabel(k: string): string {
  const [cat, rate] = k.split(':');
  return cat === 'S'
    ? `une TVA à ${(Number(rate) / 100).toLocaleString('fr-FR')} %`
    : ((
        {
          E: 'une exonération de TVA',
          AE: "l'autoliquidation",
          K: 'une prestation intracommunautaire',
          G: "l'exonération à l'export",
          Z: 'un taux zéro',
          O: 'une opération hors champ',
        } as Record<string, string>
      )[cat] ?? cat);
}

// --- due date beyond the legal limit --------------------------------------------------------
function dueDateFinding(inv: Invoice | null | undefined) {
  if (!inv?.dueDate) return null;
  const days = daysBetween(inv.issueDate, inv.dueDate);
  return days > LEGAL_TEXTS.maxPaymentDays ? { days, max: LEGAL_TEXTS.maxPaymentDays } : null;
}
registerCheck<{ days: number; max: number }>({
  id: 'invoice.due-date-legal',
  documentType: 'invoice',
  severity: 'blocking',
  label: 'Échéance au-delà du délai légal',
  run: async (trx, actor, id) => dueDateFinding(await getInvoice(trx, actor, id)),
  runMany: async (trx, actor, ids) => findingsOf((await getInvoices(trx, actor, ids)).values(), dueDateFinding),
  explain: (d) =>
    `L'échéance est à ${d.days} jours : la loi limite le délai de paiement à ${d.max} jours (article L441-10 du Code de commerce). À corriger par l'entrepreneur·e.`,
});

// --- probable duplicate ---------------------------------------------------------------------
/** Invoices that may duplicate one of `invoices` (same customer and total, not cancelled, dates
 *  within the window), earliest first; each invoice then keeps its own matches. */
function duplicateCandidates(trx: Tx, actor: Actor, invoices: Invoice[], days: number) {
  const dates = invoices.map((i) => i.issueDate).sort();
  return salesDb(trx)
    .selectFrom('invoice')
    .select(['id', 'number', 'issue_date', 'customer_id', 'type_code', 'total_incl_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('customer_id', 'in', [...new Set(invoices.map((i) => i.customerId))])
    .where('total_incl_cents', 'in', [...new Set(invoices.map((i) => i.totalInclCents))])
    .where('status', '<>', 'cancelled')
    .where('issue_date', '>=', addDays(dates[0], -days))
    .where('issue_date', '<=', addDays(dates[dates.length - 1], days))
    .orderBy('issue_date')
    .orderBy('id')
    .execute();
}
type Candidate = Awaited<ReturnType<typeof duplicateCandidates>>[number];
function duplicateFinding(inv: Invoice, candidates: Candidate[], days: number) {
  const from = addDays(inv.issueDate, -days);
  const to = addDays(inv.issueDate, days);
  const other = candidates.find((o) => {
    const date = toIsoDate(o.issue_date);
    return (
      o.id !== inv.id &&
      o.customer_id === inv.customerId &&
      o.type_code === inv.typeCode &&
      Number(o.total_incl_cents) === inv.totalInclCents &&
      date >= from &&
      date <= to
    );
  });
  return other
    ? { other: other.number ?? 'un brouillon', date: toIsoDate(other.issue_date), amount: inv.totalInclCents }
    : null;
}
async function duplicates(trx: Tx, actor: Actor, invoices: Invoice[], days: number) {
  const own = invoices.filter((i) => i.typeCode !== '381');
  if (!own.length) return new Map<string, NonNullable<ReturnType<typeof duplicateFinding>>>();
  const candidates = await duplicateCandidates(trx, actor, own, days);
  return findingsOf(own, (inv) => duplicateFinding(inv, candidates, days));
}
registerCheck<{ other: string; date: string; amount: number }>({
  id: 'invoice.duplicate',
  documentType: 'invoice',
  severity: 'warning',
  label: 'Doublon probable',
  async run(trx, actor, id, ctx) {
    const inv = await getInvoice(trx, actor, id);
    return inv ? ((await duplicates(trx, actor, [inv], ctx.thresholds.duplicateDays)).get(id) ?? null) : null;
  },
  runMany: async (trx, actor, ids, ctx) =>
    duplicates(trx, actor, [...(await getInvoices(trx, actor, ids)).values()], ctx.thresholds.duplicateDays),
  explain: (d) =>
    `Une autre facture au même client, du même montant (${formatEuros(d.amount)}), existe déjà à quelques jours d'écart (${d.other}, ${formatDate(d.date)}) : ne serait-ce pas un doublon ?`,
});
