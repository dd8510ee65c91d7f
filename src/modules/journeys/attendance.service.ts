// Attendance at workshops: the list of people registered, presence recorded for the whole group
// in one form (walk-ins added as present), and the hours each person attended.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import { isUuid } from '../../core/ids.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { memberOptions, rolesInCooperative } from './members.ts';

/** The length of a session in hours, to the hundredth. */
export const sessionHours = (start: Date, end: Date) =>
  Math.round(((new Date(end).getTime() - new Date(start).getTime()) / 3600000) * 100) / 100;

export interface Participant {
  userId: string;
  name: string;
  email: string;
  status: 'registered' | 'waiting' | 'cancelled';
  registeredAt: Date;
  attended: boolean | null;
}
export async function participants(tx: Tx, actor: Actor, sessionId: string): Promise<Participant[]> {
  authorize(actor, JOURNEYS.workshopParticipants);
  if (!isUuid(sessionId)) throw new NotFoundError('Séance');
  const trx = journeysDb(tx);
  const rows = await trx
    .selectFrom('workshop_registration')
    .innerJoin('user_account', 'user_account.id', 'workshop_registration.user_id')
    .select([
      'workshop_registration.user_id',
      'user_account.display_name',
      'user_account.email',
      'workshop_registration.status',
      'workshop_registration.registered_at',
      'workshop_registration.attended',
    ])
    .where('workshop_registration.cooperative_id', '=', actor.cooperativeId)
    .where('workshop_registration.session_id', '=', sessionId)
    .orderBy('workshop_registration.registered_at')
    .orderBy('workshop_registration.user_id')
    .execute();
  const collator = new Intl.Collator('fr');
  return rows
    .map((r) => ({
      userId: r.user_id,
      name: r.display_name,
      email: r.email,
      status: r.status,
      registeredAt: r.registered_at,
      attended: r.attended,
    }))
    .sort((a, b) =>
      a.status === b.status
        ? collator.compare(a.name, b.name)
        : a.status === 'registered'
          ? -1
          : b.status === 'registered'
            ? 1
            : 0,
    );
}

/** One form for the whole group: every registered person is marked present or absent; people who
 *  came without registering (walk-ins, chosen among members) are added as present. */
export async function recordAttendance(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  presentUserIds: string[],
  walkIns: string[] = [],
): Promise<{ present: number; absent: number; hours: number }> {
  authorize(actor, JOURNEYS.workshopAttendance);
  if (!isUuid(sessionId)) throw new NotFoundError('Séance');
  const trx = journeysDb(tx);
  const s = await trx
    .selectFrom('workshop_session')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new NotFoundError('Séance');
  if (new Date(s.starts_at) > new Date())
    throw new UserError("La séance n'a pas encore eu lieu : l'émargement se fait après son début.");
  const present = new Set([...presentUserIds, ...walkIns]);
  for (const u of walkIns) {
    if (!(await rolesInCooperative(tx, actor.cooperativeId, u)).length)
      throw new UserError('Personne inconnue.', 'walkIn');
    await trx
      .insertInto('workshop_registration')
      .values({
        cooperative_id: actor.cooperativeId,
        session_id: sessionId,
        user_id: u,
        status: 'registered',
        registered_at: new Date(),
        attended: true,
        walk_in: true,
      })
      // Someone already registered keeps their place; someone waiting or who had cancelled came
      // without a place (the expression reads the row as it was).
      .onConflict((oc) =>
        oc.columns(['cooperative_id', 'session_id', 'user_id']).doUpdateSet({
          status: 'registered',
          attended: true,
          walk_in: sql<boolean>`workshop_registration.status <> 'registered'`,
        }),
      )
      .execute();
  }
  const regs = await trx
    .selectFrom('workshop_registration')
    .select('user_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('status', '=', 'registered')
    .execute();
  let p = 0;
  let a = 0;
  for (const r of regs) {
    const here = present.has(r.user_id);
    if (here) p++;
    else a++;
    await trx
      .updateTable('workshop_registration')
      .set({ attended: here })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('session_id', '=', sessionId)
      .where('user_id', '=', r.user_id)
      .execute();
  }
  await trx
    .updateTable('workshop_session')
    .set({ attendance_recorded_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .execute();
  const hours = sessionHours(s.starts_at, s.ends_at);
  await audit(tx, actor, {
    action: 'workshop.attendance_recorded',
    targetType: 'workshop_session',
    targetId: sessionId,
    data: { present: p, absent: a },
  });
  return { present: p, absent: a, hours: hours * p };
}
/** Hours of workshops attended, per person (for a person's page and activity reports). */
export async function attendedHours(
  tx: Tx,
  actor: Actor,
  userId: string,
): Promise<{ sessions: number; hours: number }> {
  const scope = authorize(actor, JOURNEYS.hoursRead);
  if (scope === 'own' && userId !== actor.userId) throw new ForbiddenError();
  if (!isUuid(userId)) return { sessions: 0, hours: 0 };
  const rows = await journeysDb(tx)
    .selectFrom('workshop_registration')
    .innerJoin('workshop_session', (j) =>
      j
        .onRef('workshop_session.cooperative_id', '=', 'workshop_registration.cooperative_id')
        .onRef('workshop_session.id', '=', 'workshop_registration.session_id'),
    )
    .select(['workshop_session.starts_at', 'workshop_session.ends_at'])
    .where('workshop_registration.cooperative_id', '=', actor.cooperativeId)
    .where('workshop_registration.user_id', '=', userId)
    .where('workshop_registration.attended', '=', true)
    .execute();
  return {
    sessions: rows.length,
    hours: Math.round(rows.reduce((s, r) => s + sessionHours(r.starts_at, r.ends_at), 0) * 100) / 100,
  };
}

/** The sessions a person attended (ids), e.g. for a course's completion rule "session attended". */
export async function attendedSessions(tx: Tx, actor: Actor, userId: string): Promise<string[]> {
  const scope = authorize(actor, JOURNEYS.hoursRead);
  if (scope === 'own' && userId !== actor.userId) throw new ForbiddenError();
  if (!isUuid(userId)) return [];
  const rows = await journeysDb(tx)
    .selectFrom('workshop_registration')
    .select('session_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', userId)
    .where('attended', '=', true)
    .execute();
  return rows.map((r) => r.session_id);
}

/** `[userId, name]` of the members who could have come without registering (not on the list). */
export async function walkInOptions(tx: Tx, actor: Actor, sessionId: string): Promise<[string, string][]> {
  authorize(actor, JOURNEYS.workshopAttendance);
  const listed = new Set((await participants(tx, actor, sessionId)).map((p) => p.userId));
  const everyone = await memberOptions(tx, actor, ['entrepreneur', 'cape', 'support', 'accountant', 'director']);
  return everyone.filter(([id]) => !listed.has(id));
}
