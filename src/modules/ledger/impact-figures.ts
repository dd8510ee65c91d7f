// What the impact module computes from the ledger, as aggregates per activity or per person
// (never shown per person): revenue per activity over a calendar year, and the salaries paid
// (salary requests approved or paid) per person over that year.
import { sql } from 'kysely';
import { moduleView, type Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { requireModuleRole } from '../../core/authz.ts';
import { accountRoles } from './chart.ts';
import type { LedgerTables } from './schema.ts';
import { ledgerDb } from './db.ts';

const ledgerView = moduleView<LedgerTables>();

export interface LedgerImpactFigures {
  /** Revenue (sales accounts, excl. VAT) per analytic code with revenue in the year, in cents. */
  revenueByActivity: { analyticCode: string; cents: number }[];
  /** Per person paid in the year: months paid and total gross, in cents. */
  salaries: { userId: string; months: number; grossCents: number }[];
}

export async function ledgerImpactFigures(tx: Tx, actor: Actor, year: number): Promise<LedgerImpactFigures> {
  requireModuleRole(actor, 'ledger', 'director', 'network_admin', 'support', 'accountant');
  const trx = ledgerView(tx);
  const acc = await accountRoles(tx as never, actor.cooperativeId);
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const rev = await sql<{ code: string; cents: string }>`
    select l.analytic_code as code,
      coalesce(sum(l.credit_cents - l.debit_cents), 0)::bigint as cents
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${actor.cooperativeId} and l.analytic_code is not null
      and l.analytic_code <> ${acc.structureAnalyticCode}
      and l.account in (${acc.salesServices}, ${acc.salesGoods})
      and e.entry_date between ${from} and ${to}
    group by l.analytic_code`.execute(ledgerDb(trx));
  const sal = await sql<{ user_id: string; months: number; gross: string }>`
    select user_id, count(distinct month)::int as months, coalesce(sum(gross_cents), 0)::bigint as gross
    from salary_request
    where cooperative_id = ${actor.cooperativeId} and status in ('approved', 'paid')
      and month >= ${from.slice(0, 7)} and month <= ${to.slice(0, 7)}
    group by user_id`.execute(ledgerDb(trx));
  return {
    revenueByActivity: rev.rows
      .map((r) => ({ analyticCode: r.code, cents: Number(r.cents) }))
      .filter((r) => r.cents > 0),
    salaries: sal.rows.map((r) => ({ userId: r.user_id, months: r.months, grossCents: Number(r.gross) })),
  };
}
