// Registration to a workshop session: oneself (or someone, for the team), with a waiting list
// once the session is full; a cancelled place goes to the first person waiting. The session row
// is locked, so concurrent registrations never exceed the capacity.
import type { Tx } from '../../core/db/handles.ts';
import { isUuid } from '../../core/ids.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { rolesInCooperative } from './members.ts';

/** `own`: one registers oneself only; the team registers any member of the cooperative. */
async function mayRegister(tx: Tx, actor: Actor, userId: string): Promise<void> {
  const scope = authorize(actor, JOURNEYS.workshopRegister);
  if (scope === 'own' && userId !== actor.userId) throw new ForbiddenError();
  if (!(await rolesInCooperative(tx, actor.cooperativeId, userId)).length)
    throw new UserError("Cette personne n'est pas membre de la coopérative.");
}

/** Registers a user (themselves, or someone chosen by staff). The session row is locked so that
 *  concurrent registrations are serialised and the capacity is never exceeded. */
export async function register(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  userId: string = actor.userId ?? '',
): Promise<'registered' | 'waiting'> {
  const trx = journeysDb(tx);
  await mayRegister(tx, actor, userId);
  if (!isUuid(sessionId)) throw new NotFoundError('Séance');
  const s = await trx
    .selectFrom('workshop_session')
    .select(['id', 'capacity', 'starts_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new NotFoundError('Séance');
  if (new Date(s.starts_at) <= new Date()) throw new UserError('Cette séance a déjà commencé.');
  const existing = await trx
    .selectFrom('workshop_registration')
    .select('status')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (existing && existing.status !== 'cancelled') return existing.status;
  const { n } = await trx
    .selectFrom('workshop_registration')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('status', '=', 'registered')
    .executeTakeFirstOrThrow();
  const status = Number(n) < s.capacity ? 'registered' : 'waiting';
  await trx
    .insertInto('workshop_registration')
    .values({
      cooperative_id: actor.cooperativeId,
      session_id: sessionId,
      user_id: userId,
      status,
      registered_at: new Date(),
      attended: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['cooperative_id', 'session_id', 'user_id'])
        .doUpdateSet({ status, registered_at: new Date(), attended: null }),
    )
    .execute();
  await audit(tx, actor, {
    action: `workshop.${status}`,
    targetType: 'workshop_session',
    targetId: sessionId,
    data: { userId },
  });
  return status;
}

/** Cancels a registration; a freed place goes to the first person on the waiting list. */
export async function cancelRegistration(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  userId: string = actor.userId ?? '',
): Promise<{ promoted: string | null }> {
  const trx = journeysDb(tx);
  await mayRegister(tx, actor, userId);
  if (!isUuid(sessionId)) throw new NotFoundError('Séance');
  const s = await trx
    .selectFrom('workshop_session')
    .select(['id', 'capacity'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new NotFoundError('Séance');
  const reg = await trx
    .selectFrom('workshop_registration')
    .select('status')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!reg || reg.status === 'cancelled') throw new UserError("Vous n'êtes pas inscrit·e à cette séance.");
  await trx
    .updateTable('workshop_registration')
    .set({ status: 'cancelled' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .execute();
  await audit(tx, actor, {
    action: 'workshop.cancelled',
    targetType: 'workshop_session',
    targetId: sessionId,
    data: { userId },
  });
  let promoted: string | null = null;
  if (reg.status === 'registered') {
    const { n } = await trx
      .selectFrom('workshop_registration')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('session_id', '=', sessionId)
      .where('status', '=', 'registered')
      .executeTakeFirstOrThrow();
    if (Number(n) < s.capacity) {
      const next = await trx
        .selectFrom('workshop_registration')
        .select('user_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('session_id', '=', sessionId)
        .where('status', '=', 'waiting')
        .orderBy('registered_at')
        .orderBy('user_id')
        .limit(1)
        .executeTakeFirst();
      if (next) {
        await trx
          .updateTable('workshop_registration')
          .set({ status: 'registered' })
          .where('cooperative_id', '=', actor.cooperativeId)
          .where('session_id', '=', sessionId)
          .where('user_id', '=', next.user_id)
          .execute();
        await audit(tx, actor, {
          action: 'workshop.promoted',
          targetType: 'workshop_session',
          targetId: sessionId,
          data: { userId: next.user_id },
        });
        promoted = next.user_id;
      }
    }
  }
  return { promoted };
}
