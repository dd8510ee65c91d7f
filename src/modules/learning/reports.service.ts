// The training report beyond hours per person (bilan pédagogique et financier, Qualiopi): course
// hours per course and per funding source, learners by sex and age band, and the end-of-course
// satisfaction. Sex and birth year are the optional ones of the directory's statistical profile
// (directory/index.ts); small counts are suppressed as the impact module does: a count of 1 to 4 is
// shown as "< 5", and when a single count of a table is hidden, the next smallest is hidden too, so
// that no hidden count can be found again from the total.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { DIRECTORY, statisticalProfiles } from '../directory/index.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import { getCourse } from './courses.service.ts';
import { trainingHoursReport } from './hours.service.ts';

export { MIN_CELL } from './report-types.ts';
import { MIN_CELL } from './report-types.ts';
const round2 = (x: number) => Math.round(x * 100) / 100;
const yearStart = (y: number) => new Date(`${y}-01-01T00:00:00+01:00`);

// ——— satisfaction ———

export interface SatisfactionInput {
  score?: string | number;
  comment?: string;
}

/** The learner answers the end-of-course question (once completed; answering again replaces it). */
export async function recordSatisfaction(
  tx: Tx,
  actor: Actor,
  courseId: string,
  input: SatisfactionInput,
): Promise<void> {
  authorize(actor, LEARNING.learn);
  if (!actor.userId) throw new NotFoundError('Formation');
  const c = await getCourse(tx, actor, courseId);
  const score = Number(String(input.score ?? '').trim());
  if (!Number.isInteger(score) || score < 1 || score > 5) throw new UserError('Choisissez une note de 1 à 5.', 'score');
  const comment = String(input.comment ?? '').trim();
  if (comment.length > 2000) throw new UserError('Commentaire : 2000 caractères au plus.', 'comment');
  const db = learningDb(tx);
  const e = await db
    .selectFrom('learning_enrolment')
    .select('completed_at')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', c.id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!e?.completed_at) throw new UserError('Vous donnerez votre avis une fois la formation terminée.', 'score');
  await db
    .insertInto('learning_satisfaction')
    .values({
      cooperative_id: actor.cooperativeId,
      course_cooperative_id: c.cooperativeId,
      course_id: c.id,
      user_id: actor.userId,
      score,
      comment,
    })
    .onConflict((oc) =>
      oc.columns(['cooperative_id', 'course_id', 'user_id']).doUpdateSet({ score, comment, answered_at: new Date() }),
    )
    .execute();
}

/** The learner's own answer, if any. */
export async function mySatisfaction(tx: Tx, actor: Actor, courseId: string): Promise<{ score: number } | null> {
  authorize(actor, LEARNING.read);
  if (!actor.userId) return null;
  const r = await learningDb(tx)
    .selectFrom('learning_satisfaction')
    .select('score')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', courseId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return r ? { score: r.score } : null;
}

// ——— the report ———

export type { Cell, CourseHours, FundingHours, Satisfaction, TrainingReport } from './report-types.ts';
import type { Cell, CourseHours, TrainingReport } from './report-types.ts';

export const WORKSHOPS_FUNDING = 'Ateliers et classes virtuelles (financement non affecté)';
export const UNSAID_FUNDING = 'Non renseigné';

/** Primary suppression (1 to 4) and secondary (a lone hidden count hides the next smallest). */
export function suppress(counts: number[]): Cell[] {
  const cells: Cell[] = counts.map((n) => (n > 0 && n < MIN_CELL ? null : n));
  if (cells.filter((c) => c === null).length === 1) {
    let k = -1;
    cells.forEach((c, i) => {
      if (c !== null && c > 0 && (k < 0 || c < (cells[k] as number))) k = i;
    });
    if (k >= 0) cells[k] = null;
  }
  return cells;
}

export const AGE_BANDS = ['moins de 26 ans', '26 à 44 ans', '45 à 54 ans', '55 ans et plus', 'Non renseigné'] as const;
export function ageBand(birthYear: number | null, year: number): (typeof AGE_BANDS)[number] {
  if (!birthYear) return 'Non renseigné';
  const age = year - birthYear;
  return age < 26 ? 'moins de 26 ans' : age < 45 ? '26 à 44 ans' : age < 55 ? '45 à 54 ans' : '55 ans et plus';
}
const SEXES: [string, string][] = [
  ['F', 'Femmes'],
  ['M', 'Hommes'],
  ['X', 'Autre'],
  ['', 'Non renseigné'],
];

export async function trainingReport(tx: Tx, actor: Actor, year: number): Promise<TrainingReport> {
  authorize(actor, LEARNING.hours);
  const people = await trainingHoursReport(tx, actor, year);
  const db = learningDb(tx);
  // Course hours of the cooperative's learners completed that year, by course.
  const done = await db
    .selectFrom('learning_enrolment as e')
    .leftJoin('learning_course as c', (j) =>
      j.onRef('c.cooperative_id', '=', 'e.course_cooperative_id').onRef('c.id', '=', 'e.course_id'),
    )
    .select(['e.course_id', 'e.completed_minutes', 'c.title', 'c.funding_source'])
    .where('e.cooperative_id', '=', actor.cooperativeId)
    .where('e.completed_at', '>=', yearStart(year))
    .where('e.completed_at', '<', yearStart(year + 1))
    .execute();
  const courses = new Map<string, CourseHours & { minutes: number }>();
  for (const d of done) {
    const cur = courses.get(d.course_id) ?? {
      courseId: d.course_id,
      title: d.title ?? 'Formation retirée',
      fundingSource: d.funding_source || UNSAID_FUNDING,
      learners: 0,
      hours: 0,
      minutes: 0,
    };
    cur.learners++;
    cur.minutes += Number(d.completed_minutes ?? 0);
    courses.set(d.course_id, cur);
  }
  const collator = new Intl.Collator('fr');
  const perCourse = [...courses.values()]
    .map(({ minutes, ...c }) => ({ ...c, hours: round2(minutes / 60) }))
    .sort((a, b) => collator.compare(a.title, b.title));
  const funding = new Map<string, number>();
  for (const c of perCourse) funding.set(c.fundingSource, round2((funding.get(c.fundingSource) ?? 0) + c.hours));
  const workshops = round2(people.reduce((s, p) => s + p.workshopHours, 0));
  if (workshops) funding.set(WORKSHOPS_FUNDING, workshops);
  const perFunding = [...funding.entries()]
    .map(([fundingSource, hours]) => ({ fundingSource, hours }))
    .sort((a, b) => collator.compare(a.fundingSource, b.fundingSource));

  // Learners (people with hours that year) by sex and age band.
  const profilesShown = can(actor, DIRECTORY.memberList);
  const profiles = profilesShown
    ? new Map((await statisticalProfiles(tx, actor)).map((p) => [p.userId, p]))
    : new Map();
  const sexCounts = SEXES.map(([k]) => people.filter((p) => (profiles.get(p.userId)?.gender ?? '') === k).length);
  const ageCounts = AGE_BANDS.map(
    (band) => people.filter((p) => ageBand(profiles.get(p.userId)?.birthYear ?? null, year) === band).length,
  );
  const sexCells = suppress(sexCounts);
  const ageCells = suppress(ageCounts);

  // Satisfaction with the cooperative's own courses, whoever answered (any cooperative).
  const answers = await db
    .selectFrom('learning_satisfaction as s')
    .innerJoin('learning_course as c', (j) =>
      j.onRef('c.cooperative_id', '=', 's.course_cooperative_id').onRef('c.id', '=', 's.course_id'),
    )
    .select(['s.course_id', 'c.title', 's.score', 's.comment'])
    .where('s.course_cooperative_id', '=', actor.cooperativeId)
    .where('s.answered_at', '>=', yearStart(year))
    .where('s.answered_at', '<', yearStart(year + 1))
    .orderBy('s.answered_at')
    .execute();
  const sat = new Map<string, { title: string; scores: number[]; comments: string[] }>();
  for (const a of answers) {
    const cur = sat.get(a.course_id) ?? { title: a.title, scores: [], comments: [] };
    cur.scores.push(a.score);
    if (a.comment) cur.comments.push(a.comment);
    sat.set(a.course_id, cur);
  }
  const satisfaction = [...sat.entries()]
    .map(([courseId, s]) => ({
      courseId,
      title: s.title,
      answers: s.scores.length,
      average:
        s.scores.length >= MIN_CELL
          ? Math.round((s.scores.reduce((x, y) => x + y, 0) / s.scores.length) * 10) / 10
          : null,
      comments: s.scores.length >= MIN_CELL ? s.comments : [],
    }))
    .sort((a, b) => collator.compare(a.title, b.title));

  return {
    year,
    perCourse,
    perFunding,
    bySex: SEXES.map(([, label], i) => ({ label, count: sexCells[i] ?? null })),
    byAge: AGE_BANDS.map((label, i) => ({ label, count: ageCells[i] ?? null })),
    learners: people.length,
    satisfaction,
    profilesShown,
  };
}
