// The director's overview (/direction): contributions of the fiscal year month by month, the
// activities whose available treasury is negative, and the aged customer balance.
import { sql } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import type { IsoDate } from '../../core/dates.ts';
import { listActivities } from '../directory/index.ts';
import { accountRoles, OPENING_JOURNAL } from './chart.ts';
import { agedReceivables, resolvePeriod } from './exports.ts';
import { LEDGER } from './permissions.ts';
import { type activityAccount, fiscalYearContaining } from './reports.ts';
import { ledgerDb } from './db.ts';

/** The transaction the reports this overview gathers are read through. */
type Tx = Parameters<typeof activityAccount>[0];

export interface NegativeActivity {
  code: string;
  name: string;
  availableCents: number;
  outstandingCents: number;
}

/**
 * Available treasury and customer balance of every activity on a date, as its activity account
 * gives them (total.availableCents, total.outstandingCents): everything posted up to that date,
 * the opening entries left out (they restate earlier balances). `codes`: only these activities
 * (the salary checks of a few requests), not the whole cooperative.
 */
export async function activityBalances(
  trx: Tx,
  cooperativeId: string,
  until: IsoDate,
  codes?: string[],
): Promise<Map<string, { availableCents: number; outstandingCents: number }>> {
  if (codes && !codes.length) return new Map();
  const only = codes ? sql`and l.analytic_code in (${sql.join(codes)})` : sql``;
  const acc = await accountRoles(trx, cooperativeId);
  const r = await sql<{ code: string; outstanding: number; costs: number }>`
    select l.analytic_code as code,
      coalesce(sum(case when l.account = ${acc.customer} then l.debit_cents - l.credit_cents else 0 end), 0)::bigint as outstanding,
      coalesce(sum(case when l.account like '6%' or l.account = ${acc.contributionCharge} then l.debit_cents - l.credit_cents else 0 end), 0)::bigint as costs
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${cooperativeId} and l.analytic_code is not null and e.entry_date <= ${until}
      and e.journal_code <> ${OPENING_JOURNAL} ${only}
    group by l.analytic_code`.execute(ledgerDb(trx));
  // Collected excl. VAT is recorded once per payment entry, counted for each activity it touches.
  const c = await sql<{ code: string; collected: number }>`
    select x.code, sum(x.collected)::bigint as collected from (
      select distinct e.id, l.analytic_code as code, e.collected_excl_cents as collected
      from journal_entry e join entry_line l on l.cooperative_id = e.cooperative_id and l.entry_id = e.id
      where e.cooperative_id = ${cooperativeId} and e.collected_excl_cents is not null and e.entry_date <= ${until}
        and l.analytic_code is not null ${only}) x
    group by x.code`.execute(ledgerDb(trx));
  const out = new Map<string, { availableCents: number; outstandingCents: number }>();
  for (const x of r.rows)
    out.set(x.code, { availableCents: -Number(x.costs), outstandingCents: Number(x.outstanding) });
  for (const x of c.rows) {
    const b = out.get(x.code) ?? { availableCents: 0, outstandingCents: 0 };
    out.set(x.code, { ...b, availableCents: b.availableCents + Number(x.collected) });
  }
  return out;
}

export async function directionOverview(trx: Tx, actor: Actor, today: IsoDate) {
  authorize(actor, LEDGER.reportsRead);
  const year = await fiscalYearContaining(trx, actor.cooperativeId, today);
  const p = await resolvePeriod(trx, actor.cooperativeId, year, null);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const contrib = await sql<{ month: string; v: number }>`
    select to_char(e.entry_date, 'YYYY-MM') as month, sum(l.credit_cents - l.debit_cents)::bigint as v
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${actor.cooperativeId} and l.account = ${acc.contributionIncome}
      and e.entry_date between ${p.from} and ${p.to}
    group by 1 order by 1`.execute(ledgerDb(trx));
  const acts = (await listActivities(trx, actor))
    .filter((a) => !a.closedAt)
    .sort((a, b) => a.analyticCode.localeCompare(b.analyticCode));
  // One aggregate for every activity (not one activity account each: the page must stay fast
  // with hundreds of activities and many people looking at once).
  const balances = await activityBalances(trx, actor.cooperativeId, today);
  const negative: NegativeActivity[] = [];
  for (const a of acts) {
    const b = balances.get(a.analyticCode) ?? { availableCents: 0, outstandingCents: 0 };
    if (b.availableCents < 0) negative.push({ code: a.analyticCode, name: a.name, ...b });
  }
  const aged = await agedReceivables(trx, actor, today);
  return {
    year,
    p,
    contrib: contrib.rows.map((r) => ({ month: r.month, cents: Number(r.v) })),
    negative: negative.sort((a, b) => a.availableCents - b.availableCents),
    aged,
  };
}
