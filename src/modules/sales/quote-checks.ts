// Automatic checks on quotes, in the inbox's registry (loaded by sales/inbox.ts): a quote the
// entrepreneur is about to send, or support looks at, is checked like an invoice — a duplicate,
// a VAT rate that does not exist, a validity date already past.
import { addDays, formatDate, todayParis } from '../../core/dates.ts';
import { formatEuros, formatRateBp } from '../../core/money.ts';
import { registerCheck } from '../inbox/index.ts';
import { getQuote } from './index.ts';
import { salesDb } from './db.ts';

/** VAT rates in force in France (bp): standard, intermediate, reduced, super-reduced, DOM. */
const LEGAL_VAT_BP = [0, 210, 550, 850, 1000, 2000];

registerCheck<{ number: string; date: string; amount: number; customer: string }>({
  id: 'quote.duplicate',
  documentType: 'quote',
  severity: 'warning',
  label: 'Devis en double',
  async run(trx, actor, id, ctx) {
    const q = await getQuote(trx, actor, id);
    if (!q) return null;
    const d = ctx.thresholds.duplicateDays;
    const other = await salesDb(trx)
      .selectFrom('quote')
      .select(['number', 'issue_date'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('customer_id', '=', q.customerId)
      .where('total_incl_cents', '=', q.totalInclCents)
      .where('id', '<>', id)
      .where('status', 'not in', ['refused', 'expired'])
      .where('issue_date', '>=', addDays(q.issueDate, -d))
      .where('issue_date', '<=', addDays(q.issueDate, d))
      .orderBy('issue_date')
      .executeTakeFirst();
    return other
      ? {
          number: other.number ?? 'brouillon',
          date: other.issue_date,
          amount: q.totalInclCents,
          customer: q.customerName,
        }
      : null;
  },
  explain: (d) =>
    `Un devis de ${formatEuros(d.amount)} pour ${d.customer} existe déjà (${d.number}, ${formatDate(d.date)}) : envoyez-en un seul, ou supprimez le brouillon en trop.`,
});

registerCheck<{ rates: number[] }>({
  id: 'quote.vat-rate',
  documentType: 'quote',
  severity: 'blocking',
  label: 'Taux de TVA existant',
  async run(trx, actor, id) {
    const q = await getQuote(trx, actor, id);
    if (!q) return null;
    const rows = await salesDb(trx)
      .selectFrom('quote_line')
      .select('vat_rate_bp')
      .distinct()
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('quote_id', '=', id)
      .where('kind', '=', 'item')
      .where('vat_category', '=', 'S')
      .execute();
    const rates = rows.map((r) => r.vat_rate_bp).filter((bp) => !LEGAL_VAT_BP.includes(bp) || bp === 0);
    return rates.length ? { rates } : null;
  },
  explain: (d) =>
    `Le taux de TVA ${d.rates.map(formatRateBp).join(', ')} n'existe pas en France pour une vente taxée : choisissez 20 %, 10 %, 5,5 % ou 2,1 % sur chaque ligne, ou une exonération avec sa mention.`,
});

registerCheck<{ validity: string }>({
  id: 'quote.validity',
  documentType: 'quote',
  severity: 'warning',
  label: 'Date de validité dépassée',
  async run(trx, actor, id) {
    const q = await getQuote(trx, actor, id);
    if (q?.status !== 'draft') return null;
    return q.validityDate < todayParis() ? { validity: q.validityDate } : null;
  },
  explain: (d) =>
    `Ce devis n'est valable que jusqu'au ${formatDate(d.validity)}, une date déjà passée : repoussez la date de validité avant de l'envoyer.`,
});
