// Public MOOCs for people with no cooperative account. A visitor signs up on the course's public
// page (name and e-mail; a honeypot field, a signed display time and a per-address rate limit keep
// robots out, and a robot gets the same answer as a person with nothing written); the e-mail holds
// a link where the person chooses a password: the account (core identity, no membership) is
// created then and enrolled. Their rows (enrolment, lessons read, certificate) live in the course's
// cooperative; they hold no role there, so every cooperative page stays closed to them: the MOOC
// pages below check the enrolment themselves and show only the course and the learner's progress.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Db, Tx } from '../../core/db/handles.ts';
import { type Actor, systemActor } from '../../core/actor.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { parseInput } from '../../core/validation.ts';
import { enqueueMail } from '../../core/mail.ts';
import { hashToken, newToken, safeEqual } from '../../core/auth/tokens.ts';
import { createUser, findUserByEmail } from '../../core/auth/users.ts';
import { passwordProblem } from '../../core/auth/password.ts';
import { audit } from '../../core/audit.ts';
import { listCooperatives } from '../directory/index.ts';
import { learningDb } from './db.ts';
import { getCourse, outline, type Course } from './courses.service.ts';
import { overPublicLimit } from './public-limits.ts';
import {
  beginAttempt,
  computeProgress,
  loadAttempt,
  openAttemptId,
  quizAttemptsLeft,
  recordLessonView,
  scoreAndSave,
  type Attempt,
  type Progress,
} from './progress.service.ts';
import type { AttemptScore } from './quiz-engine.ts';
import { learnerCertificate, renderCertificate } from './certificates.service.ts';

/** A form sent faster than this after display is a robot's. */
export const MIN_FILL_MS = 3000;
export const MAX_FILL_MS = 24 * 3600 * 1000;
/** Sign-ups per client address per hour, and per e-mail per day (per course's cooperative). */
export const MAX_SIGNUPS_PER_IP_PER_HOUR = 5;
export const MAX_SIGNUPS_PER_EMAIL_PER_DAY = 3;
/** The confirmation link's life. */
export const SIGNUP_HOURS = 48;

const mac = (key: Buffer, what: string) => createHmac('sha256', key).update(what).digest('base64url').slice(0, 22);

/** A signed display time put in the form: `<ms>.<mac>`. */
export function moocFillToken(key: Buffer, at: number = Date.now()): string {
  return `${at}.${mac(key, `mooc-fill:${at}`)}`;
}
function fillTokenOk(key: Buffer, token: string | undefined, now: number): boolean {
  if (!token) return false;
  const at = Number(token.split('.')[0]);
  if (!Number.isSafeInteger(at) || !safeEqual(moocFillToken(key, at), token)) return false;
  return now - at >= MIN_FILL_MS && now - at <= MAX_FILL_MS;
}
/** A published public course (MOOC), found in whichever cooperative owns it; null otherwise. */
export async function findPublicCourse(db: Db, courseId: string): Promise<Course | null> {
  if (!isUuid(courseId)) return null;
  for (const k of await listCooperatives(db)) {
    const found = await withTenant(
      db,
      k.id,
      async (tx) => {
        const r = await learningDb(tx)
          .selectFrom('learning_course')
          .select('id')
          .where('cooperative_id', '=', k.id)
          .where('id', '=', courseId)
          .where('visibility', '=', 'public')
          .where('published_at', 'is not', null)
          .executeTakeFirst();
        // Read as its owner would (content only: the course, its outline and lessons).
        return r ? getCourse(tx, systemActor(k.id), courseId) : null;
      },
      { readOnly: true },
    );
    if (found) return found;
  }
  return null;
}

export const SignUpInput = z.object({
  displayName: z
    .string()
    .trim()
    .min(2, 'Indiquez votre nom (2 caractères au moins).')
    .max(120, 'Nom trop long (120 caractères au plus).'),
  email: z.string().trim().toLowerCase().email('Adresse e-mail invalide.').max(200, 'Adresse trop longue.'),
});

export type SignUpVerdict = 'sent' | 'spam';

/** Records a sign-up to a public course and sends the confirmation link. The caller runs it in a
 *  tenant transaction of the course's cooperative. Whether the address already has an account is
 *  not told (the same answer, the same e-mail with its link). */
export async function signUpForMooc(
  tx: Tx,
  key: Buffer,
  input: {
    course: Course;
    fields: Record<string, string | undefined>;
    ip: string | null;
    publicUrl: string;
    now?: number;
  },
): Promise<SignUpVerdict> {
  const now = input.now ?? Date.now();
  const f = input.fields;
  const c = input.course;
  if (c.visibility !== 'public' || !c.publishedAt) throw new NotFoundError('Formation');
  if ((f.website ?? '').trim() !== '' || !fillTokenOk(key, f.t, now)) return 'spam';
  const v = parseInput(SignUpInput, f);
  if (await overPublicLimit(tx, key, 'mooc_signup', input.ip, MAX_SIGNUPS_PER_IP_PER_HOUR, 3600_000, now))
    throw new UserError('Trop d’inscriptions envoyées depuis votre connexion : réessayez dans une heure.', '_');
  const db = learningDb(tx);
  const perEmail = await db
    .selectFrom('learning_mooc_signup')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', c.cooperativeId)
    .where('email', '=', v.email)
    .where('created_at', '>', new Date(now - 24 * 3600_000))
    .executeTakeFirstOrThrow();
  if (Number(perEmail.n) >= MAX_SIGNUPS_PER_EMAIL_PER_DAY)
    throw new UserError(
      'Plusieurs inscriptions ont déjà été demandées pour cette adresse : réessayez demain.',
      'email',
    );
  const id = uuidv7();
  const secret = newToken();
  await db
    .insertInto('learning_mooc_signup')
    .values({
      cooperative_id: c.cooperativeId,
      id,
      course_id: c.id,
      email: v.email,
      display_name: v.displayName,
      token_hash: hashToken(secret),
      created_at: new Date(now),
      confirmed_at: null,
      user_id: null,
    })
    .execute();
  const link = `${input.publicUrl}/mooc/confirmer/${c.cooperativeId}.${id}.${secret}`;
  await enqueueMail(tx, {
    to: v.email,
    cooperativeId: c.cooperativeId,
    subject: `Confirmez votre inscription à « ${c.title} »`,
    text: `Bonjour ${v.displayName},\n\nPour suivre la formation « ${c.title} », confirmez votre adresse et choisissez votre mot de passe :\n${link}\n\nCe lien est valable ${SIGNUP_HOURS} heures. Si vous n’avez rien demandé, ignorez ce message.`,
  });
  return 'sent';
}

export interface PendingSignUp {
  cooperativeId: string;
  id: string;
  courseId: string;
  email: string;
  displayName: string;
  /** The address already has an account: confirming enrols it, the person then signs in. */
  existingAccount: boolean;
}

/** Splits a confirmation token into the cooperative to open and the rest (garbage → null). */
export function signUpTokenCooperative(token: string): string | null {
  const coop = token.split('.')[0] ?? '';
  return isUuid(coop) ? coop : null;
}

/** The sign-up a link points at, while it is unused and fresh; NotFoundError otherwise. */
export async function pendingSignUp(tx: Tx, token: string, now = Date.now()): Promise<PendingSignUp> {
  const [coop, id, secret] = token.split('.');
  if (!isUuid(coop ?? '') || !isUuid(id ?? '') || !secret) throw new NotFoundError('Inscription');
  const r = await learningDb(tx)
    .selectFrom('learning_mooc_signup')
    .selectAll()
    .where('cooperative_id', '=', coop)
    .where('id', '=', id)
    .executeTakeFirst();
  if (
    !r ||
    r.confirmed_at ||
    !safeEqual(r.token_hash, hashToken(secret)) ||
    now - new Date(r.created_at).getTime() > SIGNUP_HOURS * 3600_000
  )
    throw new NotFoundError('Inscription');
  return {
    cooperativeId: r.cooperative_id,
    id: r.id,
    courseId: r.course_id,
    email: r.email,
    displayName: r.display_name,
    existingAccount: !!(await findUserByEmail(tx, r.email)),
  };
}

/** Confirms a sign-up: the link proved the address. A new account gets the password chosen here
 *  (the caller then opens its session); an existing account is enrolled and signs in as usual
 *  (a link never replaces the password or the second factor). Used once, also in parallel. */
export async function confirmMoocSignUp(
  tx: Tx,
  token: string,
  password: string,
  now = Date.now(),
): Promise<{ userId: string; courseId: string; newAccount: boolean }> {
  const s = await pendingSignUp(tx, token, now);
  if (!s.existingAccount) {
    const problem = passwordProblem(password, s.email);
    if (problem) throw new UserError(problem, 'password');
  }
  const db = learningDb(tx);
  const taken = await db
    .updateTable('learning_mooc_signup')
    .set({ confirmed_at: new Date(now) })
    .where('cooperative_id', '=', s.cooperativeId)
    .where('id', '=', s.id)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  if (!Number(taken.numUpdatedRows)) throw new NotFoundError('Inscription');
  const existing = await findUserByEmail(tx, s.email);
  const userId = existing
    ? existing.id
    : (await createUser(tx, { email: s.email, displayName: s.displayName, password })).id;
  await db
    .updateTable('learning_mooc_signup')
    .set({ user_id: userId })
    .where('cooperative_id', '=', s.cooperativeId)
    .where('id', '=', s.id)
    .execute();
  await db
    .insertInto('learning_enrolment')
    .values({
      cooperative_id: s.cooperativeId,
      course_cooperative_id: s.cooperativeId,
      course_id: s.courseId,
      user_id: userId,
      last_lesson_id: null,
      completed_at: null,
      completed_minutes: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'course_id', 'user_id']).doNothing())
    .execute();
  await audit(tx, moocActor(s.cooperativeId, userId, s.displayName), {
    action: 'learning.mooc_signed_up',
    targetType: 'learning_course',
    targetId: s.courseId,
  });
  return { userId, courseId: s.courseId, newAccount: !existing };
}

/** Who a MOOC learner is in the course's cooperative: no role at all (no cooperative page opens). */
function moocActor(cooperativeId: string, userId: string, label: string): Actor {
  return { userId, cooperativeId, roles: [], label } as unknown as Actor;
}

/** The learner's place in a public course: null when this person is not enrolled in it. */
export async function moocLearner(tx: Tx, course: Course, userId: string, label: string): Promise<Actor | null> {
  if (course.visibility !== 'public' || !course.publishedAt) return null;
  const e = await learningDb(tx)
    .selectFrom('learning_enrolment')
    .select('user_id')
    .where('cooperative_id', '=', course.cooperativeId)
    .where('course_id', '=', course.id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return e ? moocActor(course.cooperativeId, userId, label) : null;
}

export async function moocProgress(tx: Tx, learner: Actor, course: Course): Promise<Progress> {
  return computeProgress(tx, learner, course);
}

/** Marks a lesson read for an enrolled MOOC learner (the action of the lesson's form). */
export async function moocViewLesson(tx: Tx, learner: Actor, course: Course, lessonId: string): Promise<string | null> {
  if (!learner.userId) throw new NotFoundError('Leçon');
  // Records the view, then completes the course when every step is done; gives the next lesson.
  return recordLessonView(tx, learner, learner.userId, course, lessonId);
}

// ——— quizzes and the certificate of a MOOC learner (same engine and attempts limits as members) ———

/** Who asks on a MOOC page: the signed-in person. */
export interface MoocUser {
  id: string;
  displayName: string;
}

/** The enrolled learner of this public course; NotFoundError for anyone else (every MOOC service
 *  checks the enrolment itself, whatever the page did). */
async function enrolledLearner(tx: Tx, course: Course, user: MoocUser): Promise<Actor> {
  const learner = await moocLearner(tx, course, user.id, user.displayName);
  if (!learner) throw new NotFoundError('Formation');
  return learner;
}

/** A quiz's page (reads only): the quiz, the progress, the open attempt if any, the attempts left. */
export async function moocQuiz(tx: Tx, course: Course, user: MoocUser, quizId: string) {
  const learner = await enrolledLearner(tx, course, user);
  const quiz = (await outline(tx, course)).quizzes.find((q) => q.id === quizId);
  if (!quiz) throw new NotFoundError('Quiz');
  return {
    quiz,
    progress: await computeProgress(tx, learner, course),
    open: await openAttemptId(tx, learner, course, quizId),
    left: await quizAttemptsLeft(tx, learner, course, quizId),
  };
}

/** « Commencer le quiz »: the open attempt, or a new one while attempts remain. */
export async function moocStartAttempt(
  tx: Tx,
  course: Course,
  user: MoocUser,
  quizId: string,
  opts: { seed?: number } = {},
): Promise<string> {
  const learner = await enrolledLearner(tx, course, user);
  return beginAttempt(tx, learner, user.id, course, quizId, opts);
}

/** One of the learner's attempts, and whether the course is completed. */
export async function moocAttempt(
  tx: Tx,
  course: Course,
  user: MoocUser,
  attemptId: string,
): Promise<{ attempt: Attempt; completed: boolean }> {
  const learner = await enrolledLearner(tx, course, user);
  const attempt = await loadAttempt(tx, learner, course, attemptId);
  return { attempt, completed: !!(await computeProgress(tx, learner, course)).completedAt };
}

/** Sends the answers once; may complete the course and issue the certificate. */
export async function moocSubmitAttempt(
  tx: Tx,
  course: Course,
  user: MoocUser,
  attemptId: string,
  answers: Record<string, string[]>,
): Promise<AttemptScore> {
  const learner = await enrolledLearner(tx, course, user);
  return scoreAndSave(tx, learner, course, attemptId, answers);
}

/** The learner's certificate as a PDF, once the course is completed (NotFoundError before). */
export async function moocCertificatePdf(
  tx: Tx,
  course: Course,
  user: MoocUser,
  verifyUrl: string,
): Promise<{ pdf: Buffer; name: string }> {
  await enrolledLearner(tx, course, user);
  const cert = await learnerCertificate(tx, course.cooperativeId, course.id, user.id);
  if (!cert) throw new NotFoundError('Attestation');
  return renderCertificate(tx, cert, course.cooperativeId, verifyUrl);
}
