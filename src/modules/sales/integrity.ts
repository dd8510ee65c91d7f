// What must never change in sales: every invoice number series is continuous (1…last, each
// number once), and the per-activity figures the ledger must agree with.
import { sql } from 'kysely';
import { moduleView, type Tx } from '../../core/db/handles.ts';
import type { IntegrityCheck } from '../../core/integrity.ts';
import type { SalesTables } from './schema.ts';
import { salesDb } from './db.ts';

const salesView = moduleView<SalesTables>();

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Numbers of each series (invoices, credit notes, quotes) are 1…last_value, each exactly once, and no number belongs to no series. */
export const invoiceNumberingCheck: IntegrityCheck = {
  label: 'numérotation continue des factures',
  async run(tx, cooperativeId) {
    const trx = salesView(tx);
    const series = await salesDb(trx)
      .selectFrom('invoice_number_sequence')
      .select(['series_key', 'last_value'])
      .where('cooperative_id', '=', cooperativeId)
      .orderBy('series_key')
      .execute();
    const patterns = series.map((s) => ({
      key: s.series_key,
      last: Number(s.last_value),
      re: new RegExp(`^${escapeRegExp(s.series_key).replace(escapeRegExp('{SEQ}'), '(\\d+)')}$`),
      seen: new Map<number, number>(),
    }));
    const problems: { kind: string; detail: string }[] = [];
    // Invoices and credit notes, and quotes (their own series, D{YYYY}-…), share the counters.
    for (const table of ['invoice', 'quote'] as const) {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows = await salesDb(trx)
          .selectFrom(table)
          .select(['id', 'number', table === 'invoice' ? 'imported_from' : sql<null>`null`.as('imported_from')])
          .where('cooperative_id', '=', cooperativeId)
          .where('number', 'is not', null)
          .where('id', '>', after)
          .orderBy('id')
          .limit(5000)
          .execute();
        if (!rows.length) break;
        for (const r of rows) {
          after = r.id;
          const n = r.number as string;
          const p = patterns.find((x) => x.re.test(n));
          if (!p) {
            // Numbered by the software it was imported from, under another scheme: not one of ours.
            if (r.imported_from) continue;
            problems.push({ kind: 'numbering_unknown_series', detail: `le numéro ${n} n'appartient à aucune série` });
            continue;
          }
          const seq = Number(p.re.exec(n)?.[1]);
          p.seen.set(seq, (p.seen.get(seq) ?? 0) + 1);
        }
      }
    }
    for (const p of patterns) {
      const missing: number[] = [];
      for (let i = 1; i <= p.last; i++) if (!p.seen.has(i)) missing.push(i);
      if (missing.length)
        problems.push({
          kind: 'numbering_gap',
          detail: `série ${p.key} : ${missing.length} numéro(s) manquant(s) (${missing.slice(0, 10).join(', ')}${missing.length > 10 ? '…' : ''}) sur ${p.last}`,
        });
      for (const [seq, count] of p.seen) {
        if (seq > p.last)
          problems.push({
            kind: 'numbering_ahead',
            detail: `série ${p.key} : le numéro ${seq} dépasse le compteur (${p.last})`,
          });
        if (count > 1)
          problems.push({
            kind: 'numbering_duplicate',
            detail: `série ${p.key} : le numéro ${seq} est donné ${count} fois`,
          });
      }
    }
    return problems;
  },
};

export interface SalesActivityTotals {
  activityId: string;
  /** Signed (credit notes subtract) totals excluding VAT of every numbered document. */
  invoicedExclCents: number;
  /** Signed totals including VAT of every numbered document, less the deposits they deduct. */
  receivableCents: number;
  collectedCents: number;
}

/** Per activity, what sales recorded: the ledger must say the same (`radieuse check`). */
export async function salesTotalsByActivity(tx: Tx, cooperativeId: string): Promise<SalesActivityTotals[]> {
  const r = await sql<{ activity_id: string; excl: string; incl: string; paid: string }>`
    select i.activity_id,
      coalesce(sum(case when i.type_code = '381' then -i.total_excl_cents else i.total_excl_cents end), 0)::bigint as excl,
      coalesce(sum(case when i.type_code = '381' then -i.total_incl_cents else i.total_incl_cents - i.prepaid_cents end), 0)::bigint as incl,
      coalesce((select sum(p.amount_cents) from payment p join invoice pi on pi.cooperative_id = p.cooperative_id and pi.id = p.invoice_id
                where p.cooperative_id = ${cooperativeId} and pi.activity_id = i.activity_id), 0)::bigint as paid
    from invoice i
    where i.cooperative_id = ${cooperativeId} and i.number is not null
    group by i.activity_id`.execute(salesView(tx));
  return r.rows.map((x) => ({
    activityId: x.activity_id,
    invoicedExclCents: Number(x.excl),
    receivableCents: Number(x.incl) - Number(x.paid),
    collectedCents: Number(x.paid),
  }));
}
