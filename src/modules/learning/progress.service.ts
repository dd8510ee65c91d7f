// What a learner does: enrol (MOOC self-registration included: a public course is open to members
// of any cooperative, who do not join its owner), view lessons, resume where they stopped, take
// quizzes within the attempts allowed, complete the course. Completion rule: every lesson viewed
// and every quiz passed (its best attempt at or above the pass mark); completing issues the
// certificate and counts the course's duration as training hours.
import { randomBytes, randomInt } from 'node:crypto';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import { getCourse, outline, type Course } from './courses.service.ts';
import { drawQuestions, scoreAttempt, type AttemptScore, type EngineQuestion } from './quiz-engine.ts';
import type { Choice } from './schema.ts';
import { sessionAttended } from './sessions.service.ts';

function learner(actor: Actor): string {
  authorize(actor, LEARNING.learn);
  if (!actor.userId) throw new ForbiddenError();
  return actor.userId;
}

async function enrolment(tx: Tx, actor: Actor, courseId: string) {
  return learningDb(tx)
    .selectFrom('learning_enrolment')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', courseId)
    .where('user_id', '=', actor.userId ?? '00000000-0000-7000-8000-000000000000')
    .executeTakeFirst();
}

/** A published course the actor may see, for following it. */
async function followable(tx: Tx, actor: Actor, courseId: string): Promise<Course> {
  const c = await getCourse(tx, actor, courseId);
  if (!c.publishedAt) throw new UserError('Cette formation n’est pas encore publiée.');
  return c;
}

export async function enrol(tx: Tx, actor: Actor, courseId: string): Promise<void> {
  const userId = learner(actor);
  const c = await followable(tx, actor, courseId);
  await learningDb(tx)
    .insertInto('learning_enrolment')
    .values({
      cooperative_id: actor.cooperativeId,
      course_cooperative_id: c.cooperativeId,
      course_id: c.id,
      user_id: userId,
      last_lesson_id: null,
      completed_at: null,
      completed_minutes: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'course_id', 'user_id']).doNothing())
    .execute();
}

async function enrolled(tx: Tx, actor: Actor, courseId: string) {
  const e = await enrolment(tx, actor, courseId);
  if (!e) throw new UserError('Inscrivez-vous d’abord à cette formation.');
  return e;
}

export interface Progress {
  enrolled: boolean;
  viewed: Set<string>;
  lessonsViewed: number;
  lessonsTotal: number;
  quizzesPassed: number;
  quizzesTotal: number;
  /** Share of steps done (lessons viewed and quizzes passed), whole percent. */
  percent: number;
  bestPercent: Map<string, number>;
  passed: Set<string>;
  completedAt: Date | null;
  /** The rule "session attended": asked by the course, and met. */
  sessionRequired: boolean;
  sessionAttended: boolean;
  /** Where to go on: the first lesson not viewed yet (in reading order), else the last one read. */
  resumeLessonId: string | null;
}

export async function progressOf(tx: Tx, actor: Actor, course: Course): Promise<Progress> {
  authorize(actor, LEARNING.read);
  return computeProgress(tx, actor, course);
}

/** Progress of `actor.userId` in the rows of `actor.cooperativeId`, for callers that checked who
 *  may ask (progressOf; the MOOC pages for a learner without a cooperative, mooc.service.ts). */
export async function computeProgress(tx: Tx, actor: Actor, course: Course): Promise<Progress> {
  const o = await outline(tx, course);
  const e = actor.userId ? await enrolment(tx, actor, course.id) : undefined;
  const db = learningDb(tx);
  const views = e
    ? await db
        .selectFrom('learning_lesson_view')
        .select('lesson_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('course_id', '=', course.id)
        .where('user_id', '=', actor.userId!)
        .execute()
    : [];
  const attempts = e
    ? await db
        .selectFrom('learning_attempt')
        .select(['quiz_id', 'score', 'max_score', 'passed'])
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('course_id', '=', course.id)
        .where('user_id', '=', actor.userId!)
        .where('submitted_at', 'is not', null)
        .execute()
    : [];
  const lessonIds = new Set(o.lessons.map((l) => l.id));
  const viewed = new Set(views.map((v) => v.lesson_id).filter((id) => lessonIds.has(id)));
  const bestPercent = new Map<string, number>();
  const passed = new Set<string>();
  for (const a of attempts) {
    const p = a.max_score ? Math.floor((Number(a.score) * 100) / Number(a.max_score)) : 0;
    bestPercent.set(a.quiz_id, Math.max(p, bestPercent.get(a.quiz_id) ?? 0));
    if (a.passed) passed.add(a.quiz_id);
  }
  const quizzesPassed = o.quizzes.filter((q) => passed.has(q.id)).length;
  const attended = e && course.requireSession ? await sessionAttended(tx, actor, course) : false;
  const sessionStep = course.requireSession ? 1 : 0;
  const steps = o.lessons.length + o.quizzes.length + sessionStep;
  const resume = o.lessons.find((l) => !viewed.has(l.id))?.id ?? e?.last_lesson_id ?? o.lessons[0]?.id ?? null;
  return {
    enrolled: !!e,
    viewed,
    lessonsViewed: viewed.size,
    lessonsTotal: o.lessons.length,
    quizzesPassed,
    quizzesTotal: o.quizzes.length,
    percent: steps ? Math.floor(((viewed.size + quizzesPassed + (attended ? 1 : 0)) * 100) / steps) : 0,
    bestPercent,
    passed,
    completedAt: e?.completed_at ?? null,
    sessionRequired: course.requireSession,
    sessionAttended: attended,
    resumeLessonId: resume,
  };
}

/** Marks a lesson viewed (and where the learner stopped); may complete the course. The action of
 *  the lesson page's « J’ai lu cette leçon » form (a GET never writes). Gives the next lesson in
 *  reading order (null after the last one). */
export async function viewLesson(tx: Tx, actor: Actor, courseId: string, lessonId: string): Promise<string | null> {
  const userId = learner(actor);
  const c = await followable(tx, actor, courseId);
  await enrolled(tx, actor, c.id);
  return recordLessonView(tx, actor, userId, c, lessonId);
}

/** The view itself, once the caller checked the learner is enrolled in the published course (the
 *  members' lesson form and the MOOC one both end here); gives the next lesson or null. */
export async function recordLessonView(
  tx: Tx,
  actor: Actor,
  userId: string,
  c: Course,
  lessonId: string,
): Promise<string | null> {
  const o = await outline(tx, c);
  const at = o.lessons.findIndex((l) => l.id === lessonId);
  if (at < 0) throw new NotFoundError('Leçon');
  const db = learningDb(tx);
  await db
    .insertInto('learning_lesson_view')
    .values({
      cooperative_id: actor.cooperativeId,
      course_cooperative_id: c.cooperativeId,
      course_id: c.id,
      lesson_id: lessonId,
      user_id: userId,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'lesson_id', 'user_id']).doNothing())
    .execute();
  await db
    .updateTable('learning_enrolment')
    .set({ last_lesson_id: lessonId })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', c.id)
    .where('user_id', '=', userId)
    .execute();
  await checkCompletion(tx, actor, c);
  return o.lessons[at + 1]?.id ?? null;
}

/** Completes the course when every lesson is viewed, every quiz passed and, when the course asks for
 *  it, one of its linked sessions attended; issues the certificate. Attendance is marked later by a
 *  trainer, so the course page checks again when the learner comes back. */
export async function checkCompletion(tx: Tx, actor: Actor, c: Course): Promise<boolean> {
  const p = await computeProgress(tx, actor, c);
  if (p.completedAt) return true;
  if (!p.enrolled || !p.lessonsTotal || p.lessonsViewed < p.lessonsTotal || p.quizzesPassed < p.quizzesTotal)
    return false;
  if (p.sessionRequired && !p.sessionAttended) return false;
  const db = learningDb(tx);
  await db
    .updateTable('learning_enrolment')
    .set({ completed_at: new Date(), completed_minutes: c.durationMinutes })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', c.id)
    .where('user_id', '=', actor.userId!)
    .execute();
  const user = await db
    .selectFrom('user_account')
    .select('display_name')
    .where('id', '=', actor.userId!)
    .executeTakeFirstOrThrow();
  const id = uuidv7();
  await db
    .insertInto('learning_certificate')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      code: newCode(),
      course_cooperative_id: c.cooperativeId,
      course_id: c.id,
      user_id: actor.userId!,
      learner_name: user.display_name,
      course_title: c.title,
      duration_minutes: c.durationMinutes,
      revoked_at: null,
      revoked_reason: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'course_id', 'user_id']).doNothing())
    .execute();
  await audit(tx, actor, { action: 'learning.course_completed', targetType: 'learning_certificate', targetId: id });
  return true;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A verification code such as `K7QM-2XRD-9HTP` (no 0/O, 1/I; 60 bits of chance). */
export function newCode(): string {
  const b = randomBytes(12);
  const chars = [...b].map((x) => CODE_ALPHABET[x % CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}
export const normaliseCode = (s: string) =>
  s
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .replace(/^(.{4})(.{4})(.{4})$/, '$1-$2-$3');

// ——— quizzes ———

async function quizOf(tx: Tx, c: Course, quizId: string) {
  if (!isUuid(quizId)) throw new NotFoundError('Quiz');
  const q = await learningDb(tx)
    .selectFrom('learning_quiz')
    .selectAll()
    .where('cooperative_id', '=', c.cooperativeId)
    .where('course_id', '=', c.id)
    .where('id', '=', quizId)
    .executeTakeFirst();
  if (!q) throw new NotFoundError('Quiz');
  return q;
}

export async function questionsOf(tx: Tx, c: Course, quizId: string): Promise<EngineQuestion[]> {
  const rows = await learningDb(tx)
    .selectFrom('learning_question')
    .selectAll()
    .where('cooperative_id', '=', c.cooperativeId)
    .where('quiz_id', '=', quizId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    prompt: r.prompt,
    choices: (typeof r.choices === 'string' ? JSON.parse(r.choices) : r.choices) as Choice[],
    accepted: r.accepted,
    numericValue: r.numeric_value,
    numericTolerance: r.numeric_tolerance,
    feedback: r.feedback,
    points: r.points,
  }));
}

export interface Attempt {
  id: string;
  quizId: string;
  seed: number;
  questions: EngineQuestion[];
  submittedAt: Date | null;
  answers: Record<string, string[]> | null;
  score: AttemptScore | null;
  number: number;
  maxAttempts: number | null;
  passPercent: number;
  title: string;
}

async function submittedCount(tx: Tx, actor: Actor, quizId: string): Promise<number> {
  const r = await learningDb(tx)
    .selectFrom('learning_attempt')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quiz_id', '=', quizId)
    .where('user_id', '=', actor.userId!)
    .where('submitted_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The open attempt of the learner at this quiz, or a new one (questions drawn with `seed`, random
 *  when not given) while attempts remain. The action of « Commencer le quiz » (a POST). */
export async function startAttempt(
  tx: Tx,
  actor: Actor,
  courseId: string,
  quizId: string,
  opts: { seed?: number } = {},
): Promise<string> {
  const userId = learner(actor);
  const c = await followable(tx, actor, courseId);
  await enrolled(tx, actor, c.id);
  return beginAttempt(tx, actor, userId, c, quizId, opts);
}

/** The learner's attempt not sent yet at this quiz, if any (reads only: the quiz page's GET). */
export async function openAttemptId(tx: Tx, actor: Actor, c: Course, quizId: string): Promise<string | null> {
  if (!actor.userId) return null;
  await quizOf(tx, c, quizId);
  const open = await learningDb(tx)
    .selectFrom('learning_attempt')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quiz_id', '=', quizId)
    .where('user_id', '=', actor.userId)
    .where('submitted_at', 'is', null)
    .executeTakeFirst();
  return open?.id ?? null;
}

/** Starting itself, once the caller checked the learner is enrolled in the published course (the
 *  members' pages and the MOOC ones both end here). */
export async function beginAttempt(
  tx: Tx,
  actor: Actor,
  userId: string,
  c: Course,
  quizId: string,
  opts: { seed?: number } = {},
): Promise<string> {
  const quiz = await quizOf(tx, c, quizId);
  const db = learningDb(tx);
  const open = await db
    .selectFrom('learning_attempt')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quiz_id', '=', quizId)
    .where('user_id', '=', userId)
    .where('submitted_at', 'is', null)
    .executeTakeFirst();
  if (open) return open.id;
  const done = await submittedCount(tx, actor, quizId);
  if (quiz.max_attempts !== null && done >= quiz.max_attempts)
    throw new UserError(`Vous avez utilisé vos ${quiz.max_attempts} tentative(s) pour ce quiz.`);
  const bank = await questionsOf(tx, c, quizId);
  if (!bank.length) throw new UserError('Ce quiz n’a pas encore de questions.');
  const seed = opts.seed ?? randomInt(1, 2 ** 31 - 1);
  const id = uuidv7();
  await db
    .insertInto('learning_attempt')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      course_cooperative_id: c.cooperativeId,
      course_id: c.id,
      quiz_id: quizId,
      user_id: userId,
      seed,
      question_ids: drawQuestions(
        bank.map((q) => q.id),
        quiz.draw_count,
        seed,
      ),
      answers: null,
      score: null,
      max_score: null,
      passed: null,
      submitted_at: null,
    })
    .execute();
  return id;
}

export async function getAttempt(tx: Tx, actor: Actor, courseId: string, attemptId: string): Promise<Attempt> {
  learner(actor);
  return loadAttempt(tx, actor, await getCourse(tx, actor, courseId), attemptId);
}

/** One of the learner's own attempts (`actor.userId` in `actor.cooperativeId`), for callers that
 *  checked who may ask. */
export async function loadAttempt(tx: Tx, actor: Actor, c: Course, attemptId: string): Promise<Attempt> {
  if (!actor.userId || !isUuid(attemptId)) throw new NotFoundError('Tentative');
  const a = await learningDb(tx)
    .selectFrom('learning_attempt')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', c.id)
    .where('user_id', '=', actor.userId!)
    .where('id', '=', attemptId)
    .executeTakeFirst();
  if (!a) throw new NotFoundError('Tentative');
  const quiz = await quizOf(tx, c, a.quiz_id);
  const bank = new Map((await questionsOf(tx, c, a.quiz_id)).map((q) => [q.id, q]));
  const questions = a.question_ids.map((id) => bank.get(id)).filter((q): q is EngineQuestion => !!q);
  const answers = (typeof a.answers === 'string' ? JSON.parse(a.answers) : a.answers) as Record<
    string,
    string[]
  > | null;
  const number = await learningDb(tx)
    .selectFrom('learning_attempt')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quiz_id', '=', a.quiz_id)
    .where('user_id', '=', actor.userId!)
    .where('id', '<=', a.id)
    .executeTakeFirstOrThrow();
  return {
    id: a.id,
    quizId: a.quiz_id,
    seed: Number(a.seed),
    questions,
    submittedAt: a.submitted_at,
    answers,
    score: a.submitted_at && answers ? scoreAttempt(questions, answers, quiz.pass_percent) : null,
    number: Number(number.n),
    maxAttempts: quiz.max_attempts,
    passPercent: quiz.pass_percent,
    title: quiz.title,
  };
}

/** Scores the attempt once (a second submission is refused) and may complete the course. */
export async function submitAttempt(
  tx: Tx,
  actor: Actor,
  courseId: string,
  attemptId: string,
  answers: Record<string, string[]>,
): Promise<AttemptScore> {
  learner(actor);
  return scoreAndSave(tx, actor, await getCourse(tx, actor, courseId), attemptId, answers);
}

/** Scores and stores the attempt once, then may complete the course (for callers that checked who
 *  may ask). */
export async function scoreAndSave(
  tx: Tx,
  actor: Actor,
  c: Course,
  attemptId: string,
  answers: Record<string, string[]>,
): Promise<AttemptScore> {
  const a = await loadAttempt(tx, actor, c, attemptId);
  if (a.submittedAt) throw new UserError('Cette tentative a déjà été envoyée.');
  const kept: Record<string, string[]> = {};
  for (const q of a.questions) kept[q.id] = (answers[q.id] ?? []).map((s) => String(s).slice(0, 500)).slice(0, 50);
  const s = scoreAttempt(a.questions, kept, a.passPercent);
  const r = await learningDb(tx)
    .updateTable('learning_attempt')
    .set({
      answers: JSON.stringify(kept) as unknown as Record<string, string[]>,
      score: s.score,
      max_score: s.max,
      passed: s.passed,
      submitted_at: new Date(),
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', attemptId)
    .where('submitted_at', 'is', null)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new UserError('Cette tentative a déjà été envoyée.');
  await checkCompletion(tx, actor, c);
  return s;
}

/** The attempts left at a quiz (null: unlimited). */
export async function attemptsLeft(tx: Tx, actor: Actor, course: Course, quizId: string): Promise<number | null> {
  learner(actor);
  return quizAttemptsLeft(tx, actor, course, quizId);
}

/** The same, for callers that checked who may ask. */
export async function quizAttemptsLeft(tx: Tx, actor: Actor, course: Course, quizId: string) {
  const q = await quizOf(tx, course, quizId);
  if (q.max_attempts === null) return null;
  return Math.max(0, q.max_attempts - (await submittedCount(tx, actor, quizId)));
}

/** The learner's completion checked again (e.g. after a trainer marked the attendance). */
export async function refreshCompletion(tx: Tx, actor: Actor, courseId: string): Promise<void> {
  learner(actor);
  const c = await getCourse(tx, actor, courseId);
  if (c.publishedAt && (await enrolment(tx, actor, c.id))) await checkCompletion(tx, actor, c);
}

export interface MyCourse {
  course: Course;
  completedAt: Date | null;
}
/** The learner's enrolments (courses still visible to them). */
export async function myEnrolments(tx: Tx, actor: Actor): Promise<{ courseId: string; completedAt: Date | null }[]> {
  if (!actor.userId) return [];
  const rows = await learningDb(tx)
    .selectFrom('learning_enrolment')
    .select(['course_id', 'completed_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .execute();
  return rows.map((r) => ({ courseId: r.course_id, completedAt: r.completed_at }));
}
