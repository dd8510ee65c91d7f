// What other modules' services need to know of activities (name, analytic code, contact, owners),
// read for them so they never name the directory's tables. These lookups check no permission of
// their own: the calling service has already authorized its actor for the invoice, quote, expense
// or entry that names the activity, and every lookup stays inside the given cooperative.
// Batched (a list of ids in one query) so a caller never loops one query per row.
import type { Tx } from '../../core/db/tenant.ts';
import type { ActivityId } from '../../core/ids.ts';
import { NotFoundError } from '../../core/errors.ts';
import { directoryDb } from './db.ts';

export interface ActivityFacts {
  id: ActivityId;
  name: string;
  analyticCode: string;
  email: string | null;
  phone: string | null;
  /** May validate its own invoices. */
  trusted: boolean;
  createdAt: Date;
  closedAt: Date | null;
}

type Row = {
  id: string;
  name: string;
  analytic_code: string;
  email: string | null;
  phone: string | null;
  trusted: boolean;
  created_at: Date;
  closed_at: Date | null;
};
const toFacts = (r: Row): ActivityFacts => ({
  id: r.id as ActivityId,
  name: r.name,
  analyticCode: r.analytic_code,
  email: r.email,
  phone: r.phone,
  trusted: r.trusted,
  createdAt: r.created_at,
  closedAt: r.closed_at,
});
const COLUMNS = ['id', 'name', 'analytic_code', 'email', 'phone', 'trusted', 'created_at', 'closed_at'] as const;

/** One activity of the cooperative, by id or by analytic code; null when there is none. */
export async function activityFacts(
  tx: Tx,
  cooperativeId: string,
  by: { id: string } | { analyticCode: string },
): Promise<ActivityFacts | null> {
  const r = await directoryDb(tx)
    .selectFrom('activity')
    .select(COLUMNS)
    .where('cooperative_id', '=', cooperativeId)
    .$if('id' in by, (q) => q.where('id', '=', (by as { id: string }).id))
    .$if('analyticCode' in by, (q) => q.where('analytic_code', '=', (by as { analyticCode: string }).analyticCode))
    .executeTakeFirst();
  return r ? toFacts(r) : null;
}

/** The activity a document names (it exists: the document's foreign key says so). */
export async function activityFactsOrFail(tx: Tx, cooperativeId: string, id: string): Promise<ActivityFacts> {
  const a = await activityFacts(tx, cooperativeId, { id });
  if (!a) throw new NotFoundError('Activité');
  return a;
}

/** The activities of the cooperative (all of them, or those of `ids`), ordered by analytic code. */
export async function activitiesFacts(
  tx: Tx,
  cooperativeId: string,
  ids?: readonly string[],
): Promise<ActivityFacts[]> {
  if (ids && !ids.length) return [];
  const rows = await directoryDb(tx)
    .selectFrom('activity')
    .select(COLUMNS)
    .where('cooperative_id', '=', cooperativeId)
    .$if(!!ids, (q) => q.where('id', 'in', ids as string[]))
    .orderBy('analytic_code')
    .execute();
  return rows.map(toFacts);
}

/** The ids of the activities a person runs in the cooperative. */
export async function activityIdsRunBy(tx: Tx, cooperativeId: string, userId: string): Promise<string[]> {
  const rows = await directoryDb(tx)
    .selectFrom('activity_owner')
    .select('activity_id')
    .where('cooperative_id', '=', cooperativeId)
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.activity_id);
}

/** Who runs an activity (user ids). */
export async function activityOwnerIds(tx: Tx, cooperativeId: string, activityId: string): Promise<string[]> {
  const rows = await directoryDb(tx)
    .selectFrom('activity_owner')
    .select('user_id')
    .where('cooperative_id', '=', cooperativeId)
    .where('activity_id', '=', activityId)
    .execute();
  return rows.map((r) => r.user_id);
}

/** The person to contact for an activity on its documents (one of those who run it), or null. */
export async function activityContact(
  tx: Tx,
  cooperativeId: string,
  activityId: string,
): Promise<{ name: string; email: string } | null> {
  const r = await directoryDb(tx)
    .selectFrom('activity_owner')
    .innerJoin('user_account', 'user_account.id', 'activity_owner.user_id')
    .select(['user_account.display_name', 'user_account.email'])
    .where('activity_owner.cooperative_id', '=', cooperativeId)
    .where('activity_owner.activity_id', '=', activityId)
    .executeTakeFirst();
  return r ? { name: r.display_name, email: r.email } : null;
}

/** Locks an activity's row until the end of the transaction: serialises the writers that keep a
 *  rule per activity (one open salary request per person, activity and month). */
export async function lockActivity(tx: Tx, cooperativeId: string, activityId: string): Promise<void> {
  await directoryDb(tx)
    .selectFrom('activity')
    .select('id')
    .where('cooperative_id', '=', cooperativeId)
    .where('id', '=', activityId)
    .forUpdate()
    .execute();
}
