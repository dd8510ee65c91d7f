// Reports computed from the ledger lines only: trial balance and the activity account
// ("compte d'activité"), so both agree with the ledger (and the FEC) to the cent.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, requireModule } from '../../core/authz.ts';
import { LEDGER } from './permissions.ts';
import { NotFoundError } from '../../core/errors.ts';
import { centsToDecimal, type Cents } from '../../core/money.ts';
import { endOfMonth, addMonths, type IsoDate } from '../../core/dates.ts';
import { activitiesFor, fiscalYearBounds, activityFacts, getCooperative } from '../directory/index.ts';
import { accountRoles, OPENING_JOURNAL } from './chart.ts';
import { csvRecord } from '../../core/csv.ts';
import { fiscalYearOf } from './posting.service.ts';
import { ledgerDb } from './db.ts';

/** The fiscal year (named by the calendar year it ends in) that contains a date. */
export async function fiscalYearContaining(trx: Tx, cooperativeId: string, date: IsoDate): Promise<number> {
  const c = await getCooperative(trx, cooperativeId);
  if (!c) throw new NotFoundError('Coopérative');
  return fiscalYearOf(date, c.fiscalYearStartMonth);
}

export async function fiscalBounds(
  trx: Tx,
  cooperativeId: string,
  year: number,
): Promise<{ start: IsoDate; end: IsoDate }> {
  const c = await getCooperative(trx, cooperativeId);
  if (!c) throw new NotFoundError('Coopérative');
  return fiscalYearBounds({ fiscalYearStartMonth: c.fiscalYearStartMonth }, year);
}

// --- trial balance ---------------------------------------------------------------------------
export interface TrialBalanceRow {
  account: string;
  label: string;
  debitCents: Cents;
  creditCents: Cents;
  balanceCents: Cents;
}

export async function trialBalance(trx: Tx, actor: Actor, from: IsoDate, to: IsoDate): Promise<TrialBalanceRow[]> {
  authorize(actor, LEDGER.reportsRead);
  const r = await sql<{ account: string; label: string; debit: number; credit: number }>`
    select l.account, a.label, sum(l.debit_cents)::bigint as debit, sum(l.credit_cents)::bigint as credit
    from entry_line l
    join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    join ledger_account a on a.cooperative_id = l.cooperative_id and a.number = l.account
    where l.cooperative_id = ${actor.cooperativeId} and e.entry_date between ${from} and ${to}
    group by l.account, a.label order by l.account`.execute(ledgerDb(trx));
  return r.rows.map((x) => ({
    account: x.account,
    label: x.label,
    debitCents: Number(x.debit),
    creditCents: Number(x.credit),
    balanceCents: Number(x.debit) - Number(x.credit),
  }));
}

export function trialBalanceCsv(rows: TrialBalanceRow[]): string {
  const lines = ['account,label,debit,credit,balance'];
  for (const r of rows)
    lines.push(
      csvRecord([
        r.account,
        r.label,
        centsToDecimal(r.debitCents),
        centsToDecimal(r.creditCents),
        centsToDecimal(r.balanceCents),
      ]),
    );
  return `${lines.join('\n')}\n`;
}

// --- activity figures ------------------------------------------------------------------------
export interface LedgerFigures {
  /** Sales accounts (70x except the contribution income), credit − debit: invoices net of credit notes. */
  invoicedExclCents: Cents;
  /** Customer account credited in the bank journal (payments net of refunds), incl. VAT. */
  collectedInclCents: Cents;
  /** Collected excl. VAT, as recorded on the payment entries. */
  collectedExclCents: Cents;
  /** Contribution charge account, debit − credit. */
  contributionCents: Cents;
  /** Class 6 except salaries (64x) and the contribution: supplier invoices, expenses, mileage… */
  costsCents: Cents;
  /** 64x: gross salaries and employer contributions. */
  salariesCents: Cents;
  /** Movement of the customer account (debit − credit). */
  receivableMoveCents: Cents;
}
const ZERO: LedgerFigures = {
  invoicedExclCents: 0,
  collectedInclCents: 0,
  collectedExclCents: 0,
  contributionCents: 0,
  costsCents: 0,
  salariesCents: 0,
  receivableMoveCents: 0,
};

/** Figures of one analytic code per month ('YYYY-MM') between two dates. */
export async function ledgerFiguresByMonth(
  trx: Tx,
  actor: Actor,
  analyticCode: string,
  from: IsoDate,
  to: IsoDate,
): Promise<Map<string, LedgerFigures>> {
  requireModule(actor, 'ledger');
  const acc = await accountRoles(trx, actor.cooperativeId);
  const coop = actor.cooperativeId;
  const r = await sql<{
    month: string;
    invoiced: number;
    collected: number;
    contribution: number;
    costs: number;
    salaries: number;
    receivable: number;
  }>`
    select to_char(e.entry_date, 'YYYY-MM') as month,
      sum(case when l.account like '70%' and l.account <> ${acc.contributionIncome} then l.credit_cents - l.debit_cents else 0 end)::bigint as invoiced,
      sum(case when l.account = ${acc.customer} and e.journal_code = 'BQ' then l.credit_cents - l.debit_cents else 0 end)::bigint as collected,
      sum(case when l.account = ${acc.contributionCharge} then l.debit_cents - l.credit_cents else 0 end)::bigint as contribution,
      sum(case when l.account like '6%' and l.account not like '64%' and l.account <> ${acc.contributionCharge} then l.debit_cents - l.credit_cents else 0 end)::bigint as costs,
      sum(case when l.account like '64%' then l.debit_cents - l.credit_cents else 0 end)::bigint as salaries,
      sum(case when l.account = ${acc.customer} then l.debit_cents - l.credit_cents else 0 end)::bigint as receivable
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${coop} and l.analytic_code = ${analyticCode} and e.entry_date between ${from} and ${to}
      and e.journal_code <> ${OPENING_JOURNAL}
    group by 1`.execute(ledgerDb(trx));
  const c = await sql<{ month: string; collected_excl: number }>`
    select to_char(e.entry_date, 'YYYY-MM') as month, sum(e.collected_excl_cents)::bigint as collected_excl
    from journal_entry e
    where e.cooperative_id = ${coop} and e.collected_excl_cents is not null and e.entry_date between ${from} and ${to}
      and exists (select 1 from entry_line l where l.cooperative_id = e.cooperative_id and l.entry_id = e.id and l.analytic_code = ${analyticCode})
    group by 1`.execute(ledgerDb(trx));
  const out = new Map<string, LedgerFigures>();
  for (const x of r.rows)
    out.set(x.month, {
      ...ZERO,
      invoicedExclCents: Number(x.invoiced),
      collectedInclCents: Number(x.collected),
      contributionCents: Number(x.contribution),
      costsCents: Number(x.costs),
      salariesCents: Number(x.salaries),
      receivableMoveCents: Number(x.receivable),
    });
  for (const x of c.rows)
    out.set(x.month, { ...(out.get(x.month) ?? ZERO), collectedExclCents: Number(x.collected_excl) });
  return out;
}

export async function ledgerFigures(
  trx: Tx,
  actor: Actor,
  analyticCode: string,
  from: IsoDate,
  to: IsoDate,
): Promise<LedgerFigures> {
  const t = { ...ZERO };
  for (const f of (await ledgerFiguresByMonth(trx, actor, analyticCode, from, to)).values()) {
    for (const k of Object.keys(t) as (keyof LedgerFigures)[]) t[k] += f[k];
  }
  return t;
}

// --- activity account --------------------------------------------------------------------------
export interface ActivityMonth extends LedgerFigures {
  month: string;
  /** Customer balance at the end of the month (what customers still owe). */
  outstandingCents: Cents;
  /** Collected excl. VAT − contribution − costs − salaries, cumulated since the activity began (the
   *  earlier years' available treasury is carried in as the opening). */
  availableCents: Cents;
}
/** Carried from the earlier fiscal years into this one. */
export interface ActivityOpening {
  outstandingCents: Cents;
  availableCents: Cents;
}
export interface ActivityAccount {
  activity: { id: string; name: string; analyticCode: string };
  year: number;
  from: IsoDate;
  to: IsoDate;
  opening: ActivityOpening;
  months: ActivityMonth[];
  total: ActivityMonth;
}

export async function activityAccount(
  trx: Tx,
  actor: Actor,
  analyticCode: string,
  year: number,
  opts: { until?: IsoDate } = {},
): Promise<ActivityAccount> {
  const scope = authorize(actor, LEDGER.activityAccountRead);
  const act = await activityFacts(trx, actor.cooperativeId, { analyticCode });
  if (!act) throw new NotFoundError('Activité');
  if (scope === 'own' && !(await activitiesFor(trx, actor)).some((a) => a.id === act.id))
    throw new NotFoundError('Activité');
  const { start, end } = await fiscalBounds(trx, actor.cooperativeId, year);
  const to = opts.until && opts.until < end ? opts.until : end;
  // What the activity brings from earlier years: what customers still owed, and the available
  // treasury, which carries into the new year (the envelope does not vanish on 1 January).
  const opening = await activityOpening(trx, actor.cooperativeId, analyticCode, start);
  const byMonth = await ledgerFiguresByMonth(trx, actor, analyticCode, start, to);
  const months: ActivityMonth[] = [];
  let outstanding = opening.outstandingCents;
  let available = opening.availableCents;
  const total: ActivityMonth = { ...ZERO, month: `${year}`, outstandingCents: 0, availableCents: 0 };
  for (let m = start; m <= to; m = addMonths(m, 1)) {
    const key = m.slice(0, 7);
    const f = byMonth.get(key) ?? ZERO;
    outstanding += f.receivableMoveCents;
    available += f.collectedExclCents - f.contributionCents - f.costsCents - f.salariesCents;
    months.push({ ...f, month: key, outstandingCents: outstanding, availableCents: available });
    for (const k of Object.keys(ZERO) as (keyof LedgerFigures)[]) total[k] += f[k];
    if (endOfMonth(m) >= to) break;
  }
  total.outstandingCents = outstanding;
  total.availableCents = available;
  return {
    activity: { id: act.id, name: act.name, analyticCode: act.analyticCode },
    year,
    from: start,
    to,
    opening,
    months,
    total,
  };
}

/** Customer balance and available treasury of an activity from every entry before `start`. */
async function activityOpening(
  trx: Tx,
  cooperativeId: string,
  analyticCode: string,
  start: IsoDate,
): Promise<ActivityOpening> {
  const acc = await accountRoles(trx, cooperativeId);
  const r = await sql<{ outstanding: number; costs: number }>`
    select
      coalesce(sum(case when l.account = ${acc.customer} then l.debit_cents - l.credit_cents else 0 end), 0)::bigint as outstanding,
      coalesce(sum(case when l.account like '6%' or l.account = ${acc.contributionCharge} then l.debit_cents - l.credit_cents else 0 end), 0)::bigint as costs
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${cooperativeId} and l.analytic_code = ${analyticCode} and e.entry_date < ${start}
      and e.journal_code <> ${OPENING_JOURNAL}`.execute(ledgerDb(trx));
  // Collected excl. VAT is recorded on the payment entries (same rule as ledgerFiguresByMonth).
  const c = await sql<{ collected: number }>`
    select coalesce(sum(e.collected_excl_cents), 0)::bigint as collected
    from journal_entry e
    where e.cooperative_id = ${cooperativeId} and e.collected_excl_cents is not null and e.entry_date < ${start}
      and exists (select 1 from entry_line l where l.cooperative_id = e.cooperative_id and l.entry_id = e.id and l.analytic_code = ${analyticCode})`.execute(
    ledgerDb(trx),
  );
  // What the months subtract: class 6 (costs, salaries 64x) and the contribution charge.
  return {
    outstandingCents: Number(r.rows[0]?.outstanding ?? 0),
    availableCents: Number(c.rows[0]?.collected ?? 0) - Number(r.rows[0]?.costs ?? 0),
  };
}

export const ACTIVITY_COLUMNS: [keyof ActivityMonth, string][] = [
  ['invoicedExclCents', 'invoiced_excl_vat'],
  ['collectedInclCents', 'collected_incl_vat'],
  ['collectedExclCents', 'collected_excl_vat'],
  ['outstandingCents', 'outstanding'],
  ['contributionCents', 'contribution'],
  ['costsCents', 'costs'],
  ['salariesCents', 'salaries'],
  ['availableCents', 'available'],
];

/** The opening as a row: only what carries over (customer balance, available treasury). */
const openingRow = (a: ActivityAccount): ActivityMonth => ({
  ...ZERO,
  month: 'opening',
  outstandingCents: a.opening.outstandingCents,
  availableCents: a.opening.availableCents,
});

/** CSV: a first `opening` row (carried from the earlier years), the months, then `total`. */
export function activityAccountCsv(a: ActivityAccount): string {
  const lines = [['month', ...ACTIVITY_COLUMNS.map(([, n]) => n)].join(',')];
  lines.push(csvRecord(['opening', ...ACTIVITY_COLUMNS.map(([k]) => centsToDecimal(openingRow(a)[k] as number))]));
  for (const m of [...a.months, a.total])
    lines.push(
      csvRecord([
        m.month === String(a.year) ? 'total' : m.month,
        ...ACTIVITY_COLUMNS.map(([k]) => centsToDecimal(m[k] as number)),
      ]),
    );
  return `${lines.join('\n')}\n`;
}

export function activityAccountJson(a: ActivityAccount): unknown {
  const row = (m: ActivityMonth) =>
    Object.fromEntries([['month', m.month], ...ACTIVITY_COLUMNS.map(([k, n]) => [n, centsToDecimal(m[k] as number)])]);
  return {
    activity: a.activity.analyticCode,
    name: a.activity.name,
    year: a.year,
    from: a.from,
    to: a.to,
    opening: row(openingRow(a)),
    months: a.months.map(row),
    total: { ...row(a.total), month: 'total' },
  };
}
