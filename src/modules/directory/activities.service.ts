import { z } from 'zod';
import type { Tx } from '../../core/db/tenant.ts';
import { directoryDb } from './db.ts';
import { uuidv7, type ActivityId } from '../../core/ids.ts';
import type { Actor } from '../../core/actor.ts';
import { isUuid } from '../../core/ids.ts';
import { authorize } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { DIRECTORY } from './permissions.ts';
// --- activities (enseignes) -----------------------------------------------------------------
export interface Activity {
  id: ActivityId;
  name: string;
  analyticCode: string;
  description: string | null;
  trusted: boolean;
  ownerIds: string[];
  closedAt: Date | null;
}

export const ActivityInput = z.object({
  name: z.string().trim().min(2, "Indiquez le nom de l'activité."),
  analyticCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{2,12}$/, 'Code analytique : 2 à 12 lettres ou chiffres.'),
  description: z.string().trim().optional().nullable(),
  ownerIds: z.array(z.string().uuid()).default([]),
  trusted: z.boolean().default(false),
});

export async function createActivity(tx: Tx, actor: Actor, raw: z.input<typeof ActivityInput>): Promise<Activity> {
  const trx = directoryDb(tx);
  authorize(actor, DIRECTORY.activityManage);
  const v = parseInput(ActivityInput, raw);
  const dup = await trx
    .selectFrom('activity')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('analytic_code', '=', v.analyticCode)
    .executeTakeFirst();
  if (dup) throw new UserError('Ce code analytique est déjà utilisé.', 'analyticCode');
  forgetActivities(tx);
  const id = uuidv7<ActivityId>();
  await trx
    .insertInto('activity')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      name: v.name,
      analytic_code: v.analyticCode,
      description: v.description ?? null,
      trusted: v.trusted,
      email: null,
      phone: null,
      closed_at: null,
    })
    .execute();
  for (const u of v.ownerIds)
    await trx
      .insertInto('activity_owner')
      .values({ cooperative_id: actor.cooperativeId, activity_id: id, user_id: u })
      .execute();
  await audit(trx, actor, {
    action: 'activity.created',
    targetType: 'activity',
    targetId: id,
    data: { name: v.name, analyticCode: v.analyticCode },
  });
  return {
    id,
    name: v.name,
    analyticCode: v.analyticCode,
    description: v.description ?? null,
    trusted: v.trusted,
    ownerIds: v.ownerIds,
    closedAt: null,
  };
}

// A page asks "which activities does this person work in?" once per document it checks (the
// home page's to-do list checks every draft): the answer is kept for the transaction (the tx
// object is the key, so it dies with it) and forgotten by any change of activities or owners.
const activitiesMemo = new WeakMap<object, Map<string, Promise<Activity[]>>>();
const forgetActivities = (tx: Tx) => activitiesMemo.delete(tx as object);

/** The cooperative's activities, or those a person runs (`ownedBy`). Kept for the transaction:
 *  the home page alone asked for the entrepreneur's own activities eight times. */
export async function listActivities(tx: Tx, actor: Actor, opts: { ownedBy?: string } = {}): Promise<Activity[]> {
  // Outside a transaction nothing would end the memo: read each time.
  if (!(tx as { isTransaction?: boolean }).isTransaction) return queryActivities(tx, actor, opts);
  const key = `${actor.cooperativeId}|${opts.ownedBy === undefined ? '*' : `owner:${opts.ownedBy}`}`;
  const memo = activitiesMemo.get(tx as object) ?? new Map<string, Promise<Activity[]>>();
  activitiesMemo.set(tx as object, memo);
  let found = memo.get(key);
  if (!found) {
    found = queryActivities(tx, actor, opts);
    memo.set(key, found);
    found.catch(() => memo.delete(key));
  }
  // Copies: a caller that sorts or edits its list never changes the next caller's.
  return (await found).map((a) => ({ ...a, ownerIds: [...a.ownerIds] }));
}

async function queryActivities(tx: Tx, actor: Actor, opts: { ownedBy?: string }): Promise<Activity[]> {
  const trx = directoryDb(tx);
  let q = trx.selectFrom('activity').selectAll().where('cooperative_id', '=', actor.cooperativeId);
  if (opts.ownedBy)
    q = q.where(
      'id',
      'in',
      trx
        .selectFrom('activity_owner')
        .select('activity_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('user_id', '=', opts.ownedBy),
    );
  const rows = await q.orderBy('name').execute();
  if (!rows.length) return [];
  // The owners of the listed activities only: a person's own activities need not bring the
  // owners of the whole cooperative (hundreds of rows at network scale, on every page).
  let owners = trx.selectFrom('activity_owner').selectAll().where('cooperative_id', '=', actor.cooperativeId);
  if (opts.ownedBy)
    owners = owners.where(
      'activity_id',
      'in',
      rows.map((r) => r.id),
    );
  const ownerRows = await owners.execute();
  return rows.map((r) => ({
    id: r.id as ActivityId,
    name: r.name,
    analyticCode: r.analytic_code,
    description: r.description,
    trusted: r.trusted,
    ownerIds: ownerRows.filter((o) => o.activity_id === r.id).map((o) => o.user_id),
    closedAt: r.closed_at,
  }));
}

/** Activities the actor works in: own ones for entrepreneurs, all for staff. */
export async function activitiesFor(tx: Tx, actor: Actor): Promise<Activity[]> {
  const staff = actor.roles.some((r) => r !== 'entrepreneur' && r !== 'cape');
  return listActivities(tx, actor, staff ? {} : { ownedBy: actor.userId ?? '' });
}

// --- activities administration -----------------------------------------------------------
export async function getActivity(tx: Tx, actor: Actor, id: string): Promise<Activity> {
  const scope = authorize(actor, DIRECTORY.activityView);
  const trx = directoryDb(tx);
  if (!isUuid(id)) throw new NotFoundError('Activité');
  const a = (await listActivities(trx, actor)).find((x) => x.id === id);
  // `own`: an entrepreneur sees only an activity they run (another one does not exist for them).
  if (!a || (scope === 'own' && !a.ownerIds.includes(actor.userId ?? ''))) throw new NotFoundError('Activité');
  return a;
}

export const ActivityUpdate = ActivityInput.omit({ analyticCode: true });
export async function updateActivity(
  tx: Tx,
  actor: Actor,
  id: string,
  raw: z.input<typeof ActivityUpdate>,
): Promise<void> {
  const trx = directoryDb(tx);
  authorize(actor, DIRECTORY.activityManage);
  const current = await getActivity(trx, actor, id);
  const v = parseInput(ActivityUpdate, raw);
  if (v.ownerIds.length) {
    const ok = await trx
      .selectFrom('membership')
      .select('user_id')
      .distinct()
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('user_id', 'in', v.ownerIds)
      .where('ended_at', 'is', null)
      .execute();
    if (ok.length !== new Set(v.ownerIds).size)
      throw new UserError('Chaque entrepreneur·e doit être membre de la coopérative.', 'ownerIds');
  }
  forgetActivities(tx);
  await trx
    .updateTable('activity')
    .set({ name: v.name, description: v.description ?? current.description, trusted: v.trusted })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await trx
    .deleteFrom('activity_owner')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', id)
    .execute();
  for (const u of new Set(v.ownerIds))
    await trx
      .insertInto('activity_owner')
      .values({ cooperative_id: actor.cooperativeId, activity_id: id, user_id: u })
      .execute();
  await audit(trx, actor, {
    action: 'activity.updated',
    targetType: 'activity',
    targetId: id,
    data: { name: v.name, ownerIds: v.ownerIds, trusted: v.trusted },
  });
}

export async function closeActivity(tx: Tx, actor: Actor, id: string): Promise<void> {
  const trx = directoryDb(tx);
  authorize(actor, DIRECTORY.activityManage);
  const a = await getActivity(trx, actor, id);
  if (a.closedAt) throw new UserError('Cette activité est déjà fermée.');
  forgetActivities(tx);
  await trx
    .updateTable('activity')
    .set({ closed_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, { action: 'activity.closed', targetType: 'activity', targetId: id });
}

/** The staff's list of activities, with the names of the people running each one. */
export async function activitiesOverview(
  tx: Tx,
  actor: Actor,
): Promise<{ activities: Activity[]; names: Map<string, string> }> {
  authorize(actor, DIRECTORY.activityList);
  const trx = directoryDb(tx);
  const activities = await listActivities(trx, actor);
  const people = await trx
    .selectFrom('activity_owner')
    .innerJoin('user_account', 'user_account.id', 'activity_owner.user_id')
    .select(['user_account.id', 'user_account.display_name'])
    .where('activity_owner.cooperative_id', '=', actor.cooperativeId)
    .execute();
  return { activities, names: new Map(people.map((r) => [r.id, r.display_name])) };
}

/** Who may run an activity: the entrepreneurs (and CAPE) of the cooperative, by name. */
export async function ownerCandidates(tx: Tx, actor: Actor): Promise<[string, string][]> {
  authorize(actor, DIRECTORY.activityManage);
  const trx = directoryDb(tx);
  const rows = await trx
    .selectFrom('membership')
    .innerJoin('user_account', 'user_account.id', 'membership.user_id')
    .select(['user_account.id', 'user_account.display_name'])
    .distinct()
    .where('membership.cooperative_id', '=', actor.cooperativeId)
    .where('membership.ended_at', 'is', null)
    .where('membership.role', 'in', ['entrepreneur', 'cape'])
    .execute();
  const collator = new Intl.Collator('fr');
  return rows
    .sort((a, b) => collator.compare(a.display_name, b.display_name))
    .map((r) => [r.id, r.display_name] as [string, string]);
}
