// Cohorts: trainers enrol a group of their cooperative in a course (e.g. every person who entered
// CAPE this quarter, picked from the journeys caseload) with a due date, and follow its progress.
// Learners see the due date in their inbox, hence in the digest (inbox.ts).
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { isIsoDate, todayParis, toIsoDate } from '../../core/dates.ts';
import { audit } from '../../core/audit.ts';
import { listMembers } from '../directory/index.ts';
import { caseload } from '../journeys/index.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import { getCourse, outline } from './courses.service.ts';

export interface Candidate {
  userId: string;
  name: string;
  email: string;
  /** Their CAPE stage started in the chosen quarter (journeys caseload): pre-selected in the form. */
  newCape: boolean;
}

/** A calendar quarter, written `2026-T4` in addresses and forms. */
export interface Quarter {
  year: number;
  /** 1 to 4. */
  q: number;
}
export const quarterOf = (isoDate: string): Quarter => ({
  year: Number(isoDate.slice(0, 4)),
  q: Math.floor((Number(isoDate.slice(5, 7)) - 1) / 3) + 1,
});
export const quarterKey = (x: Quarter) => `${x.year}-T${x.q}`;
export const quarterLabel = (x: Quarter) => `${x.q === 1 ? '1er' : `${x.q}e`} trimestre ${x.year}`;
/** `2026-T4` → the quarter; anything else → null. */
export function parseQuarter(s: string | undefined): Quarter | null {
  const m = /^(\d{4})-T([1-4])$/.exec(s ?? '');
  return m ? { year: Number(m[1]), q: Number(m[2]) } : null;
}
/** First day of the quarter and first day of the next one (ISO dates). */
export function quarterBounds(x: Quarter): { from: string; until: string } {
  const month = (x.q - 1) * 3 + 1;
  const next = x.q === 4 ? { year: x.year + 1, month: 1 } : { year: x.year, month: month + 3 };
  const iso = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}-01`;
  return { from: iso(x.year, month), until: iso(next.year, next.month) };
}

/** The members who may be enrolled; « les nouveaux CAPE du trimestre » (people whose CAPE stage
 *  started in `quarter`, the current one by default, read from the journeys caseload through
 *  `journeys/index.ts`) flagged, for the form to pre-select them. */
export async function cohortCandidates(
  tx: Tx,
  actor: Actor,
  quarter: Quarter = quarterOf(todayParis()),
): Promise<Candidate[]> {
  authorize(actor, LEARNING.cohorts);
  const members = (await listMembers(tx, actor, { pageSize: 100_000 })).items;
  const { from, until } = quarterBounds(quarter);
  const fresh = new Set(
    (await caseload(tx, actor, { stage: 'cape' }))
      .filter((r) => {
        const start = r.journey.capeStart ?? r.journey.stageSince;
        return r.journey.userId && start >= from && start < until;
      })
      .map((r) => r.journey.userId as string),
  );
  return members.map((m) => ({ userId: m.userId, name: m.displayName, email: m.email, newCape: fresh.has(m.userId) }));
}

export async function createCohort(
  tx: Tx,
  actor: Actor,
  input: { courseId: string; name?: string; dueOn?: string; userIds: string[] },
): Promise<string> {
  authorize(actor, LEARNING.cohorts);
  if (!isUuid(input.courseId)) throw new UserError('Choisissez une formation.', 'courseId');
  const course = await getCourse(tx, actor, input.courseId).catch(() => null);
  if (!course?.publishedAt) throw new UserError('Choisissez une formation publiée.', 'courseId');
  const name = (input.name ?? '').trim();
  if (name.length < 2 || name.length > 200) throw new UserError('Nom du groupe : de 2 à 200 caractères.', 'name');
  const dueOn = (input.dueOn ?? '').trim() || null;
  if (dueOn && (!isIsoDate(dueOn) || dueOn < todayParis()))
    throw new UserError('Échéance : une date à venir (AAAA-MM-JJ).', 'dueOn');
  const ids = [...new Set(input.userIds)];
  if (!ids.length) throw new UserError('Choisissez au moins une personne.', 'userIds');
  const members = new Set((await listMembers(tx, actor, { pageSize: 100_000 })).items.map((m) => m.userId));
  if (ids.some((u) => !members.has(u))) throw new UserError('Personne inconnue dans la coopérative.', 'userIds');
  const id = uuidv7();
  const db = learningDb(tx);
  await db
    .insertInto('learning_cohort')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      course_cooperative_id: course.cooperativeId,
      course_id: course.id,
      name,
      due_on: dueOn,
      created_by: actor.userId,
    })
    .execute();
  for (const u of ids)
    await db
      .insertInto('learning_enrolment')
      .values({
        cooperative_id: actor.cooperativeId,
        course_cooperative_id: course.cooperativeId,
        course_id: course.id,
        user_id: u,
        last_lesson_id: null,
        completed_at: null,
        completed_minutes: null,
        cohort_id: id,
        due_on: dueOn,
      })
      .onConflict((oc) =>
        oc.columns(['cooperative_id', 'course_id', 'user_id']).doUpdateSet({ cohort_id: id, due_on: dueOn }),
      )
      .execute();
  await audit(tx, actor, {
    action: 'learning.cohort_created',
    targetType: 'learning_cohort',
    targetId: id,
    data: { people: ids.length },
  });
  return id;
}

export interface CohortSummary {
  id: string;
  name: string;
  courseId: string;
  courseTitle: string;
  dueOn: string | null;
  people: number;
  completed: number;
}

export async function listCohorts(tx: Tx, actor: Actor): Promise<CohortSummary[]> {
  authorize(actor, LEARNING.cohorts);
  const db = learningDb(tx);
  const rows = await db
    .selectFrom('learning_cohort as c')
    .select(['c.id', 'c.name', 'c.course_id', 'c.due_on'])
    .select((eb) => [
      eb
        .selectFrom('learning_enrolment as e')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('e.cooperative_id', '=', 'c.cooperative_id')
        .whereRef('e.cohort_id', '=', 'c.id')
        .as('people'),
      eb
        .selectFrom('learning_enrolment as e')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('e.cooperative_id', '=', 'c.cooperative_id')
        .whereRef('e.cohort_id', '=', 'c.id')
        .where('e.completed_at', 'is not', null)
        .as('completed'),
    ])
    .where('c.cooperative_id', '=', actor.cooperativeId)
    .orderBy('c.created_at', 'desc')
    .execute();
  const out: CohortSummary[] = [];
  for (const r of rows) {
    const course = await getCourse(tx, actor, r.course_id).catch(() => null);
    out.push({
      id: r.id,
      name: r.name,
      courseId: r.course_id,
      courseTitle: course?.title ?? '(formation retirée)',
      dueOn: r.due_on ? toIsoDate(r.due_on) : null,
      people: Number(r.people ?? 0),
      completed: Number(r.completed ?? 0),
    });
  }
  return out;
}

export interface CohortMember {
  userId: string;
  name: string;
  email: string;
  lessonsViewed: number;
  lessonsTotal: number;
  completedAt: Date | null;
  late: boolean;
}

export async function cohortProgress(
  tx: Tx,
  actor: Actor,
  cohortId: string,
): Promise<{ cohort: CohortSummary; members: CohortMember[] }> {
  authorize(actor, LEARNING.cohorts);
  if (!isUuid(cohortId)) throw new NotFoundError('Groupe');
  const cohort = (await listCohorts(tx, actor)).find((c) => c.id === cohortId);
  if (!cohort) throw new NotFoundError('Groupe');
  const course = await getCourse(tx, actor, cohort.courseId);
  const lessons = new Set((await outline(tx, course)).lessons.map((l) => l.id));
  const db = learningDb(tx);
  const rows = await db
    .selectFrom('learning_enrolment as e')
    .innerJoin('user_account as u', 'u.id', 'e.user_id')
    .select(['e.user_id', 'u.display_name', 'u.email', 'e.completed_at'])
    .where('e.cooperative_id', '=', actor.cooperativeId)
    .where('e.cohort_id', '=', cohortId)
    .execute();
  const views = await db
    .selectFrom('learning_lesson_view')
    .select(['user_id', 'lesson_id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', course.id)
    .execute();
  const today = todayParis();
  const collator = new Intl.Collator('fr');
  return {
    cohort,
    members: rows
      .map((r) => ({
        userId: r.user_id,
        name: r.display_name,
        email: r.email,
        lessonsViewed: views.filter((v) => v.user_id === r.user_id && lessons.has(v.lesson_id)).length,
        lessonsTotal: lessons.size,
        completedAt: r.completed_at,
        late: !r.completed_at && !!cohort.dueOn && cohort.dueOn < today,
      }))
      .sort((a, b) => collator.compare(a.name, b.name)),
  };
}

/** The learner's unfinished courses with a due date (for the inbox and the digest). */
export async function myDueCourses(
  tx: Tx,
  actor: Actor,
): Promise<{ courseId: string; title: string; dueOn: string }[]> {
  if (!actor.userId) return [];
  const rows = await learningDb(tx)
    .selectFrom('learning_enrolment')
    .select(['course_id', 'due_on'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .where('completed_at', 'is', null)
    .where('due_on', 'is not', null)
    .execute();
  const out = [];
  for (const r of rows) {
    const c = await getCourse(tx, actor, r.course_id).catch(() => null);
    if (c?.publishedAt) out.push({ courseId: c.id, title: c.title, dueOn: toIsoDate(r.due_on) });
  }
  return out;
}
