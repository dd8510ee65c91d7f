// Learning on a real database: visibility across cooperatives and networks, MOOC self-registration
// without membership, completion rules, attempts limits and seeded draws, certificates (PDF parsed
// back, public verification, revocation), and the training hours of the CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Tx } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Actor } from '../../core/actor.ts';
import { UserError } from '../../core/errors.ts';
import { toolSkip } from '../../core/testing-tools.ts';
import { pdfTextOf } from './testing.ts';
import { runCli, captureCliOutput } from '../../core/cli.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { createTheme, createSession, registerForWorkshop, recordAttendance } from '../journeys/index.ts';
import {
  addLesson,
  addQuestion,
  addQuiz,
  addSection,
  catalogue,
  createCourse,
  getCourse,
  move,
  outline,
  setPublished,
} from './courses.service.ts';
import { enrol, getAttempt, progressOf, startAttempt, submitAttempt, viewLesson } from './progress.service.ts';
import { certificatePdf, listCertificates, revokeCertificate } from './certificates.service.ts';
import { learnerResults, questionStats } from './results.service.ts';
import ExcelJS from 'exceljs';
import { learningCommands } from './commands.ts';
import { hoursWorkbook, trainingHoursReport } from './hours.service.ts';
import { learningDb } from './db.ts';
import { cohortProgress, createCohort, listCohorts } from './cohorts.service.ts';
import { computeInbox } from '../inbox/index.ts';
import './inbox.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
let other: TestCoop;

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  [other] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

const inCoop = <T>(k: TestCoop, fn: (tx: Tx) => Promise<T>) => withTenant(odb.db, k.coop.id, fn);

/** A published course of `k` with two sections, three lessons and one quiz (2 questions, pass 50 %). */
async function makeCourse(k: TestCoop, visibility: string, title: string, opts: { maxAttempts?: number } = {}) {
  const dir = k.actor('director');
  return inCoop(k, async (tx) => {
    const id = await createCourse(tx, dir, { title, summary: 'Présentation', durationMinutes: 90, visibility });
    const s1 = await addSection(tx, dir, id, { title: 'Les bases' });
    const s2 = await addSection(tx, dir, id, { title: 'Aller plus loin' });
    const l1 = await addLesson(tx, dir, id, {
      sectionId: s1,
      title: 'Leçon 1',
      body: '# Titre\n\n**gras** <script>x</script>',
    });
    const l2 = await addLesson(tx, dir, id, {
      sectionId: s1,
      title: 'Leçon 2',
      body: 'Deux',
      videoUrl: 'https://video.example.org/v/1',
    });
    const l3 = await addLesson(tx, dir, id, { sectionId: s2, title: 'Leçon 3', body: 'Trois' });
    const quiz = await addQuiz(tx, dir, id, {
      title: 'Quiz final',
      passPercent: 50,
      maxAttempts: opts.maxAttempts ?? '',
    });
    await addQuestion(tx, dir, id, quiz, {
      kind: 'true_false',
      prompt: 'La TVA se reverse.',
      truth: 'true',
      points: '1',
    });
    await addQuestion(tx, dir, id, quiz, { kind: 'numeric', prompt: '20 % de 100 ?', numericValue: '20', points: '1' });
    await setPublished(tx, dir, id, true);
    return { id, lessons: [l1, l2, l3], quiz };
  });
}

test('visibility: a private course is invisible to another cooperative; network and public courses are shared; drafts stay with authors', async () => {
  const priv = await makeCourse(a, 'cooperative', 'Formation privée de A');
  const net = await makeCourse(a, 'network', 'Formation du réseau');
  const mooc = await makeCourse(a, 'public', 'MOOC public');
  const draft = await inCoop(a, (tx) =>
    createCourse(tx, a.actor('director'), { title: 'Brouillon', durationMinutes: '30', visibility: 'cooperative' }),
  );
  const titles = async (k: TestCoop, actor: Actor) =>
    (await inCoop(k, (tx) => catalogue(tx, actor))).map((c) => c.title);
  const seenA = await titles(a, a.actor('entrepreneur'));
  assert.ok(seenA.includes('Formation privée de A') && !seenA.includes('Brouillon'));
  assert.ok((await titles(a, a.actor('support'))).includes('Brouillon'));
  const seenB = await titles(b, b.actor('entrepreneur'));
  assert.ok(seenB.includes('Formation du réseau') && seenB.includes('MOOC public'));
  assert.ok(!seenB.includes('Formation privée de A') && !seenB.includes('Brouillon'));
  const seenOther = await titles(other, other.actor('entrepreneur'));
  assert.ok(seenOther.includes('MOOC public'));
  assert.ok(!seenOther.includes('Formation du réseau') && !seenOther.includes('Formation privée de A'));
  await assert.rejects(
    inCoop(b, (tx) => getCourse(tx, b.actor('director'), priv.id)),
    /introuvable/,
  );
  await assert.rejects(
    inCoop(b, (tx) => enrol(tx, b.actor('entrepreneur'), priv.id)),
    /introuvable/,
  );
  await assert.rejects(
    inCoop(other, (tx) => enrol(tx, other.actor('entrepreneur'), net.id)),
    /introuvable/,
  );
  await assert.rejects(
    inCoop(a, (tx) => enrol(tx, a.actor('entrepreneur'), draft)),
    /introuvable/,
  );
  // Another cooperative cannot edit it, even its director.
  await assert.rejects(
    inCoop(b, (tx) => addSection(tx, b.actor('director'), net.id, { title: 'Intrusion' })),
    /introuvable/,
  );
  // Row-level security is the second wall: without the service's filter, b still cannot read a's private rows.
  const raw = await inCoop(b, (tx) =>
    learningDb(tx).selectFrom('learning_lesson').select('id').where('course_id', '=', priv.id).execute(),
  );
  assert.equal(raw.length, 0);
  // Entrepreneurs and CAPE do not write courses; only direction and the network open one beyond the cooperative.
  await assert.rejects(
    inCoop(a, (tx) => createCourse(tx, a.actor('entrepreneur'), { title: 'Non', durationMinutes: 10 })),
    /accès/,
  );
  await assert.rejects(
    inCoop(a, (tx) =>
      createCourse(tx, a.actor('support'), { title: 'Réseau ?', durationMinutes: 10, visibility: 'network' }),
    ),
    (e: unknown) => e instanceof UserError && !!e.fields.visibility,
  );
  // MOOC: self-registration by a member of a cooperative of another network, who does not join a.
  await inCoop(other, (tx) => enrol(tx, other.actor('entrepreneur'), mooc.id));
  await inCoop(other, (tx) => viewLesson(tx, other.actor('entrepreneur'), mooc.id, mooc.lessons[0]));
  const memberships = await sql<{ n: number }>`select count(*)::int as n from membership
    where cooperative_id = ${a.coop.id} and user_id = ${other.users.entrepreneur.id}`.execute(learningDb(odb.db));
  assert.equal(Number(memberships.rows[0].n), 0);
  // The owner follows the MOOC's learners from the other network.
  const res = await inCoop(a, (tx) => learnerResults(tx, a.actor('support'), mooc.id));
  assert.deepEqual(
    res.rows.map((r) => [r.email, r.lessonsViewed, r.lessonsTotal]),
    [[other.users.entrepreneur.email, 1, 3]],
  );
  // …but the other cooperative cannot read a's results.
  await assert.rejects(
    inCoop(b, (tx) => learnerResults(tx, b.actor('director'), net.id)),
    /introuvable/,
  );
});

test('completion: every lesson viewed and the quiz passed; resume where I stopped; certificate issued once', async () => {
  const c = await makeCourse(a, 'cooperative', 'Compléter une formation');
  const me = a.actor('cape');
  await assert.rejects(
    inCoop(a, (tx) => viewLesson(tx, me, c.id, c.lessons[0])),
    /Inscrivez-vous/,
  );
  await inCoop(a, (tx) => enrol(tx, me, c.id));
  const prog = () => inCoop(a, async (tx) => progressOf(tx, me, await getCourse(tx, me, c.id)));
  assert.equal((await prog()).resumeLessonId, c.lessons[0]);
  await inCoop(a, (tx) => viewLesson(tx, me, c.id, c.lessons[0]));
  await inCoop(a, (tx) => viewLesson(tx, me, c.id, c.lessons[2]));
  let p = await prog();
  assert.equal(p.resumeLessonId, c.lessons[1], 'resume at the first lesson not read');
  assert.equal(p.percent, 50); // 2 of 4 steps (3 lessons + 1 quiz)
  await inCoop(a, (tx) => viewLesson(tx, me, c.id, c.lessons[1]));
  p = await prog();
  assert.equal(p.lessonsViewed, 3);
  assert.equal(p.completedAt, null, 'all lessons viewed but the quiz not passed yet');
  // Failed attempt: 0 of 2.
  let att = await inCoop(a, (tx) => startAttempt(tx, me, c.id, c.quiz, { seed: 1 }));
  let at = await inCoop(a, (tx) => getAttempt(tx, me, c.id, att));
  const wrong: Record<string, string[]> = {};
  const right: Record<string, string[]> = {};
  for (const q of at.questions) {
    wrong[q.id] = q.kind === 'numeric' ? ['21'] : ['1'];
    right[q.id] = q.kind === 'numeric' ? ['20'] : ['0'];
  }
  let s = await inCoop(a, (tx) => submitAttempt(tx, me, c.id, att, wrong));
  assert.equal(s.percent, 0);
  assert.equal((await prog()).completedAt, null);
  await assert.rejects(
    inCoop(a, (tx) => submitAttempt(tx, me, c.id, att, right)),
    /déjà été envoyée/,
  );
  // Second attempt: 1 of 2 → 50 % = the pass mark.
  att = await inCoop(a, (tx) => startAttempt(tx, me, c.id, c.quiz));
  at = await inCoop(a, (tx) => getAttempt(tx, me, c.id, att));
  const half = { ...wrong, [at.questions[0].id]: right[at.questions[0].id] };
  s = await inCoop(a, (tx) => submitAttempt(tx, me, c.id, att, half));
  assert.equal(s.percent, 50);
  assert.equal(s.passed, true);
  p = await prog();
  assert.ok(p.completedAt, 'completed');
  assert.equal(p.percent, 100);
  const certs = await inCoop(a, (tx) => listCertificates(tx, me));
  assert.equal(certs.filter((x) => x.courseId === c.id).length, 1);
  assert.equal(certs[0].durationMinutes, 90);
  // Another entrepreneur does not see it (own scope), the support team does.
  assert.equal((await inCoop(a, (tx) => listCertificates(tx, a.actor('entrepreneur')))).length, 0);
  assert.ok((await inCoop(a, (tx) => listCertificates(tx, a.actor('support')))).length >= 1);
});

test('attempts limit, and the same seed draws the same questions for two learners', async () => {
  const dir = a.actor('director');
  const { id, quiz } = await inCoop(a, async (tx) => {
    const id = await createCourse(tx, dir, { title: 'Banque de questions', durationMinutes: 20 });
    const s = await addSection(tx, dir, id, { title: 'Partie' });
    await addLesson(tx, dir, id, { sectionId: s, title: 'Seule leçon', body: 'x' });
    const quiz = await addQuiz(tx, dir, id, { title: 'Tirage', passPercent: 100, maxAttempts: 2, drawCount: 3 });
    for (let i = 1; i <= 8; i++)
      await addQuestion(tx, dir, id, quiz, { kind: 'short', prompt: `Question ${i}`, accepted: `r${i}` });
    await setPublished(tx, dir, id, true);
    return { id, quiz };
  });
  const draws: string[][] = [];
  for (const who of ['entrepreneur', 'cape'] as const) {
    const me = a.actor(who);
    await inCoop(a, (tx) => enrol(tx, me, id));
    const att = await inCoop(a, (tx) => startAttempt(tx, me, id, quiz, { seed: 12345 }));
    const at = await inCoop(a, (tx) => getAttempt(tx, me, id, att));
    assert.equal(at.questions.length, 3);
    draws.push(at.questions.map((q) => q.id));
  }
  assert.deepEqual(draws[0], draws[1]);
  const me = a.actor('entrepreneur');
  for (let i = 0; i < 2; i++) {
    const att = await inCoop(a, (tx) => startAttempt(tx, me, id, quiz, { seed: 12345 }));
    await inCoop(a, (tx) => submitAttempt(tx, me, id, att, {}));
  }
  await assert.rejects(
    inCoop(a, (tx) => startAttempt(tx, me, id, quiz)),
    /2 tentative/,
  );
  // Per-question statistics for the author: drawn counts add up to 3 per attempt.
  const stats = await inCoop(a, (tx) => questionStats(tx, dir, id, quiz));
  assert.equal(
    stats.reduce((n, s) => n + s.drawn, 0),
    6,
  );
});

test('authors reorder lessons within a section; learners see the new order; a bad field gives a French message', async () => {
  const c = await makeCourse(a, 'cooperative', 'Ordre des leçons');
  const dir = a.actor('director');
  await inCoop(a, (tx) => move(tx, dir, c.id, 'lesson', c.lessons[1], 'up'));
  const o = await inCoop(a, async (tx) => outline(tx, await getCourse(tx, dir, c.id)));
  assert.deepEqual(
    o.lessons.map((l) => l.title),
    ['Leçon 2', 'Leçon 1', 'Leçon 3'],
  );
  await assert.rejects(
    inCoop(a, (tx) => addLesson(tx, dir, c.id, { sectionId: 'x', title: 'T' })),
    (e: unknown) => e instanceof UserError && e.fields.sectionId === 'Choisissez la partie de la leçon.',
  );
  await assert.rejects(
    inCoop(a, (tx) =>
      addLesson(tx, dir, c.id, { sectionId: o.sections[0].id, title: 'T', videoUrl: 'javascript:alert(1)' }),
    ),
    (e: unknown) => e instanceof UserError && !!e.fields.videoUrl,
  );
  await assert.rejects(
    inCoop(a, (tx) => addQuestion(tx, dir, c.id, c.quiz, { kind: 'single', prompt: 'P', choices: 'a\nb' })),
    (e: unknown) => e instanceof UserError && /astérisque/.test(e.fields.choices),
  );
});

test('certificate: the PDF names learner, course, date, duration and code; the public page accepts it, refuses a wrong code, shows a revoked one', async (t) => {
  const c = await makeCourse(a, 'cooperative', 'Facturer dans une CAE');
  const me = a.actor('entrepreneur');
  await inCoop(a, async (tx) => {
    await enrol(tx, me, c.id);
    for (const l of c.lessons) await viewLesson(tx, me, c.id, l);
    const att = await startAttempt(tx, me, c.id, c.quiz);
    const at = await getAttempt(tx, me, c.id, att);
    await submitAttempt(
      tx,
      me,
      c.id,
      att,
      Object.fromEntries(at.questions.map((q) => [q.id, q.kind === 'numeric' ? ['20'] : ['0']])),
    );
  });
  const cert = (await inCoop(a, (tx) => listCertificates(tx, me))).find((x) => x.courseId === c.id)!;
  assert.match(cert.code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  const { pdf } = await inCoop(a, (tx) =>
    certificatePdf(tx, me, cert.id, 'https://radieuse.example/certificats/verifier'),
  );
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const skip = toolSkip('/usr/bin/pdftotext', 'poppler-utils');
  if (!skip) {
    const text = pdfTextOf(pdf);
    assert.match(text, /Attestation de formation/);
    assert.match(text, new RegExp(`Entrepreneur ${a.coop.slug}`));
    assert.match(text, /Facturer dans une CAE/);
    assert.match(text, /Durée : 1 h 30/);
    const year = new Date().getFullYear();
    assert.match(text, new RegExp(`Date : .*${year}`));
    assert.ok(text.includes(cert.code), 'verification code printed');
  } else t.diagnostic(skip);
  // Another entrepreneur cannot download it.
  await assert.rejects(
    inCoop(a, (tx) => certificatePdf(tx, a.actor('cape'), cert.id, 'x')),
    /introuvable/,
  );
  const pub = new TestClient(app);
  let r = await pub.get(`/certificats/verifier?code=${encodeURIComponent(cert.code.toLowerCase().replace(/-/g, ' '))}`);
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Attestation valide/);
  assert.match(r.html, /Facturer dans une CAE/);
  r = await pub.get('/certificats/verifier?code=AAAA-BBBB-CCCC');
  assert.equal(r.res.status, 404);
  assert.match(r.html, /Aucune attestation/);
  assert.doesNotMatch(r.html, /Facturer dans une CAE/);
  // Revocation: entrepreneurs cannot; the direction can, with a reason.
  await assert.rejects(
    inCoop(a, (tx) => revokeCertificate(tx, me, cert.id, 'Je veux')),
    /accès/,
  );
  await assert.rejects(
    inCoop(a, (tx) => revokeCertificate(tx, a.actor('director'), cert.id, '')),
    (e: unknown) => e instanceof UserError && !!e.fields.reason,
  );
  await inCoop(a, (tx) => revokeCertificate(tx, a.actor('director'), cert.id, 'Quiz passé par une autre personne'));
  r = await pub.get(`/certificats/verifier?code=${cert.code}`);
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Attestation révoquée/);
  assert.doesNotMatch(r.html, /Attestation valide/);
});

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const { result: code, out } = await captureCliOutput(() =>
    runCli(learningCommands, args, async () => Object.create(odb, { close: { value: async () => {} } })),
  );
  return { code, out };
}

test('training hours: the CLI totals equal the workshop and course hours recorded here', async () => {
  // b: a 3-hour workshop attended by the entrepreneur and the CAPE, a 2.5-hour one by the entrepreneur;
  // a 90-minute course completed by the entrepreneur.
  const sup = b.actor('support');
  const day = addDays(todayParis(), 1);
  const sessions = await inCoop(b, async (tx) => {
    const theme = await createTheme(tx, sup, { name: 'Classe virtuelle : trésorerie' });
    const s1 = await createSession(tx, sup, {
      themeId: theme,
      date: day,
      start: '09:00',
      end: '12:00',
      place: 'https://visio.example.org/salle',
      capacity: 10,
    });
    const s2 = await createSession(tx, sup, {
      themeId: theme,
      date: day,
      start: '14:00',
      end: '16:30',
      place: 'Salle 2',
      capacity: 10,
    });
    await registerForWorkshop(tx, b.actor('entrepreneur'), s1);
    await registerForWorkshop(tx, b.actor('cape'), s1);
    await registerForWorkshop(tx, b.actor('entrepreneur'), s2);
    return [s1, s2];
  });
  // Attendance is taken after the session: move them to earlier today (or yesterday just after midnight).
  const past = new Date(Date.now() - 6 * 3600_000);
  await inCoop(b, (tx) =>
    sql`update workshop_session set starts_at = ${past}::timestamptz - (ends_at - starts_at), ends_at = ${past}
      where cooperative_id = ${b.coop.id} and id in (${sql.join(sessions)})`.execute(learningDb(tx)),
  );
  await inCoop(b, async (tx) => {
    await recordAttendance(tx, sup, sessions[0], [b.users.entrepreneur.id, b.users.cape.id]);
    await recordAttendance(tx, sup, sessions[1], [b.users.entrepreneur.id]);
  });
  const c = await makeCourse(b, 'cooperative', 'Heures de cours');
  const me = b.actor('entrepreneur');
  await inCoop(b, async (tx) => {
    await enrol(tx, me, c.id);
    for (const l of c.lessons) await viewLesson(tx, me, c.id, l);
    const att = await startAttempt(tx, me, c.id, c.quiz);
    const at = await getAttempt(tx, me, c.id, att);
    await submitAttempt(
      tx,
      me,
      c.id,
      att,
      Object.fromEntries(at.questions.map((q) => [q.id, q.kind === 'numeric' ? ['20'] : ['0']])),
    );
  });
  const year = String(past.getFullYear());
  const csv = await cli(['training', 'hours', '--cooperative', b.coop.slug, '--year', year]);
  assert.equal(csv.code, 0, JSON.stringify(csv));
  const lines = csv.out.trim().split('\n');
  assert.equal(lines[0], 'person,email,workshop_hours,course_hours,total_hours');
  const byEmail = new Map(lines.slice(1).map((l) => [l.split(',')[1], l.split(',')]));
  assert.deepEqual(byEmail.get(b.users.entrepreneur.email)?.slice(2), ['5.50', '1.50', '7.00']);
  assert.deepEqual(byEmail.get(b.users.cape.email)?.slice(2), ['3.00', '0.00', '3.00']);
  const total = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[4]), 0);
  assert.equal(total, 3 + 3 + 2.5 + 1.5);
  const json = await cli(['training', 'hours', '--cooperative', b.coop.slug, '--year', year, '--format', 'json']);
  const rows = JSON.parse(json.out) as { email: string; total_hours: number }[];
  assert.equal(
    rows.reduce((s, r) => s + r.total_hours, 0),
    10,
  );
  // The workbook: numbers, and a total row equal to the same sum.
  const xlsx = await inCoop(b, (tx) => trainingHoursReport(tx, b.actor('support'), Number(year)));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await hoursWorkbook(xlsx, Number(year))) as never);
  const ws = wb.worksheets[0];
  const last = ws.getRow(ws.rowCount);
  assert.equal(last.getCell(1).value, 'Total');
  assert.equal(last.getCell(5).value, 10);
  assert.equal(typeof ws.getRow(2).getCell(3).value, 'number');
  // Another year has none; a bad year is a usage error.
  assert.equal(
    (await cli(['training', 'hours', '--cooperative', b.coop.slug, '--year', '2001'])).out.trim(),
    'person,email,workshop_hours,course_hours,total_hours',
  );
  assert.equal((await cli(['training', 'hours', '--cooperative', b.coop.slug, '--year', '20x6'])).code, 2);
});

test('cohorts: a group enrolled with a due date, followed by the trainer, recalled in the learners’ inbox', async () => {
  const c = await makeCourse(a, 'cooperative', 'Formation de groupe');
  const sup = a.actor('support');
  const tomorrow = addDays(todayParis(), 1);
  const bad = (input: Parameters<typeof createCohort>[2], field: string) =>
    assert.rejects(
      inCoop(a, (tx) => createCohort(tx, sup, input)),
      (e: unknown) => e instanceof UserError && !!e.fields[field],
    );
  await bad({ courseId: c.id, name: 'CAPE T4', dueOn: tomorrow, userIds: [] }, 'userIds');
  await bad({ courseId: c.id, name: 'CAPE T4', dueOn: '2020-01-01', userIds: [a.users.cape.id] }, 'dueOn');
  await bad({ courseId: c.id, name: 'CAPE T4', dueOn: tomorrow, userIds: [b.users.cape.id] }, 'userIds');
  await assert.rejects(
    inCoop(a, (tx) => createCohort(tx, a.actor('entrepreneur'), { courseId: c.id, name: 'X', userIds: [] })),
    /accès/,
  );
  assert.equal((await inCoop(a, (tx) => listCohorts(tx, sup))).length, 0, 'nothing half-written');
  const id = await inCoop(a, (tx) =>
    createCohort(tx, sup, {
      courseId: c.id,
      name: 'CAPE T4',
      dueOn: tomorrow,
      userIds: [a.users.cape.id, a.users.accountant.id],
    }),
  );
  await inCoop(a, (tx) => viewLesson(tx, a.actor('cape'), c.id, c.lessons[0]));
  const p = await inCoop(a, (tx) => cohortProgress(tx, sup, id));
  assert.deepEqual(
    p.members.map((m) => [m.email, m.lessonsViewed, m.lessonsTotal, m.late]),
    [
      [a.users.accountant.email, 0, 3, false],
      [a.users.cape.email, 1, 3, false],
    ],
  );
  assert.deepEqual(
    (await inCoop(a, (tx) => listCohorts(tx, sup))).map((x) => [x.name, x.people, x.completed, x.dueOn]),
    [['CAPE T4', 2, 0, tomorrow]],
  );
  const items = await inCoop(a, (tx) => computeInbox(tx as never, a.actor('cape'), todayParis()));
  const due = items.find((i) => i.kind === 'learning.due');
  assert.ok(due, 'the due course is in the inbox');
  assert.equal(due!.urgency, 'high');
  assert.equal(due!.dueDate, tomorrow);
  assert.match(due!.title, /Formation de groupe/);
  // Later than the due date it says so; another cooperative cannot see the group.
  const late = await inCoop(a, (tx) => computeInbox(tx as never, a.actor('cape'), addDays(tomorrow, 2)));
  assert.match(late.find((i) => i.kind === 'learning.due')!.title, /est passée/);
  await assert.rejects(
    inCoop(b, (tx) => cohortProgress(tx, b.actor('support'), id)),
    /introuvable/,
  );
});
