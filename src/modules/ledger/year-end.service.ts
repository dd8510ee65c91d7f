// Year-end closing (clôture d'exercice). Closing fiscal year N:
// - the balance-sheet accounts (classes 1 to 5) are carried forward, account by account, third
//   party by third party and activity by activity (analytic code), as one opening entry in the
//   journal AN ("à-nouveaux") dated the first day of N+1;
// - the income and expense accounts (classes 6 and 7) are not carried: their net is the year's
//   result, carried per activity on 120 (profit, credit) or 129 (loss, debit), so each activity's
//   share stays visible until the general meeting allocates it;
// - every month of N is closed (nothing can be posted there any more) and the closing is recorded
//   once (fiscal_year_close, and the opening entry's unique source `year_end:N`).
// The FEC of N+1 then starts with the opening entry (fec.ts reads the journal AN first).
import { sql } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { audit } from '../../core/audit.ts';
import { UserError } from '../../core/errors.ts';
import { addDays, addMonths, todayParis, type IsoDate } from '../../core/dates.ts';
import { formatEuros, type Cents } from '../../core/money.ts';
import { ensureChart, OPENING_JOURNAL } from './chart.ts';
import { LEDGER } from './permissions.ts';
import { postEntry, type PostingLine } from './posting.service.ts';
import { fiscalBounds } from './reports.ts';
import { ledgerDb } from './db.ts';

/** The transaction of the posting service this closing writes through. */
type Tx = Parameters<typeof postEntry>[0];

export { OPENING_JOURNAL };
const PROFIT_ACCOUNT = '120';
const LOSS_ACCOUNT = '129';

export interface ClosedYear {
  year: number;
  closedAt: Date;
  resultCents: Cents;
  openingEntryId: string | null;
}

export interface YearEndResult {
  year: number;
  /** Income minus expenses of the year (negative: a loss). */
  resultCents: Cents;
  openingEntryId: string | null;
  /** Lines of the opening entry. */
  lines: number;
  openingDate: IsoDate;
}

export async function closedYears(trx: Tx, actor: Actor): Promise<ClosedYear[]> {
  authorize(actor, LEDGER.reportsRead);
  const rows = await ledgerDb(trx)
    .selectFrom('fiscal_year_close')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('year')
    .execute();
  return rows.map((r) => ({
    year: r.year,
    closedAt: r.closed_at,
    resultCents: Number(r.result_cents),
    openingEntryId: r.opening_entry_id,
  }));
}

/** Balances at the end of the year, per account, third party and analytic code (opening entries of
 *  the year included, since they are dated within it). */
async function yearBalances(trx: Tx, cooperativeId: string, start: IsoDate, end: IsoDate) {
  const r = await sql<{
    account: string;
    aux_account: string | null;
    aux_label: string | null;
    analytic_code: string | null;
    balance: number;
  }>`
    select l.account, l.aux_account, max(l.aux_label) as aux_label, l.analytic_code,
      sum(l.debit_cents - l.credit_cents)::bigint as balance
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${cooperativeId} and e.entry_date between ${start} and ${end}
    group by l.account, l.aux_account, l.analytic_code
    order by l.account, l.aux_account nulls first, l.analytic_code nulls first`.execute(ledgerDb(trx));
  return r.rows.map((x) => ({ ...x, balance: Number(x.balance) }));
}

export async function closeFiscalYear(
  trx: Tx,
  actor: Actor,
  year: number,
  today: IsoDate = todayParis(),
): Promise<YearEndResult> {
  authorize(actor, LEDGER.yearClose);
  const coop = actor.cooperativeId;
  if (!Number.isInteger(year) || year < 2000 || year > 2200) throw new UserError('Exercice invalide.', 'year');
  const { start, end } = await fiscalBounds(trx, coop, year);
  if (end >= today)
    throw new UserError(
      `L'exercice ${year} se termine le ${end.split('-').reverse().join('/')} : il ne peut être clôturé qu'après.`,
      'year',
    );
  // One closing per year, even when two accountants click at once: the row is the lock.
  const claimed = await ledgerDb(trx)
    .insertInto('fiscal_year_close')
    .values({ cooperative_id: coop, year, closed_by: actor.userId, result_cents: 0, opening_entry_id: null })
    .onConflict((oc) => oc.columns(['cooperative_id', 'year']).doNothing())
    .returning('year')
    .executeTakeFirst();
  if (!claimed) throw new UserError(`L'exercice ${year} est déjà clôturé.`, 'year');
  // The previous year, when it has entries, must be closed first (its balances feed this one).
  const prev = await fiscalBounds(trx, coop, year - 1);
  const prevHasEntries = await ledgerDb(trx)
    .selectFrom('journal_entry')
    .select('id')
    .where('cooperative_id', '=', coop)
    .where('entry_date', '>=', prev.start)
    .where('entry_date', '<=', prev.end)
    .limit(1)
    .executeTakeFirst();
  if (prevHasEntries) {
    const prevClosed = await ledgerDb(trx)
      .selectFrom('fiscal_year_close')
      .select('year')
      .where('cooperative_id', '=', coop)
      .where('year', '=', year - 1)
      .executeTakeFirst();
    if (!prevClosed) throw new UserError(`Clôturez d'abord l'exercice ${year - 1}.`, 'year');
  }
  await ensureChart(trx, coop);

  const balances = await yearBalances(trx, coop, start, end);
  const lines: PostingLine[] = [];
  const resultByActivity = new Map<string | null, number>();
  for (const b of balances) {
    if (b.balance === 0) continue;
    const cls = b.account[0];
    if (cls === '6' || cls === '7') {
      resultByActivity.set(b.analytic_code, (resultByActivity.get(b.analytic_code) ?? 0) - b.balance);
      continue;
    }
    lines.push({
      account: b.account,
      auxAccount: b.aux_account,
      auxLabel: b.aux_label,
      analyticCode: b.analytic_code,
      label: `À-nouveau ${year}`,
      debitCents: Math.max(b.balance, 0),
      creditCents: Math.max(-b.balance, 0),
    });
  }
  let resultCents = 0;
  for (const [code, r] of resultByActivity) {
    resultCents += r;
    if (r === 0) continue;
    lines.push({
      account: r > 0 ? PROFIT_ACCOUNT : LOSS_ACCOUNT,
      analyticCode: code,
      label: `Résultat de l'exercice ${year}`,
      debitCents: Math.max(-r, 0),
      creditCents: Math.max(r, 0),
    });
  }
  const openingDate = addDays(end, 1);
  let openingEntryId: string | null = null;
  if (lines.length >= 2) {
    const entry = await postEntry(trx, actor, {
      journal: OPENING_JOURNAL,
      date: openingDate,
      label: `À-nouveaux de l'exercice ${year}`,
      pieceRef: `AN-${year}`,
      source: { type: 'year_end', id: String(year) },
      lines,
    });
    openingEntryId = entry.id;
  }
  // Every month of the year is closed now (those already closed stay as they were).
  const months: { cooperative_id: string; month: string; closed_by: string | null }[] = [];
  for (let m = start; m <= end; m = addMonths(m, 1))
    months.push({ cooperative_id: coop, month: m.slice(0, 7), closed_by: actor.userId });
  await ledgerDb(trx)
    .insertInto('period_close')
    .values(months)
    .onConflict((oc) => oc.columns(['cooperative_id', 'month']).doNothing())
    .execute();
  await ledgerDb(trx)
    .updateTable('fiscal_year_close')
    .set({ result_cents: resultCents, opening_entry_id: openingEntryId })
    .where('cooperative_id', '=', coop)
    .where('year', '=', year)
    .execute();
  await audit(trx, actor, {
    action: 'ledger.year_closed',
    targetType: 'fiscal_year',
    targetId: String(year),
    data: { resultCents, openingEntryId, lines: lines.length },
  });
  return { year, resultCents, openingEntryId, lines: lines.length, openingDate };
}

/** "Bénéfice de 1 234,00 €" / "Perte de …" for the pages. */
export const resultLabel = (cents: Cents) =>
  cents >= 0 ? `Bénéfice de ${formatEuros(cents)}` : `Perte de ${formatEuros(-cents)}`;
