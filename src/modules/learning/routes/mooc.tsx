// Public MOOC pages (no cooperative account needed): presentation and sign-up, e-mail confirmation,
// then the programme and lessons for the enrolled learner. A person signed in without any
// membership reaches only these pages (every cooperative page asks for an actor). GETs never write:
// a lesson is counted read by its form's POST.
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { clientIp } from '../../../web/context.ts';
import { cookieOpts, SESSION_COOKIE, setFlash } from '../../../web/middleware.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { fileResponse } from '../../../web/files.ts';
import { withSystem, withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors, NotFoundError } from '../../../core/errors.ts';
import { createSession, SESSION_DAYS } from '../../../core/auth/sessions.ts';
import { getLesson, outline } from '../courses.service.ts';
import {
  confirmMoocSignUp,
  findPublicCourse,
  moocFillToken,
  moocAttempt,
  moocCertificatePdf,
  moocLearner,
  moocProgress,
  moocQuiz,
  moocStartAttempt,
  moocSubmitAttempt,
  moocViewLesson,
  pendingSignUp,
  signUpForMooc,
  signUpTokenCooperative,
} from '../mooc.service.ts';
import { MoocConfirmPage, MoocLessonPage, MoocPage, MoocSentPage } from '../views/mooc.tsx';
import { AttemptResultPage, QuizPage, QuizStartPage } from '../views/pages.tsx';

export const moocRoutes = new Hono<AppEnv>();

const dbOf = (c: Ctx) => c.get('app').odb.db;
const key = (c: Ctx) => c.get('app').config.fileKey;

async function courseOr404(c: Ctx) {
  const course = await findPublicCourse(dbOf(c), idParam(c, 'id', 'Formation'));
  if (!course) throw new NotFoundError('Formation');
  return course;
}

async function coursePage(
  c: Ctx,
  values: Record<string, string | undefined> = {},
  errors: Record<string, string> | null = null,
) {
  const course = await courseOr404(c);
  const user = c.get('user');
  const data = await withTenant(
    dbOf(c),
    course.cooperativeId,
    async (tx) => {
      const learner = user ? await moocLearner(tx, course, user.id, user.displayName) : null;
      return {
        o: await outline(tx, course),
        progress: learner ? await moocProgress(tx, learner, course) : null,
      };
    },
    { readOnly: true },
  );
  return c.html(
    <MoocPage
      c={c}
      course={course}
      outline={data.o}
      progress={data.progress}
      fillToken={moocFillToken(key(c))}
      values={values}
      errors={errors}
    />,
    errors ? 400 : 200,
  );
}

moocRoutes.get('/mooc/:id', (c) => coursePage(c));

moocRoutes.post('/mooc/:id/inscription', async (c) => {
  const course = await courseOr404(c);
  const f = await formValues(c);
  try {
    await withTenant(dbOf(c), course.cooperativeId, (tx) =>
      signUpForMooc(tx, key(c), {
        course,
        fields: f,
        ip: clientIp(c),
        publicUrl: c.get('app').config.publicUrl.replace(/\/$/, ''),
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return coursePage(c, f, errors);
  }
  // The same answer for robots and people, and whether the address has an account or not.
  return c.html(<MoocSentPage c={c} course={course} />);
});

async function confirmPage(c: Ctx, token: string, errors: Record<string, string> | null = null) {
  const coop = signUpTokenCooperative(token);
  if (!coop) return c.notFound();
  // Accounts are global (like sign-in): the sign-up is read in its cooperative by explicit key.
  const s = await withSystem(dbOf(c), (tx) => pendingSignUp(tx, token), { readOnly: true });
  const course = await findPublicCourse(dbOf(c), s.courseId);
  if (!course) return c.notFound();
  return c.html(<MoocConfirmPage c={c} token={token} signUp={s} course={course} errors={errors} />, errors ? 400 : 200);
}

moocRoutes.get('/mooc/confirmer/:token', (c) => confirmPage(c, c.req.param('token')));

moocRoutes.post('/mooc/confirmer/:token', async (c) => {
  const token = c.req.param('token');
  const coop = signUpTokenCooperative(token);
  if (!coop) return c.notFound();
  const f = await formValues(c);
  let r: Awaited<ReturnType<typeof confirmMoocSignUp>>;
  try {
    // One transaction for the account (global, like sign-in) and the enrolment (keyed explicitly).
    r = await withSystem(dbOf(c), (tx) => confirmMoocSignUp(tx, token, f.password ?? ''));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return confirmPage(c, token, errors);
  }
  if (!r.newAccount) {
    setFlash(c, { kind: 'success', text: 'Inscription confirmée : connectez-vous pour suivre la formation.' });
    return c.redirect(`/connexion?retour=${encodeURIComponent(`/mooc/${r.courseId}`)}`, 303);
  }
  const s = await createSession(dbOf(c), r.userId, {
    ip: clientIp(c),
    userAgent: c.req.header('user-agent') ?? null,
    secondFactorOk: true,
    cooperativeId: null,
  });
  setCookie(c, SESSION_COOKIE, s.token, cookieOpts(c, SESSION_DAYS * 86400));
  setFlash(c, { kind: 'success', text: 'Bienvenue ! Votre inscription est confirmée.' });
  return c.redirect(`/mooc/${r.courseId}`, 303);
});

/** The enrolled learner (signed in) and the course; 404 for anyone else. */
async function learnerIn(c: Ctx) {
  const course = await courseOr404(c);
  const user = c.get('user');
  if (!user) {
    const back = new URL(c.req.url).pathname;
    return { redirect: c.redirect(`/connexion?retour=${encodeURIComponent(back)}`) } as const;
  }
  return { course, user } as const;
}

moocRoutes.get('/mooc/:id/lecons/:lessonId', async (c) => {
  const w = await learnerIn(c);
  if ('redirect' in w) return w.redirect;
  const { course, user } = w;
  const lessonId = idParam(c, 'lessonId', 'Leçon');
  const r = await withTenant(
    dbOf(c),
    course.cooperativeId,
    async (tx) => {
      const learner = await moocLearner(tx, course, user.id, user.displayName);
      if (!learner) return null;
      const lesson = await getLesson(tx, course, lessonId);
      const p = await moocProgress(tx, learner, course);
      return { lesson, o: await outline(tx, course), read: p.viewed.has(lesson.id) };
    },
    { readOnly: true },
  );
  if (!r) return c.notFound();
  return c.html(<MoocLessonPage c={c} course={course} lesson={r.lesson} outline={r.o} read={r.read} />);
});

moocRoutes.post('/mooc/:id/lecons/:lessonId/lue', async (c) => {
  const w = await learnerIn(c);
  if ('redirect' in w) return w.redirect;
  const { course, user } = w;
  const lessonId = idParam(c, 'lessonId', 'Leçon');
  const next = await withTenant(dbOf(c), course.cooperativeId, async (tx) => {
    const learner = await moocLearner(tx, course, user.id, user.displayName);
    if (!learner) return undefined;
    return moocViewLesson(tx, learner, course, lessonId);
  });
  if (next === undefined) return c.notFound();
  return c.redirect(next ? `/mooc/${course.id}/lecons/${next}` : `/mooc/${course.id}`, 303);
});

// Quizzes and the certificate: the same engine and attempts limits as for members; every service
// checks that the signed-in person is enrolled in this MOOC (404 otherwise).
moocRoutes.get('/mooc/:id/quiz/:quizId', async (c) => {
  const w = await learnerIn(c);
  if ('redirect' in w) return w.redirect;
  const quizId = idParam(c, 'quizId', 'Quiz');
  const r = await withTenant(dbOf(c), w.course.cooperativeId, (tx) => moocQuiz(tx, w.course, w.user, quizId), {
    readOnly: true,
  });
  if (r.open) return c.redirect(`/mooc/${w.course.id}/tentatives/${r.open}`, 303);
  return c.html(<QuizStartPage c={c} course={w.course} quiz={r.quiz} progress={r.progress} left={r.left} mooc />);
});

moocRoutes.post('/mooc/:id/quiz/:quizId/commencer', async (c) => {
  const w = await learnerIn(c);
  if ('redirect' in w) return w.redirect;
  const quizId = idParam(c, 'quizId', 'Quiz');
  const id = await withTenant(dbOf(c), w.course.cooperativeId, (tx) => moocStartAttempt(tx, w.course, w.user, quizId));
  return c.redirect(`/mooc/${w.course.id}/tentatives/${id}`, 303);
});

moocRoutes.get('/mooc/:id/tentatives/:attemptId', async (c) => {
  const w = await learnerIn(c);
  if ('redirect' in w) return w.redirect;
  const attemptId = idParam(c, 'attemptId', 'Tentative');
  const r = await withTenant(dbOf(c), w.course.cooperativeId, (tx) => moocAttempt(tx, w.course, w.user, attemptId), {
    readOnly: true,
  });
  if (r.attempt.score)
    return c.html(
      <AttemptResultPage
        c={c}
        course={w.course}
        attempt={r.attempt}
        score={r.attempt.score}
        completed={r.completed}
        mooc
      />,
    );
  return c.html(<QuizPage c={c} course={w.course} attempt={r.attempt} mooc />);
});

moocRoutes.post('/mooc/:id/tentatives/:attemptId', async (c) => {
  const w = await learnerIn(c);
  if ('redirect' in w) return w.redirect;
  const attemptId = idParam(c, 'attemptId', 'Tentative');
  await withTenant(dbOf(c), w.course.cooperativeId, async (tx) => {
    const { attempt } = await moocAttempt(tx, w.course, w.user, attemptId);
    const answers: Record<string, string[]> = {};
    for (const q of attempt.questions) answers[q.id] = await formAll(c, `q_${q.id}`);
    await moocSubmitAttempt(tx, w.course, w.user, attemptId, answers);
  });
  return c.redirect(`/mooc/${w.course.id}/tentatives/${attemptId}`, 303);
});

moocRoutes.get('/mooc/:id/attestation.pdf', async (c) => {
  const w = await learnerIn(c);
  if ('redirect' in w) return w.redirect;
  const verify = `${new URL(c.req.url).origin}/certificats/verifier`;
  const { pdf, name } = await withTenant(
    dbOf(c),
    w.course.cooperativeId,
    (tx) => moocCertificatePdf(tx, w.course, w.user, verify),
    { readOnly: true },
  );
  return fileResponse({ name, mimeType: 'application/pdf', content: pdf });
});
