// The director's overview (/direction): contributions of the fiscal year month by month, the
// activities whose available treasury is negative, and the aged customer balance.
import { sql } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import type { IsoDate } from '../../core/dates.ts';
import { listActivities } from '../directory/index.ts';
import { accountRoles } from './chart.ts';
import { agedReceivables, resolvePeriod } from './exports.ts';
import { LEDGER } from './permissions.ts';
import { activityAccount, fiscalYearContaining } from './reports.ts';

/** The transaction the reports this overview gathers are read through. */
type Tx = Parameters<typeof activityAccount>[0];

export interface NegativeActivity {
  code: string;
  name: string;
  availableCents: number;
  outstandingCents: number;
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
    group by 1 order by 1`.execute(trx);
  const acts = (await listActivities(trx, actor))
    .filter((a) => !a.closedAt)
    .sort((a, b) => a.analyticCode.localeCompare(b.analyticCode));
  const negative: NegativeActivity[] = [];
  for (const a of acts) {
    const aa = await activityAccount(trx, actor, a.analyticCode, year, { until: today });
    if (aa.total.availableCents < 0)
      negative.push({
        code: a.analyticCode,
        name: a.name,
        availableCents: aa.total.availableCents,
        outstandingCents: aa.total.outstandingCents,
      });
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
