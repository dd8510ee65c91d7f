// Courses linked to journeys sessions (workshops and virtual classes: the same session object,
// reached through journeys/index.ts, attendance marked once on /ateliers/:id), and the completion
// rule "session attended": a course of the cooperative may ask its learners to attend one of its
// linked sessions. Sessions belong to a cooperative and only its members attend them, so the rule
// is offered for courses kept within the cooperative (a database check holds it too).
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { attendedSessions, getSession, JOURNEYS, listSessions, type WorkshopSession } from '../journeys/index.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import { ownCourse, type Course } from './courses.service.ts';

async function linkedIds(tx: Tx, course: Course): Promise<string[]> {
  const rows = await learningDb(tx)
    .selectFrom('learning_course_session')
    .select('session_id')
    .where('cooperative_id', '=', course.cooperativeId)
    .where('course_id', '=', course.id)
    .execute();
  return rows.map((r) => r.session_id);
}

/** The sessions linked to a course, in date order (none for learners of other cooperatives: the
 *  links and the sessions stay with the course's cooperative). */
export async function courseSessions(tx: Tx, actor: Actor, course: Course): Promise<WorkshopSession[]> {
  authorize(actor, LEARNING.read);
  if (course.cooperativeId !== actor.cooperativeId || !can(actor, JOURNEYS.workshopList)) return [];
  const ids = new Set(await linkedIds(tx, course));
  if (!ids.size) return [];
  return (await listSessions(tx, actor)).filter((s) => ids.has(s.id));
}

/** The cooperative's sessions an author may link (not linked yet). */
export async function linkableSessions(tx: Tx, actor: Actor, course: Course): Promise<WorkshopSession[]> {
  authorize(actor, LEARNING.author);
  if (!course.own || !can(actor, JOURNEYS.workshopList)) return [];
  const ids = new Set(await linkedIds(tx, course));
  return (await listSessions(tx, actor)).filter((s) => !ids.has(s.id));
}

export async function linkSession(tx: Tx, actor: Actor, courseId: string, sessionId: string): Promise<void> {
  const c = await ownCourse(tx, actor, courseId);
  if (!isUuid(sessionId)) throw new UserError('Choisissez une séance.', 'sessionId');
  try {
    await getSession(tx, actor, sessionId);
  } catch (e) {
    if (e instanceof NotFoundError) throw new UserError('Séance inconnue.', 'sessionId');
    throw e;
  }
  await learningDb(tx)
    .insertInto('learning_course_session')
    .values({ cooperative_id: actor.cooperativeId, course_id: c.id, session_id: sessionId })
    .onConflict((oc) => oc.columns(['cooperative_id', 'course_id', 'session_id']).doNothing())
    .execute();
  await audit(tx, actor, {
    action: 'learning.session_linked',
    targetType: 'learning_course',
    targetId: c.id,
    data: { sessionId },
  });
}

export async function unlinkSession(tx: Tx, actor: Actor, courseId: string, sessionId: string): Promise<void> {
  const c = await ownCourse(tx, actor, courseId);
  if (!isUuid(sessionId)) throw new NotFoundError('Séance');
  const r = await learningDb(tx)
    .deleteFrom('learning_course_session')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', c.id)
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  if (!Number(r.numDeletedRows)) throw new NotFoundError('Séance');
}

/** Turns the rule "session attended" on or off (courses kept within the cooperative only). */
export async function setRequireSession(tx: Tx, actor: Actor, courseId: string, required: boolean): Promise<void> {
  const c = await ownCourse(tx, actor, courseId);
  if (required && c.visibility !== 'cooperative')
    throw new UserError(
      'Seules les formations réservées à la coopérative peuvent exiger une séance : les séances sont celles de la coopérative.',
      'requireSession',
    );
  await learningDb(tx)
    .updateTable('learning_course')
    .set({ require_session: required, updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', c.id)
    .execute();
}

/** Whether the actor attended one of the sessions linked to the course (their own attendance). */
export async function sessionAttended(tx: Tx, actor: Actor, course: Course): Promise<boolean> {
  if (!actor.userId || course.cooperativeId !== actor.cooperativeId || !can(actor, JOURNEYS.hoursRead)) return false;
  const linked = new Set(await linkedIds(tx, course));
  if (!linked.size) return false;
  return (await attendedSessions(tx, actor, actor.userId)).some((id) => linked.has(id));
}
