// Automatic checks on quotes, in the inbox's registry (loaded by sales/inbox.ts): a quote the
// entrepreneur is about to send, or support looks at, is checked like an invoice — a duplicate,
// a VAT rate that does not exist, a validity date already past. Each is written once over a list
// (`batchedCheck`): the home page's draft quotes cost the same few queries whatever their number.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { addDays, formatDate, toIsoDate, todayParis } from '../../core/dates.ts';
import { formatEuros, formatRateBp } from '../../core/money.ts';
import { registerCheck, findingsOf, batchedCheck } from '../inbox/index.ts';
import { getQuotes, type Quote } from './index.ts';
import { salesDb } from './db.ts';

/** VAT rates in force in France (bp): standard, intermediate, reduced, super-reduced, DOM. */
const LEGAL_VAT_BP = [0, 210, 550, 850, 1000, 2000];

/** The quotes among `ids` the actor may read, in one query. */
const quotesOf = async (trx: Tx, actor: Actor, ids: string[]) => [...(await getQuotes(trx, actor, ids)).values()];

// --- duplicate ------------------------------------------------------------------------------
/** For each quote, the earliest other quote of the same customer and total, not refused nor
 *  expired, within the window: one query for all. */
async function duplicates(trx: Tx, actor: Actor, quotes: Quote[], days: number) {
  if (!quotes.length) return new Map<string, { number: string; date: string; amount: number; customer: string }>();
  const dates = quotes.map((q) => q.issueDate).sort();
  const others = await salesDb(trx)
    .selectFrom('quote')
    .select(['id', 'number', 'issue_date', 'customer_id', 'total_incl_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('customer_id', 'in', [...new Set(quotes.map((q) => q.customerId))])
    .where('total_incl_cents', 'in', [...new Set(quotes.map((q) => q.totalInclCents))])
    .where('status', 'not in', ['refused', 'expired'])
    .where('issue_date', '>=', addDays(dates[0], -days))
    .where('issue_date', '<=', addDays(dates[dates.length - 1], days))
    .orderBy('issue_date')
    .orderBy('id')
    .execute();
  return findingsOf(quotes, (q) => {
    const from = addDays(q.issueDate, -days);
    const to = addDays(q.issueDate, days);
    const other = others.find((o) => {
      const date = toIsoDate(o.issue_date);
      return (
        o.id !== q.id &&
        o.customer_id === q.customerId &&
        Number(o.total_incl_cents) === q.totalInclCents &&
        date >= from &&
        date <= to
      );
    });
    return other
      ? {
          number: other.number ?? 'brouillon',
          date: other.issue_date,
          amount: q.totalInclCents,
          customer: q.customerName,
        }
      : null;
  });
}
registerCheck<{ number: string; date: string; amount: number; customer: string }>({
  id: 'quote.duplicate',
  documentType: 'quote',
  severity: 'warning',
  label: 'Devis en double',
  ...batchedCheck(quotesOf, (trx, actor, quotes, ctx) => duplicates(trx, actor, quotes, ctx.thresholds.duplicateDays)),
  explain: (d) =>
    `Un devis de ${formatEuros(d.amount)} pour ${d.customer} existe déjà (${d.number}, ${formatDate(d.date)}) : envoyez-en un seul, ou supprimez le brouillon en trop.`,
});

// --- VAT rate that does not exist ------------------------------------------------------------
/** For each quote, the rates of its taxed item lines that are not French rates: one query. */
async function oddRates(trx: Tx, actor: Actor, quotes: Quote[]) {
  if (!quotes.length) return new Map<string, { rates: number[] }>();
  const rows = await salesDb(trx)
    .selectFrom('quote_line')
    .select(['quote_id', 'vat_rate_bp'])
    .distinct()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where(
      'quote_id',
      'in',
      quotes.map((q) => q.id),
    )
    .where('kind', '=', 'item')
    .where('vat_category', '=', 'S')
    .orderBy('quote_id')
    .orderBy('vat_rate_bp')
    .execute();
  return findingsOf(quotes, (q) => {
    const rates = rows
      .filter((r) => r.quote_id === q.id)
      .map((r) => r.vat_rate_bp)
      .filter((bp) => !LEGAL_VAT_BP.includes(bp) || bp === 0);
    return rates.length ? { rates } : null;
  });
}
registerCheck<{ rates: number[] }>({
  id: 'quote.vat-rate',
  documentType: 'quote',
  severity: 'blocking',
  label: 'Taux de TVA existant',
  ...batchedCheck(quotesOf, oddRates),
  explain: (d) =>
    `Le taux de TVA ${d.rates.map(formatRateBp).join(', ')} n'existe pas en France pour une vente taxée : choisissez 20 %, 10 %, 5,5 % ou 2,1 % sur chaque ligne, ou une exonération avec sa mention.`,
});

// --- validity already past ------------------------------------------------------------------
function validityFinding(q: Quote) {
  if (q.status !== 'draft') return null;
  return q.validityDate < todayParis() ? { validity: q.validityDate } : null;
}
registerCheck<{ validity: string }>({
  id: 'quote.validity',
  documentType: 'quote',
  severity: 'warning',
  label: 'Date de validité dépassée',
  ...batchedCheck(quotesOf, async (_trx, _actor, quotes) => findingsOf(quotes, validityFinding)),
  explain: (d) =>
    `Ce devis n'est valable que jusqu'au ${formatDate(d.validity)}, une date déjà passée : repoussez la date de validité avant de l'envoyer.`,
});
