// Bank lines read page by page for the API: filtered by status and account, ordered by booking
// date then id (both descending), and continued from the last line seen (keyset): a line imported
// meanwhile never shifts a page nor repeats a line, unlike an offset.
import type { Actor } from '../../core/actor.ts';
import { requireModuleRole } from '../../core/authz.ts';
import type { IsoDate } from '../../core/dates.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { type BankTransaction, type TxRow, toTransaction } from './bank.service.ts';
import { bankDb } from './db.ts';

export interface BankLineFilters {
  status?: BankTransaction['status'];
  accountId?: string;
  /** The last line of the previous page. */
  after?: { bookingDate: IsoDate; id: string };
  limit?: number;
}

export async function listBankLines(
  trx: Tx,
  actor: Actor,
  f: BankLineFilters = {},
): Promise<{ items: BankTransaction[]; hasMore: boolean }> {
  requireModuleRole(actor, 'bank', 'accountant', 'director', 'support');
  const limit = Math.min(100, Math.max(1, f.limit ?? 25));
  let q = bankDb(trx).selectFrom('bank_transaction').selectAll().where('cooperative_id', '=', actor.cooperativeId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.after) {
    const { bookingDate, id } = f.after;
    q = q.where((eb) =>
      eb.or([eb('booking_date', '<', bookingDate), eb.and([eb('booking_date', '=', bookingDate), eb('id', '<', id)])]),
    );
  }
  const rows = await q
    .orderBy('booking_date', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { items: rows.slice(0, limit).map((r) => toTransaction(r as TxRow)), hasMore: rows.length > limit };
}

/** One bank line of the cooperative (staff of the bank module only). */
export async function getBankLine(trx: Tx, actor: Actor, id: string): Promise<BankTransaction | null> {
  requireModuleRole(actor, 'bank', 'accountant', 'director', 'support');
  const r = await bankDb(trx)
    .selectFrom('bank_transaction')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toTransaction(r as TxRow) : null;
}
