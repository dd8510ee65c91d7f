// A course linked to journeys sessions and the completion rule "session attended", on a worked case
// computed by hand: 2 lessons + 1 quiz + 1 session = 4 steps. The entrepreneur and the CAPE read both
// lessons and pass the quiz: 3 steps of 4 = 75 %, not completed. The trainer marks the entrepreneur
// present and the CAPE absent: the entrepreneur's course page completes the course (100 %, a
// certificate); the CAPE stays at 75 %. Only courses kept within the cooperative may ask for a
// session, and only the cooperative's own sessions can be linked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Tx } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { UserError } from '../../core/errors.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { createTheme, createSession, registerForWorkshop, recordAttendance } from '../journeys/index.ts';
import {
  addLesson,
  addQuestion,
  addQuiz,
  addSection,
  createCourse,
  getCourse,
  setPublished,
  updateCourse,
} from './courses.service.ts';
import { enrol, getAttempt, progressOf, startAttempt, submitAttempt, viewLesson } from './progress.service.ts';
import { courseSessions, linkSession, setRequireSession, unlinkSession } from './sessions.service.ts';
import { listCertificates } from './certificates.service.ts';
import { learningDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});
const inCoop = <T>(k: TestCoop, fn: (tx: Tx) => Promise<T>) => withTenant(odb.db, k.coop.id, fn);

async function newSession(k: TestCoop, start: string, end: string) {
  const sup = k.actor('support');
  return inCoop(k, async (tx) => {
    const theme = await createTheme(tx, sup, { name: `Classe virtuelle ${start}` });
    return createSession(tx, sup, {
      themeId: theme,
      date: addDays(todayParis(), 1),
      start,
      end,
      place: 'https://visio.example.org/salle',
      capacity: 10,
    });
  });
}

test('completion rule "session attended": lessons and quiz are not enough until the attendance is marked', async () => {
  const dir = b.actor('director');
  const session = await newSession(b, '09:00', '11:00');
  const foreign = await newSession(a, '09:00', '10:00');
  const c = await inCoop(b, async (tx) => {
    const id = await createCourse(tx, dir, { title: 'Trésorerie en classe virtuelle', durationMinutes: 60 });
    const s = await addSection(tx, dir, id, { title: 'Avant la séance' });
    const l1 = await addLesson(tx, dir, id, { sectionId: s, title: 'Lire son plan de trésorerie', body: 'Un' });
    const l2 = await addLesson(tx, dir, id, { sectionId: s, title: 'Préparer ses questions', body: 'Deux' });
    const quiz = await addQuiz(tx, dir, id, { title: 'Vérifier', passPercent: 50 });
    await addQuestion(tx, dir, id, quiz, {
      kind: 'true_false',
      prompt: 'La TVA se reverse.',
      truth: 'true',
      points: '1',
    });
    await setPublished(tx, dir, id, true);
    return { id, lessons: [l1, l2], quiz };
  });
  // Only the cooperative's own sessions; the rule only for courses kept within the cooperative.
  await assert.rejects(
    inCoop(b, (tx) => linkSession(tx, dir, c.id, foreign)),
    (e) => e instanceof UserError && e.field === 'sessionId',
  );
  await assert.rejects(
    inCoop(b, (tx) => linkSession(tx, dir, c.id, 'pas-un-id')),
    (e) => e instanceof UserError && e.field === 'sessionId',
  );
  await inCoop(b, (tx) => linkSession(tx, dir, c.id, session));
  await inCoop(b, (tx) => linkSession(tx, dir, c.id, session)); // twice: once
  await assert.rejects(inCoop(b, (tx) => setRequireSession(tx, b.actor('entrepreneur'), c.id, true)));
  await inCoop(b, (tx) => setRequireSession(tx, dir, c.id, true));
  await assert.rejects(
    inCoop(b, (tx) =>
      updateCourse(tx, dir, c.id, {
        title: 'Trésorerie en classe virtuelle',
        durationMinutes: 60,
        visibility: 'network',
      }),
    ),
    (e) => e instanceof UserError && e.field === 'visibility',
  );
  const net = await inCoop(b, (tx) =>
    createCourse(tx, dir, { title: 'Ouverte', durationMinutes: 10, visibility: 'network' }),
  );
  await assert.rejects(
    inCoop(b, (tx) => setRequireSession(tx, dir, net, true)),
    (e) => e instanceof UserError && e.field === 'requireSession',
  );
  assert.deepEqual(
    (await inCoop(b, async (tx) => courseSessions(tx, dir, await getCourse(tx, dir, c.id)))).map((s) => s.id),
    [session],
  );

  const people = [b.actor('entrepreneur'), b.actor('cape')];
  await inCoop(b, async (tx) => {
    for (const me of people) {
      await registerForWorkshop(tx, me, session);
      await enrol(tx, me, c.id);
      for (const l of c.lessons) await viewLesson(tx, me, c.id, l);
      const att = await startAttempt(tx, me, c.id, c.quiz);
      const at = await getAttempt(tx, me, c.id, att);
      const s = await submitAttempt(tx, me, c.id, att, Object.fromEntries(at.questions.map((q) => [q.id, ['0']])));
      assert.equal(s.passed, true);
    }
  });
  for (const me of people) {
    const p = await inCoop(b, async (tx) => progressOf(tx, me, await getCourse(tx, me, c.id)));
    assert.equal(p.percent, 75); // 3 steps of 4
    assert.equal(p.completedAt, null);
    assert.equal(p.sessionAttended, false);
  }
  // The session took place (attendance is taken after its start): entrepreneur present, CAPE absent.
  await inCoop(b, async (tx) => {
    await sql`update workshop_session set starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour'
      where cooperative_id = ${b.coop.id} and id = ${session}`.execute(learningDb(tx));
    await recordAttendance(tx, b.actor('support'), session, [b.users.entrepreneur.id]);
  });
  // The learner comes back to the course page: the course is completed then.
  const client = new TestClient(app);
  await client.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  // The page (a GET) writes nothing: it shows 100 % and the button that completes the course.
  const before = await inCoop(b, (tx) => listCertificates(tx, b.actor('director')));
  let page = await client.get(`/formations/${c.id}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /obtenir mon attestation/);
  assert.match(page.html, /100 %/);
  assert.deepEqual(await inCoop(b, (tx) => listCertificates(tx, b.actor('director'))), before);
  assert.equal((await client.post(`/formations/${c.id}/terminer`, {})).res.status, 303);
  page = await client.get(`/formations/${c.id}`);
  assert.match(page.html, /Formation terminée le/);
  assert.match(page.html, /présence à une séance notée/);
  assert.match(page.html, new RegExp(`href="/ateliers/${session}"`));
  const [ent, cape] = people;
  const pe = await inCoop(b, async (tx) => progressOf(tx, ent!, await getCourse(tx, ent!, c.id)));
  assert.equal(pe.percent, 100);
  assert.ok(pe.completedAt);
  assert.deepEqual(
    (await inCoop(b, (tx) => listCertificates(tx, ent!, { mine: true }))).map((x) => x.courseTitle),
    ['Trésorerie en classe virtuelle'],
  );
  const capeClient = new TestClient(app);
  await capeClient.signIn(b.users.cape.email, TEST_PASSWORD);
  assert.doesNotMatch((await capeClient.get(`/formations/${c.id}`)).html, /Formation terminée le/);
  const pc = await inCoop(b, async (tx) => progressOf(tx, cape!, await getCourse(tx, cape!, c.id)));
  assert.equal(pc.percent, 75);
  assert.equal(pc.completedAt, null);

  // Links over HTTP: the author's forms, another cooperative's director gets 404.
  const author = new TestClient(app);
  await author.signIn(b.users.director.email, TEST_PASSWORD);
  const edit = await author.get(`/formations/${c.id}/modifier`);
  assert.match(edit.html, /Règle d’achèvement : la présence à une séance liée est exigée/);
  const r = await author.post(`/formations/${c.id}/seances`, { sessionId: '' });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Choisissez une séance/);
  const intruder = new TestClient(app);
  await intruder.signIn(a.users.director.email, TEST_PASSWORD);
  assert.equal((await intruder.post(`/formations/${c.id}/seances/${session}/retirer`, {})).res.status, 404);
  assert.equal((await author.post(`/formations/${c.id}/seances/${session}/retirer`, {})).res.status, 303);
  await assert.rejects(inCoop(b, (tx) => unlinkSession(tx, dir, c.id, session)));
});
