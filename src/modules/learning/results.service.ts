// Results for authors and trainers: per learner (progress, best score per quiz, completion) and per
// question (how often drawn, difficulty = mean share of the points earned, discrimination = the
// correlation between the question's score and the score on the rest of the attempt).
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError } from '../../core/errors.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import { getCourse, outline, type Course } from './courses.service.ts';
import { questionsOf } from './progress.service.ts';
import { scoreQuestion } from './quiz-engine.ts';

async function ownCourseForResults(tx: Tx, actor: Actor, courseId: string): Promise<Course> {
  authorize(actor, LEARNING.results);
  const c = await getCourse(tx, actor, courseId);
  if (!c.own) throw new NotFoundError('Formation');
  return c;
}

export interface LearnerResult {
  userId: string;
  name: string;
  email: string;
  enrolledAt: Date;
  lessonsViewed: number;
  lessonsTotal: number;
  best: Record<string, number | null>;
  attempts: number;
  completedAt: Date | null;
}

export async function learnerResults(
  tx: Tx,
  actor: Actor,
  courseId: string,
): Promise<{ course: Course; quizzes: { id: string; title: string }[]; rows: LearnerResult[] }> {
  const c = await ownCourseForResults(tx, actor, courseId);
  const o = await outline(tx, c);
  const db = learningDb(tx);
  const enrolments = await db
    .selectFrom('learning_enrolment as e')
    .innerJoin('user_account as u', 'u.id', 'e.user_id')
    .select(['e.user_id', 'u.display_name', 'u.email', 'e.enrolled_at', 'e.completed_at'])
    .where('e.course_cooperative_id', '=', c.cooperativeId)
    .where('e.course_id', '=', c.id)
    .execute();
  const views = await db
    .selectFrom('learning_lesson_view')
    .select(['user_id', 'lesson_id'])
    .where('course_cooperative_id', '=', c.cooperativeId)
    .where('course_id', '=', c.id)
    .execute();
  const attempts = await db
    .selectFrom('learning_attempt')
    .select(['user_id', 'quiz_id', 'score', 'max_score'])
    .where('course_cooperative_id', '=', c.cooperativeId)
    .where('course_id', '=', c.id)
    .where('submitted_at', 'is not', null)
    .execute();
  const lessonIds = new Set(o.lessons.map((l) => l.id));
  const rows = enrolments.map((e) => {
    const best: Record<string, number | null> = {};
    for (const q of o.quizzes) best[q.id] = null;
    const mine = attempts.filter((a) => a.user_id === e.user_id);
    for (const a of mine) {
      const p = a.max_score ? Math.floor((Number(a.score) * 100) / Number(a.max_score)) : 0;
      best[a.quiz_id] = Math.max(p, best[a.quiz_id] ?? 0);
    }
    return {
      userId: e.user_id,
      name: e.display_name,
      email: e.email,
      enrolledAt: e.enrolled_at,
      lessonsViewed: views.filter((v) => v.user_id === e.user_id && lessonIds.has(v.lesson_id)).length,
      lessonsTotal: o.lessons.length,
      best,
      attempts: mine.length,
      completedAt: e.completed_at,
    };
  });
  const collator = new Intl.Collator('fr');
  rows.sort((a, b) => collator.compare(a.name, b.name));
  return { course: c, quizzes: o.quizzes.map((q) => ({ id: q.id, title: q.title })), rows };
}

export interface QuestionStat {
  questionId: string;
  prompt: string;
  drawn: number;
  /** Mean share of the points earned, 0–1 (null when never answered). */
  difficulty: number | null;
  /** Pearson correlation of the question's share with the share earned on the rest of the attempt. */
  discrimination: number | null;
}

function pearson(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  if (!sxx || !syy) return null;
  return Math.round((sxy / Math.sqrt(sxx * syy)) * 100) / 100;
}

export async function questionStats(tx: Tx, actor: Actor, courseId: string, quizId: string): Promise<QuestionStat[]> {
  const c = await ownCourseForResults(tx, actor, courseId);
  const questions = await questionsOf(tx, c, quizId);
  const attempts = await learningDb(tx)
    .selectFrom('learning_attempt')
    .select(['question_ids', 'answers'])
    .where('course_cooperative_id', '=', c.cooperativeId)
    .where('quiz_id', '=', quizId)
    .where('submitted_at', 'is not', null)
    .execute();
  const byId = new Map(questions.map((q) => [q.id, q]));
  const scored = attempts.map((a) => {
    const answers = (typeof a.answers === 'string' ? JSON.parse(a.answers) : a.answers) as Record<string, string[]>;
    const per = new Map<string, { earned: number; max: number }>();
    for (const id of a.question_ids) {
      const q = byId.get(id);
      if (q) per.set(id, scoreQuestion(q, answers?.[id]));
    }
    return per;
  });
  return questions.map((q) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const per of scored) {
      const mine = per.get(q.id);
      if (!mine) continue;
      let e = 0;
      let m = 0;
      for (const [id, r] of per)
        if (id !== q.id) {
          e += r.earned;
          m += r.max;
        }
      xs.push(mine.earned / mine.max);
      ys.push(m ? e / m : 0);
    }
    return {
      questionId: q.id,
      prompt: q.prompt,
      drawn: xs.length,
      difficulty: xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null,
      discrimination: pearson(xs, ys),
    };
  });
}
