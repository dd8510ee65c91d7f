// What must never change in the ledger: every entry balances (and has lines), and the
// per-activity figures that sales must agree with.
import { sql } from 'kysely';
import { moduleView, type Tx } from '../../core/db/handles.ts';
import type { IntegrityCheck } from '../../core/integrity.ts';
import { accountRoles, entryLabel, OPENING_JOURNAL } from './chart.ts';
import type { LedgerTables } from './schema.ts';
import { ledgerDb } from './db.ts';
import { REVENUE_SPLIT_SOURCE } from './analytic-transfers.ts';

const ledgerView = moduleView<LedgerTables>();

/** Every journal entry has at least two lines and its debits equal its credits. */
export const balancedEntriesCheck: IntegrityCheck = {
  label: 'écritures équilibrées',
  async run(tx, cooperativeId) {
    const r = await sql<{
      journal_code: string;
      fiscal_year: number;
      entry_number: number;
      n: number;
      d: string;
      c: string;
    }>`
      select e.journal_code, e.fiscal_year, e.entry_number, count(l.line_no)::int as n,
             coalesce(sum(l.debit_cents), 0)::bigint as d, coalesce(sum(l.credit_cents), 0)::bigint as c
      from journal_entry e
      left join entry_line l on l.cooperative_id = e.cooperative_id and l.entry_id = e.id
      where e.cooperative_id = ${cooperativeId}
      group by e.journal_code, e.fiscal_year, e.entry_number
      having count(l.line_no) < 2 or coalesce(sum(l.debit_cents), 0) <> coalesce(sum(l.credit_cents), 0)
      order by e.fiscal_year, e.journal_code, e.entry_number
      limit 100`.execute(ledgerView(tx));
    return r.rows.map((e) => ({
      kind: e.n < 2 ? 'entry_without_lines' : 'unbalanced_entry',
      detail:
        e.n < 2
          ? `écriture ${entryLabel(e.journal_code, e.fiscal_year, e.entry_number)} : ${e.n} ligne(s)`
          : `écriture ${entryLabel(e.journal_code, e.fiscal_year, e.entry_number)} : débit ${e.d} ≠ crédit ${e.c} (centimes)`,
    }));
  },
};

export interface LedgerActivityTotals {
  analyticCode: string;
  invoicedExclCents: number;
  receivableCents: number;
  collectedCents: number;
}

/** Per analytic code, from the postings: sales revenue, customer receivable, cash collected.
 *  Sales revenue is the invoices' own postings: a joint invoice's split (moved to the partners'
 *  codes, analytic-transfers.ts) is left out, since sales knows the invoice under its lead only. */
export async function ledgerTotalsByActivity(tx: Tx, cooperativeId: string): Promise<LedgerActivityTotals[]> {
  const trx = ledgerView(tx);
  const acc = await accountRoles(tx as never, cooperativeId);
  const r = await sql<{ code: string; inv: string; rec: string; col: string }>`
    select l.analytic_code as code,
      coalesce(sum(case when l.account in (${acc.salesServices}, ${acc.salesGoods}) and e.source_type <> ${REVENUE_SPLIT_SOURCE} then l.credit_cents - l.debit_cents else 0 end), 0)::bigint as inv,
      coalesce(sum(case when l.account = ${acc.customer} then l.debit_cents - l.credit_cents else 0 end), 0)::bigint as rec,
      coalesce(sum(case when l.account = ${acc.customer} and e.source_type = 'sales.payment' then l.credit_cents - l.debit_cents else 0 end), 0)::bigint as col
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${cooperativeId} and l.analytic_code is not null and e.journal_code <> ${OPENING_JOURNAL}
    group by l.analytic_code`.execute(ledgerDb(trx));
  return r.rows.map((x) => ({
    analyticCode: x.code,
    invoicedExclCents: Number(x.inv),
    receivableCents: Number(x.rec),
    collectedCents: Number(x.col),
  }));
}
