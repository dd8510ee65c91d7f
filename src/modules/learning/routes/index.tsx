// The learning pages. Ids in the address go through idParam (garbage → 404); services authorize
// and scope every read. Forms that fail come back with the French message next to the field.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf, clientIp } from '../../../web/context.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { formAll, formValues, idParam, textQuery } from '../../../web/forms.ts';
import { fileResponse } from '../../../web/files.ts';
import { FILE_UPLOAD_LIMIT, uploadBodyLimit } from '../../../web/request-guards.ts';
import { withSystem, withTenant } from '../../../core/db/tenant.ts';
import { overPublicLimit } from '../public-limits.ts';
import type { Tx } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
import { can, scopeOf } from '../../../core/authz.ts';
import { fieldErrors, NotFoundError, UserError } from '../../../core/errors.ts';
import { csvRecord } from '../../../core/csv.ts';
import { listCooperatives } from '../../directory/index.ts';
import { LEARNING } from '../permissions.ts';
import {
  addLesson,
  addQuestion,
  addQuiz,
  addSection,
  catalogue,
  courseForEditing,
  createCourse,
  getCourse,
  getLesson,
  move,
  outline,
  quizQuestions,
  setPublished,
  updateCourse,
  updateLesson,
} from '../courses.service.ts';
import {
  attemptsLeft,
  enrol,
  getAttempt,
  myEnrolments,
  progressOf,
  startAttempt,
  submitAttempt,
  viewLesson,
  normaliseCode,
  openAttemptId,
  refreshCompletion,
} from '../progress.service.ts';
import {
  certificatePdf,
  courseCertificatesElsewhere,
  findByCode,
  listCertificates,
  revokeCertificate,
} from '../certificates.service.ts';
import { learnerResults, questionStats } from '../results.service.ts';
import { hoursText, hoursWorkbook, trainingHoursReport } from '../hours.service.ts';
import { addLessonFile, downloadLessonFile, lessonFiles, removeLessonFile } from '../materials.service.ts';
import {
  courseSessions,
  linkableSessions,
  linkSession,
  setRequireSession,
  unlinkSession,
} from '../sessions.service.ts';
import { mySatisfaction, recordSatisfaction, trainingReport } from '../reports.service.ts';
import {
  cohortCandidates,
  cohortProgress,
  createCohort,
  listCohorts,
  parseQuarter,
  quarterLabel,
  quarterOf,
} from '../cohorts.service.ts';
import { todayParis } from '../../../core/dates.ts';
import {
  AttemptResultPage,
  CohortPage,
  CohortsPage,
  CataloguePage,
  CertificatesPage,
  CoursePage,
  EditCoursePage,
  EditLessonPage,
  HoursPage,
  LessonPage,
  NewCoursePage,
  QuizPage,
  QuizStartPage,
  ResultsPage,
  VerifyPage,
} from '../views/pages.tsx';

export const learningRoutes = new Hono<AppEnv>();
export const publicLearningRoutes = new Hono<AppEnv>();
learningRoutes.use('/formations', requireActor);
learningRoutes.use('/formations/*', requireActor);

function tenant<T>(c: Ctx, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(c.get('app').odb.db, actor.cooperativeId, (tx) => fn(tx, actor));
}

learningRoutes.get('/formations', async (c) => {
  const { courses, progress } = await tenant(c, async (tx, actor) => {
    const courses = await catalogue(tx, actor);
    const mine = new Map((await myEnrolments(tx, actor)).map((e) => [e.courseId, e]));
    const progress = new Map<string, { percent: number; completedAt: Date | null }>();
    for (const course of courses)
      if (mine.has(course.id)) {
        const p = await progressOf(tx, actor, course);
        progress.set(course.id, { percent: p.percent, completedAt: p.completedAt });
      }
    return { courses, progress };
  });
  return c.html(
    <CataloguePage
      c={c}
      courses={courses}
      progress={progress}
      mayAuthor={can(actorOf(c), LEARNING.author)}
      mayNetwork={can(actorOf(c), LEARNING.networkReports)}
    />,
  );
});

learningRoutes.get('/formations/nouvelle', (c) => {
  if (!can(actorOf(c), LEARNING.author)) return c.notFound();
  return c.html(
    <NewCoursePage
      c={c}
      values={{ durationMinutes: '60' }}
      errors={null}
      mayShare={can(actorOf(c), LEARNING.shareNetwork)}
    />,
  );
});

learningRoutes.post('/formations', async (c) => {
  const f = await formValues(c);
  try {
    const id = await tenant(c, (tx, actor) => createCourse(tx, actor, f));
    setFlash(c, { kind: 'success', text: 'Formation créée : ajoutez ses parties et ses leçons.' });
    return c.redirect(`/formations/${id}/modifier`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(
      <NewCoursePage c={c} values={f} errors={errors} mayShare={can(actorOf(c), LEARNING.shareNetwork)} />,
      400,
    );
  }
});

// ——— certificates ———

learningRoutes.get('/formations/certificats', async (c) => {
  const actor = actorOf(c);
  const data = await tenant(c, async (tx) => ({
    mine: await listCertificates(tx, actor, { mine: true }),
    team: scopeOf(actor, LEARNING.certificates) === 'all' ? await listCertificates(tx, actor) : null,
    elsewhere: can(actor, LEARNING.revoke) ? await courseCertificatesElsewhere(tx, actor) : null,
  }));
  return c.html(
    <CertificatesPage
      c={c}
      mine={data.mine}
      team={data.team}
      elsewhere={data.elsewhere}
      mayRevoke={can(actor, LEARNING.revoke)}
    />,
  );
});

learningRoutes.get('/formations/certificats/:id/pdf', async (c) => {
  const id = idParam(c, 'id', 'Attestation');
  const verify = `${new URL(c.req.url).origin}/certificats/verifier`;
  const { pdf, name } = await tenant(c, (tx, actor) => certificatePdf(tx, actor, id, verify));
  return fileResponse({ name, mimeType: 'application/pdf', content: pdf });
});

learningRoutes.post('/formations/certificats/:id/revoquer', async (c) => {
  const id = idParam(c, 'id', 'Attestation');
  const f = await formValues(c);
  await tenant(c, (tx, actor) => revokeCertificate(tx, actor, id, f.reason ?? ''));
  setFlash(c, { kind: 'success', text: 'Attestation révoquée : la page de vérification l’indique désormais.' });
  return c.redirect('/formations/certificats', 303);
});

// ——— training hours ———

function yearOf(c: Ctx): number {
  const y = textQuery(c, 'annee', 4);
  if (y === undefined) return new Date().getFullYear();
  if (!/^\d{4}$/.test(y)) throw new UserError('Année invalide (AAAA).');
  return Number(y);
}
learningRoutes.get('/formations/heures', async (c) => {
  const year = yearOf(c);
  const { rows, report } = await tenant(c, async (tx, actor) => ({
    rows: await trainingHoursReport(tx, actor, year),
    report: await trainingReport(tx, actor, year),
  }));
  return c.html(<HoursPage c={c} year={year} rows={rows} report={report} />);
});
learningRoutes.get('/formations/heures-formations.csv', async (c) => {
  const year = yearOf(c);
  const r = await tenant(c, (tx, actor) => trainingReport(tx, actor, year));
  const body = [
    'course,funding_source,learners,hours',
    ...r.perCourse.map((x) => csvRecord([x.title, x.fundingSource, String(x.learners), hoursText(x.hours)])),
    '',
    'funding_source,hours',
    ...r.perFunding.map((x) => csvRecord([x.fundingSource, hoursText(x.hours)])),
  ].join('\r\n');
  return new Response(`${body}\r\n`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="heures-par-formation-${year}.csv"`,
    },
  });
});
learningRoutes.get('/formations/heures.csv', async (c) => {
  const year = yearOf(c);
  const rows = await tenant(c, (tx, actor) => trainingHoursReport(tx, actor, year));
  const body = [
    'person,email,workshop_hours,course_hours,total_hours',
    ...rows.map((r) =>
      csvRecord([r.person, r.email, hoursText(r.workshopHours), hoursText(r.courseHours), hoursText(r.totalHours)]),
    ),
  ].join('\r\n');
  return new Response(`${body}\r\n`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="heures-formation-${year}.csv"`,
    },
  });
});

learningRoutes.get('/formations/heures.xlsx', async (c) => {
  const year = yearOf(c);
  const { rows, report } = await tenant(c, async (tx, actor) => ({
    rows: await trainingHoursReport(tx, actor, year),
    report: await trainingReport(tx, actor, year),
  }));
  return new Response(new Uint8Array(await hoursWorkbook(rows, year, report)), {
    headers: {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="heures-formation-${year}.xlsx"`,
    },
  });
});

// ——— cohorts ———

async function cohortsPage(
  c: Ctx,
  values: Record<string, string>,
  picked: string[] | null,
  errors: Record<string, string> | null,
) {
  const quarter = parseQuarter(values.trimestre) ?? quarterOf(todayParis());
  const d = await tenant(c, async (tx, actor) => ({
    cohorts: await listCohorts(tx, actor),
    courses: await catalogue(tx, actor),
    candidates: await cohortCandidates(tx, actor, quarter),
  }));
  // First display: « les nouveaux CAPE du trimestre » pre-selected; after an error, what was sent.
  const chosen = picked ?? d.candidates.filter((x) => x.newCape).map((x) => x.userId);
  return c.html(
    <CohortsPage
      c={c}
      {...d}
      quarter={quarter}
      values={{ name: `Nouveaux CAPE du ${quarterLabel(quarter)}`, ...values }}
      picked={new Set(chosen)}
      errors={errors}
    />,
    errors ? 400 : 200,
  );
}
learningRoutes.get('/formations/groupes', (c) => {
  const t = textQuery(c, 'trimestre', 7);
  if (t !== undefined && !parseQuarter(t)) throw new UserError('Trimestre invalide (AAAA-T1 à AAAA-T4).');
  return cohortsPage(c, t ? { trimestre: t } : {}, null, null);
});
learningRoutes.post('/formations/groupes', async (c) => {
  const f = await formValues(c);
  const userIds = await formAll(c, 'userIds');
  try {
    const id = await tenant(c, (tx, actor) =>
      createCohort(tx, actor, { courseId: f.courseId ?? '', name: f.name, dueOn: f.dueOn, userIds }),
    );
    setFlash(c, { kind: 'success', text: 'Groupe inscrit.' });
    return c.redirect(`/formations/groupes/${id}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return cohortsPage(c, f, userIds, errors);
  }
});
learningRoutes.get('/formations/groupes/:cohortId', async (c) => {
  const id = idParam(c, 'cohortId', 'Groupe');
  const d = await tenant(c, (tx, actor) => cohortProgress(tx, actor, id));
  return c.html(<CohortPage c={c} cohort={d.cohort} members={d.members} />);
});

// ——— a course ———

learningRoutes.get('/formations/:id', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const data = await tenant(c, async (tx, actor) => {
    const course = await getCourse(tx, actor, id);
    const o = await outline(tx, course);
    const progress = await progressOf(tx, actor, course);
    const left = new Map<string, number | null>();
    if (progress.enrolled) for (const q of o.quizzes) left.set(q.id, await attemptsLeft(tx, actor, course, q.id));
    return {
      course,
      o,
      progress,
      left,
      sessions: await courseSessions(tx, actor, course),
      satisfaction: await mySatisfaction(tx, actor, course.id),
    };
  });
  return c.html(
    <CoursePage
      c={c}
      course={data.course}
      outline={data.o}
      progress={data.progress}
      mayEdit={data.course.own && can(actorOf(c), LEARNING.author)}
      attemptsLeft={data.left}
      sessions={data.sessions}
      satisfaction={data.satisfaction}
    />,
  );
});

// A trainer may have marked the attendance that completes the course since the last visit: the
// page (a GET, which writes nothing) shows 100 % and this button completes it.
learningRoutes.post('/formations/:id/terminer', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  await tenant(c, (tx, actor) => refreshCompletion(tx, actor, id));
  return c.redirect(`/formations/${id}`, 303);
});

learningRoutes.post('/formations/:id/satisfaction', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => recordSatisfaction(tx, actor, id, f));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    setFlash(c, { kind: 'error', text: Object.values(errors)[0] ?? 'Avis non enregistré.' });
    return c.redirect(`/formations/${id}`, 303);
  }
  setFlash(c, { kind: 'success', text: 'Merci pour votre avis.' });
  return c.redirect(`/formations/${id}`, 303);
});

learningRoutes.post('/formations/:id/inscription', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const first = await tenant(c, async (tx, actor) => {
    await enrol(tx, actor, id);
    return (await progressOf(tx, actor, await getCourse(tx, actor, id))).resumeLessonId;
  });
  setFlash(c, { kind: 'success', text: 'Vous êtes inscrit·e. Bonne formation !' });
  return c.redirect(first ? `/formations/${id}/lecons/${first}` : `/formations/${id}`, 303);
});

// Reading a lesson writes nothing; its « J’ai lu cette leçon » form (POST …/lue) counts it.
learningRoutes.get('/formations/:id/lecons/:lessonId', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const lessonId = idParam(c, 'lessonId', 'Leçon');
  const r = await tenant(c, async (tx, actor) => {
    const course = await getCourse(tx, actor, id);
    const lesson = await getLesson(tx, course, lessonId);
    const o = await outline(tx, course);
    const p = await progressOf(tx, actor, course);
    const files = await lessonFiles(tx, course, lessonId);
    if (p.enrolled && course.publishedAt)
      return { course, lesson, o, files, preview: false, read: p.viewed.has(lessonId) };
    if (course.own && can(actor, LEARNING.author)) return { course, lesson, o, files, preview: true, read: false };
    return null;
  });
  if (!r) {
    setFlash(c, { kind: 'info', text: 'Inscrivez-vous d’abord à cette formation.' });
    return c.redirect(`/formations/${id}`, 303);
  }
  return c.html(
    <LessonPage
      c={c}
      course={r.course}
      lesson={r.lesson}
      outline={r.o}
      files={r.files}
      preview={r.preview}
      read={r.read}
    />,
  );
});

learningRoutes.post('/formations/:id/lecons/:lessonId/lue', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const lessonId = idParam(c, 'lessonId', 'Leçon');
  const next = await tenant(c, (tx, actor) => viewLesson(tx, actor, id, lessonId));
  return c.redirect(next ? `/formations/${id}/lecons/${next}` : `/formations/${id}`, 303);
});

// The quiz's page (a GET, which writes nothing): the open attempt if there is one, else what the
// quiz asks and the « Commencer le quiz » button, whose POST draws the questions, once.
learningRoutes.get('/formations/:id/quiz/:quizId', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const quizId = idParam(c, 'quizId', 'Quiz');
  const r = await tenant(c, async (tx, actor) => {
    const course = await getCourse(tx, actor, id);
    const quiz = (await outline(tx, course)).quizzes.find((q) => q.id === quizId);
    if (!quiz) throw new NotFoundError('Quiz');
    const progress = await progressOf(tx, actor, course);
    if (!progress.enrolled) return null;
    const open = await openAttemptId(tx, actor, course, quizId);
    return { course, quiz, progress, open, left: await attemptsLeft(tx, actor, course, quizId) };
  });
  if (!r) {
    setFlash(c, { kind: 'info', text: 'Inscrivez-vous d’abord à cette formation.' });
    return c.redirect(`/formations/${id}`, 303);
  }
  if (r.open) return c.redirect(`/formations/${id}/tentatives/${r.open}`, 303);
  return c.html(<QuizStartPage c={c} course={r.course} quiz={r.quiz} progress={r.progress} left={r.left} />);
});

learningRoutes.post('/formations/:id/quiz/:quizId/commencer', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const quizId = idParam(c, 'quizId', 'Quiz');
  // Continuing the open attempt, or starting one (the questions are drawn then, once).
  const attemptId = await tenant(c, (tx, actor) => startAttempt(tx, actor, id, quizId));
  return c.redirect(`/formations/${id}/tentatives/${attemptId}`, 303);
});

learningRoutes.get('/formations/:id/tentatives/:attemptId', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const attemptId = idParam(c, 'attemptId', 'Tentative');
  const r = await tenant(c, async (tx, actor) => {
    const course = await getCourse(tx, actor, id);
    const attempt = await getAttempt(tx, actor, id, attemptId);
    const completed = !!(await progressOf(tx, actor, course)).completedAt;
    return { course, attempt, completed };
  });
  if (r.attempt.score)
    return c.html(
      <AttemptResultPage c={c} course={r.course} attempt={r.attempt} score={r.attempt.score} completed={r.completed} />,
    );
  return c.html(<QuizPage c={c} course={r.course} attempt={r.attempt} />);
});

learningRoutes.post('/formations/:id/tentatives/:attemptId', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const attemptId = idParam(c, 'attemptId', 'Tentative');
  await tenant(c, async (tx, actor) => {
    const a = await getAttempt(tx, actor, id, attemptId);
    const answers: Record<string, string[]> = {};
    for (const q of a.questions) answers[q.id] = await formAll(c, `q_${q.id}`);
    await submitAttempt(tx, actor, id, attemptId, answers);
  });
  return c.redirect(`/formations/${id}/tentatives/${attemptId}`, 303);
});

// ——— authors ———

async function editPage(
  c: Ctx,
  id: string,
  form?: string,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const actor = actorOf(c);
  const d = await tenant(c, async (tx) => {
    const course = await courseForEditing(tx, actor, id);
    return {
      course,
      o: await outline(tx, course),
      qq: await quizQuestions(tx, actor, course),
      sessions: await courseSessions(tx, actor, course),
      linkable: await linkableSessions(tx, actor, course),
    };
  });
  return c.html(
    <EditCoursePage
      c={c}
      course={d.course}
      outline={d.o}
      quizQuestions={d.qq}
      sessions={d.sessions}
      linkable={d.linkable}
      mayShare={can(actor, LEARNING.shareNetwork)}
      form={form}
      values={values}
      errors={errors}
    />,
    errors ? 400 : 200,
  );
}

learningRoutes.get('/formations/:id/modifier', (c) => editPage(c, idParam(c, 'id', 'Formation')));

/** Runs an author's form: on a field error, the edit page again with the message by the field. */
async function authorForm(
  c: Ctx,
  form: string,
  fn: (tx: Tx, actor: Actor, f: Record<string, string>) => Promise<unknown>,
  flash: string,
) {
  const id = idParam(c, 'id', 'Formation');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => fn(tx, actor, f));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return editPage(c, id, form, f, errors);
  }
  setFlash(c, { kind: 'success', text: flash });
  return c.redirect(`/formations/${id}/modifier`, 303);
}

learningRoutes.post('/formations/:id/modifier', (c) =>
  authorForm(c, 'course', (tx, actor, f) => updateCourse(tx, actor, c.req.param('id'), f), 'Formation enregistrée.'),
);
learningRoutes.post('/formations/:id/parties', (c) =>
  authorForm(
    c,
    'section',
    (tx, actor, f) => addSection(tx, actor, c.req.param('id'), { title: f.sectionTitle }),
    'Partie ajoutée.',
  ),
);
learningRoutes.post('/formations/:id/lecons', (c) =>
  authorForm(c, 'lesson', (tx, actor, f) => addLesson(tx, actor, c.req.param('id'), f), 'Leçon ajoutée.'),
);
learningRoutes.post('/formations/:id/quiz', (c) =>
  authorForm(
    c,
    'quiz',
    (tx, actor, f) => addQuiz(tx, actor, c.req.param('id'), { ...f, title: f.quizTitle }),
    'Quiz ajouté.',
  ),
);
learningRoutes.post('/formations/:id/quiz/:quizId/questions', (c) => {
  const quizId = idParam(c, 'quizId', 'Quiz');
  return authorForm(
    c,
    `question-${quizId}`,
    (tx, actor, f) => addQuestion(tx, actor, c.req.param('id'), quizId, f),
    'Question ajoutée.',
  );
});
learningRoutes.post('/formations/:id/deplacer', (c) =>
  authorForm(
    c,
    'move',
    (tx, actor, f) => {
      const kind = f.kind === 'section' || f.kind === 'lesson' || f.kind === 'quiz' ? f.kind : null;
      const dir = f.direction === 'up' || f.direction === 'down' ? f.direction : null;
      if (!kind || !dir) throw new UserError('Déplacement inconnu.');
      return move(tx, actor, c.req.param('id'), kind, f.id ?? '', dir);
    },
    'Ordre modifié.',
  ),
);
learningRoutes.post('/formations/:id/publier', (c) =>
  authorForm(
    c,
    'publish',
    (tx, actor, f) => setPublished(tx, actor, c.req.param('id'), f.published === '1'),
    'Publication mise à jour.',
  ),
);

learningRoutes.post('/formations/:id/seances', (c) =>
  authorForm(
    c,
    'session',
    (tx, actor, f) => linkSession(tx, actor, c.req.param('id'), f.sessionId ?? ''),
    'Séance liée à la formation.',
  ),
);
learningRoutes.post('/formations/:id/seances/:sessionId/retirer', (c) => {
  const sessionId = idParam(c, 'sessionId', 'Séance');
  return authorForm(
    c,
    'session',
    (tx, actor) => unlinkSession(tx, actor, c.req.param('id'), sessionId),
    'Séance retirée de la formation.',
  );
});
learningRoutes.post('/formations/:id/regle-seance', (c) =>
  authorForm(
    c,
    'rule',
    (tx, actor, f) => setRequireSession(tx, actor, c.req.param('id'), f.required === '1'),
    'Règle d’achèvement enregistrée.',
  ),
);

learningRoutes.get('/formations/:id/lecons/:lessonId/modifier', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const lessonId = idParam(c, 'lessonId', 'Leçon');
  const d = await lessonForEditing(c, id, lessonId);
  return c.html(
    <EditLessonPage
      c={c}
      course={d.course}
      lesson={d.lesson}
      files={d.files}
      values={{ title: d.lesson.title, body: d.lesson.body, videoUrl: d.lesson.videoUrl ?? '' }}
      errors={null}
    />,
  );
});

function lessonForEditing(c: Ctx, id: string, lessonId: string) {
  return tenant(c, async (tx, actor) => {
    const course = await courseForEditing(tx, actor, id);
    return { course, lesson: await getLesson(tx, course, lessonId), files: await lessonFiles(tx, course, lessonId) };
  });
}

/** Multipart body: the first uploaded file of a field, or null. */
async function uploaded(c: Ctx, field: string): Promise<{ name: string; content: Buffer } | null> {
  const up = (await c.req.parseBody())[field];
  return up instanceof File && up.size > 0
    ? { name: up.name || 'fichier', content: Buffer.from(await up.arrayBuffer()) }
    : null;
}

learningRoutes.post('/formations/:id/lecons/:lessonId/fichiers', uploadBodyLimit(FILE_UPLOAD_LIMIT), async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const lessonId = idParam(c, 'lessonId', 'Leçon');
  const file = await uploaded(c, 'file');
  try {
    await tenant(c, (tx, actor) => addLessonFile(tx, c.get('app').config.fileKey, actor, id, lessonId, file));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const d = await lessonForEditing(c, id, lessonId);
    const values = { title: d.lesson.title, body: d.lesson.body, videoUrl: d.lesson.videoUrl ?? '' };
    return c.html(
      <EditLessonPage c={c} course={d.course} lesson={d.lesson} files={d.files} values={values} errors={errors} />,
      400,
    );
  }
  setFlash(c, { kind: 'success', text: 'Fichier ajouté à la leçon.' });
  return c.redirect(`/formations/${id}/lecons/${lessonId}/modifier`, 303);
});

learningRoutes.get('/formations/:id/lecons/:lessonId/fichiers/:fileId', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const lessonId = idParam(c, 'lessonId', 'Leçon');
  const fileId = idParam(c, 'fileId', 'Fichier');
  const f = await downloadLessonFile(
    c.get('app').odb.db,
    c.get('app').config.fileKey,
    actorOf(c),
    id,
    lessonId,
    fileId,
  );
  return fileResponse(f);
});

learningRoutes.post('/formations/:id/fichiers/:fileId/supprimer', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const fileId = idParam(c, 'fileId', 'Fichier');
  await tenant(c, (tx, actor) => removeLessonFile(tx, actor, id, fileId));
  setFlash(c, { kind: 'success', text: 'Fichier retiré.' });
  return c.redirect(`/formations/${id}/modifier`, 303);
});

learningRoutes.post('/formations/:id/lecons/:lessonId/modifier', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const lessonId = idParam(c, 'lessonId', 'Leçon');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => updateLesson(tx, actor, id, lessonId, f));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const d = await lessonForEditing(c, id, lessonId);
    return c.html(
      <EditLessonPage c={c} course={d.course} lesson={d.lesson} files={d.files} values={f} errors={errors} />,
      400,
    );
  }
  setFlash(c, { kind: 'success', text: 'Leçon enregistrée.' });
  return c.redirect(`/formations/${id}/modifier`, 303);
});

learningRoutes.get('/formations/:id/resultats', async (c) => {
  const id = idParam(c, 'id', 'Formation');
  const d = await tenant(c, async (tx, actor) => {
    const r = await learnerResults(tx, actor, id);
    const stats = new Map();
    for (const q of r.quizzes) stats.set(q.id, await questionStats(tx, actor, id, q.id));
    return { ...r, stats };
  });
  return c.html(<ResultsPage c={c} course={d.course} quizzes={d.quizzes} rows={d.rows} stats={d.stats} />);
});

// ——— public verification ———

/** Verification lookups per client address and window (`/certificats/verifier`). */
export const VERIFY_LIMIT = 20;
export const VERIFY_WINDOW_MS = 10 * 60_000;
publicLearningRoutes.get('/certificats/verifier', async (c) => {
  const raw = textQuery(c, 'code', 40) ?? '';
  const code = normaliseCode(raw);
  if (!raw) return c.html(<VerifyPage c={c} code="" result={undefined} />);
  const db = c.get('app').odb.db;
  // Guessing codes is slow: a few lookups per address and window, then a plain refusal.
  const limited = await withSystem(db, (tx) =>
    overPublicLimit(tx, c.get('app').config.fileKey, 'certificate_verify', clientIp(c), VERIFY_LIMIT, VERIFY_WINDOW_MS),
  );
  if (limited) return c.html(<VerifyPage c={c} code={code} result={undefined} limited />, 429);
  let found = null;
  if (/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code)) {
    // Certificates live with their learner's cooperative: ask each one (a handful per network).
    // A revocation, by the learner's cooperative or by the course's owner, is on that one row,
    // so every cooperative's page tells the same.
    for (const k of await listCooperatives(db)) {
      found = await withTenant(db, k.id, (tx) => findByCode(tx, k.id, code), { readOnly: true });
      if (found) break;
    }
  }
  return c.html(<VerifyPage c={c} code={code} result={found} />, found ? 200 : 404);
});
