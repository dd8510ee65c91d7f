// Public MOOC sign-up without any cooperative account, over HTTP: robots (honeypot, too fast) get
// the same answer with nothing written, bad input comes back by the field, the per-address limit
// holds, the e-mailed link lets the person choose a password (once), the new learner reads the
// lessons and completes the course, and sees nothing of any cooperative: other courses 404,
// cooperative pages closed. An address that already has an account is enrolled, never signed in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { coreDb } from '../../core/db/handles.ts';
import { countRows, pdfTextOf, publishedCourse } from './testing.ts';
import { createUser } from '../../core/auth/users.ts';
import { NotFoundError } from '../../core/errors.ts';
import { toolSkip } from '../../core/testing-tools.ts';
import { learningDb } from './db.ts';
import {
  findPublicCourse,
  MAX_SIGNUPS_PER_IP_PER_HOUR,
  moocCertificatePdf,
  moocFillToken,
  moocStartAttempt,
} from './mooc.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let key: Buffer;
let a: TestCoop;
let b: TestCoop;

before(async () => {
  let config: Awaited<ReturnType<typeof createTestApp>>['config'];
  ({ odb, app, config } = await createTestApp());
  key = config.fileKey;
  [a, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

const course = (k: TestCoop, visibility: string, title: string) => publishedCourse(odb, k, visibility, title);

const signUpForm = (over: Record<string, string> = {}) => ({
  displayName: 'Camille Visiteuse',
  email: 'camille@example.org',
  website: '',
  t: moocFillToken(key, Date.now() - 10_000),
  ...over,
});
const count = (table: 'learning_mooc_signup' | 'learning_enrolment', coopId: string) => countRows(odb, table, coopId);
const mailTo = (to: string) =>
  coreDb(odb.db).selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('created_at').execute();
const linkIn = (text: string) => new URL(/http[^\s]*\/mooc\/confirmer\/[^\s]+/.exec(text)![0]).pathname;

test('a visitor signs up to a public MOOC, confirms by e-mail, follows it, and reaches nothing of any cooperative', async () => {
  const mooc = await course(a, 'public', 'Se protéger en ligne');
  const priv = await course(a, 'cooperative', 'Formation interne');
  const net = await course(a, 'network', 'Formation du réseau');
  const web = new TestClient(app);

  let r = await web.get(`/mooc/${mooc.id}`);
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Se protéger en ligne/);
  assert.match(r.html, /S’inscrire gratuitement/);
  assert.match(r.html, /Mots de passe/); // the programme
  assert.doesNotMatch(r.html, /Un <strong>gestionnaire/); // not the lessons
  // Only published public courses have a MOOC page.
  for (const id of [priv.id, net.id, 'pas-un-id', '00000000-0000-7000-8000-000000000000'])
    assert.equal((await web.get(`/mooc/${id}`)).res.status, 404, id);

  // Robots: a filled honeypot, a form sent at once, no token: the same answer, nothing written.
  const robots: Record<string, string>[] = [
    { website: 'http://spam' },
    { t: moocFillToken(key, Date.now()) },
    { t: '' },
  ];
  for (const bad of robots) {
    r = await web.post(`/mooc/${mooc.id}/inscription`, signUpForm(bad));
    assert.equal(r.res.status, 200);
    assert.match(r.html, /Vérifiez votre boîte e-mail/);
  }
  assert.equal(await count('learning_mooc_signup', a.coop.id), 0);
  assert.equal((await mailTo('camille@example.org')).length, 0);
  // Bad input: the message by its field, nothing written.
  r = await web.post(`/mooc/${mooc.id}/inscription`, signUpForm({ email: 'pas-une-adresse', displayName: 'C' }));
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Adresse e-mail invalide/);
  assert.match(r.html, /Indiquez votre nom/);
  assert.equal(await count('learning_mooc_signup', a.coop.id), 0);

  r = await web.post(`/mooc/${mooc.id}/inscription`, signUpForm());
  assert.match(r.html, /Vérifiez votre boîte e-mail/);
  const [mail] = await mailTo('camille@example.org');
  assert.ok(mail, 'confirmation e-mail queued');
  const link = linkIn(mail.text_body);
  const enrolments = await count('learning_enrolment', a.coop.id);

  // The link's page only asks (a mail scanner opening it confirms nothing).
  r = await web.get(link);
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Choisissez le mot de passe/);
  assert.equal(await count('learning_enrolment', a.coop.id), enrolments);
  assert.equal((await web.get(`${link}x`)).res.status, 404);
  assert.equal((await web.get('/mooc/confirmer/x.y.z')).res.status, 404);
  r = await web.post(link, { password: 'court' });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /au moins 12 caractères/);
  assert.equal(await count('learning_enrolment', a.coop.id), enrolments);
  r = await web.post(link, { password: 'un mot de passe assez long' });
  assert.equal(r.res.status, 303);
  assert.equal(r.res.headers.get('location'), `/mooc/${mooc.id}`);
  assert.equal(await count('learning_enrolment', a.coop.id), enrolments + 1);
  // Used once.
  assert.equal((await new TestClient(app).post(link, { password: 'un autre mot de passe long' })).res.status, 404);

  r = await web.get(`/mooc/${mooc.id}`);
  assert.match(r.html, /0 % · 0 leçon\(s\) lue\(s\) sur 2/);
  assert.doesNotMatch(r.html, /S’inscrire gratuitement/);
  // Reading a lesson's page writes nothing; its button counts it.
  r = await web.get(`/mooc/${mooc.id}/lecons/${mooc.lessons[0]}`);
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Un <strong>gestionnaire<\/strong>/);
  assert.match((await web.get(`/mooc/${mooc.id}`)).html, /0 % · 0 leçon/);
  r = await web.post(`/mooc/${mooc.id}/lecons/${mooc.lessons[0]}/lue`, {});
  assert.equal(r.res.headers.get('location'), `/mooc/${mooc.id}/lecons/${mooc.lessons[1]}`);
  assert.match((await web.get(`/mooc/${mooc.id}`)).html, /50 % · 1 leçon\(s\) lue\(s\) sur 2/);
  await web.post(`/mooc/${mooc.id}/lecons/${mooc.lessons[1]}/lue`, {});
  assert.match((await web.get(`/mooc/${mooc.id}`)).html, /Formation terminée/);
  const cert = await withSystem(odb.db, (tx) =>
    learningDb(tx)
      .selectFrom('learning_certificate')
      .select(['learner_name', 'cooperative_id'])
      .where('course_id', '=', mooc.id)
      .executeTakeFirst(),
  );
  assert.equal(cert?.learner_name, 'Camille Visiteuse');

  // Nothing of any cooperative: cooperative pages send to « sans coopérative », other courses 404.
  for (const path of [
    '/formations',
    `/formations/${mooc.id}`,
    `/formations/${priv.id}`,
    '/',
    '/formations/certificats',
  ]) {
    const x = await web.get(path);
    assert.ok([302, 303, 403, 404].includes(x.res.status), `${path}: ${x.res.status}`);
    if (x.res.status < 400) assert.equal(x.res.headers.get('location'), '/sans-cooperative', path);
    assert.doesNotMatch(x.html, /Formation interne|Coopérative alpha/, path);
  }
  for (const id of [priv.id, net.id]) {
    assert.equal((await web.get(`/mooc/${id}/lecons/${priv.lessons[0]}`)).res.status, 404);
    assert.equal((await web.post(`/mooc/${id}/lecons/${priv.lessons[0]}/lue`, {})).res.status, 404);
  }
  // Another course's lesson through this MOOC: 404.
  assert.equal((await web.get(`/mooc/${mooc.id}/lecons/${priv.lessons[0]}`)).res.status, 404);
  // A visitor not enrolled: sign in first; someone signed in but not enrolled: 404.
  assert.match(
    (await new TestClient(app).get(`/mooc/${mooc.id}/lecons/${mooc.lessons[0]}`)).res.headers.get('location') ?? '',
    /^\/connexion\?retour=/,
  );
  const member = new TestClient(app);
  await member.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await member.get(`/mooc/${mooc.id}/lecons/${mooc.lessons[0]}`)).res.status, 404);
});

test('an address that already has an account is enrolled by the link, never signed in by it', async () => {
  const mooc = await course(a, 'public', 'Comprendre la facture électronique');
  const web = new TestClient(app);
  const email = b.users.support.email;
  await web.get(`/mooc/${mooc.id}`);
  await web.post(`/mooc/${mooc.id}/inscription`, signUpForm({ email, displayName: 'Quelqu’un' }));
  const mails = await mailTo(email);
  const link = linkIn(mails[mails.length - 1].text_body);
  let r = await web.get(link);
  assert.match(r.html, /Un compte existe déjà/);
  assert.doesNotMatch(r.html, /name="password"/);
  r = await web.post(link, {});
  assert.equal(r.res.status, 303);
  assert.match(r.res.headers.get('location') ?? '', /^\/connexion\?retour=/);
  assert.ok(!web.cookies.has('rad_session'), 'no session opened by an e-mailed link');
  const enrolled = await withTenant(odb.db, a.coop.id, (tx) =>
    learningDb(tx)
      .selectFrom('learning_enrolment')
      .select('user_id')
      .where('cooperative_id', '=', a.coop.id)
      .where('course_id', '=', mooc.id)
      .execute(),
  );
  assert.deepEqual(
    enrolled.map((e) => e.user_id),
    [b.users.support.id],
  );
  // Signed in with the password, the MOOC page shows the progress.
  const signed = new TestClient(app);
  await signed.signIn(email, TEST_PASSWORD);
  assert.match((await signed.get(`/mooc/${mooc.id}`)).html, /0 % · 0 leçon/);
});

test('sign-ups are limited per address: past the limit a clear message and nothing written', async () => {
  const mooc = await course(b, 'public', 'MOOC très demandé');
  const web = new TestClient(app);
  await web.get(`/mooc/${mooc.id}`);
  // The other tests of this file already counted some sign-ups from the same (test) address.
  let accepted = 0;
  let refused: { res: Response; html: string } | null = null;
  for (let i = 0; i < MAX_SIGNUPS_PER_IP_PER_HOUR + 1 && !refused; i++) {
    const r = await web.post(`/mooc/${mooc.id}/inscription`, signUpForm({ email: `visiteur${i}@example.org` }));
    if (r.res.status === 400) refused = r;
    else accepted++;
  }
  assert.ok(refused, 'the limit refuses a sign-up');
  assert.match(refused!.html, /Trop d’inscriptions envoyées depuis votre connexion/);
  assert.ok(accepted < MAX_SIGNUPS_PER_IP_PER_HOUR);
  assert.equal(await count('learning_mooc_signup', b.coop.id), accepted);
});

test('a MOOC learner without a cooperative takes the quiz within its attempts and downloads the certificate', async () => {
  const mooc = await publishedCourse(odb, a, 'public', 'Sauvegarder ses données', { quiz: { maxAttempts: 2 } });
  const quizId = mooc.quiz!;
  // Hand-built: an account with no membership, enrolled in this MOOC (as its e-mailed link does).
  const email = 'lea.apprenante@example.org';
  await withSystem(odb.db, async (tx) => {
    const u = await createUser(tx, { email, displayName: 'Léa Apprenante', password: TEST_PASSWORD });
    await learningDb(tx)
      .insertInto('learning_enrolment')
      .values({
        cooperative_id: a.coop.id,
        course_cooperative_id: a.coop.id,
        course_id: mooc.id,
        user_id: u.id,
        last_lesson_id: null,
        completed_at: null,
        completed_minutes: null,
      })
      .execute();
  });
  const web = new TestClient(app);
  await web.signIn(email, TEST_PASSWORD);
  const base = `/mooc/${mooc.id}`;
  assert.match((await web.get(base)).html, new RegExp(`href="${base}/quiz/${quizId}">Vérifier ses acquis`));
  // The quiz page writes nothing; « Commencer le quiz » opens one attempt, resumed until sent.
  const attempts = () => countRows(odb, 'learning_attempt', a.coop.id);
  const before = await attempts();
  let r = await web.get(`${base}/quiz/${quizId}`);
  assert.equal(r.res.status, 200);
  assert.match(r.html, /2 tentative\(s\) restante\(s\)/);
  assert.equal(await attempts(), before);
  r = await web.post(`${base}/quiz/${quizId}/commencer`, {});
  const attemptUrl = r.res.headers.get('location')!;
  assert.match(attemptUrl, new RegExp(`^${base}/tentatives/[0-9a-f-]{36}$`));
  assert.equal(await attempts(), before + 1);
  assert.equal((await web.get(`${base}/quiz/${quizId}`)).res.headers.get('location'), attemptUrl);
  const qName = /name="(q_[0-9a-f-]{36})"/.exec((await web.get(attemptUrl)).html)![1];
  // A wrong answer (« Faux »): not passed; sending it again is refused.
  await web.post(attemptUrl, { [qName]: '1' });
  r = await web.get(attemptUrl);
  assert.match(r.html, /Quiz non réussi : 0 point\(s\) sur 1, soit 0 %/);
  assert.match(r.html, new RegExp(`href="${base}"`));
  assert.equal((await web.post(attemptUrl, { [qName]: '0' })).res.status, 303);
  assert.match((await web.get(attemptUrl)).html, /Quiz non réussi/);
  // No certificate before completion.
  assert.equal((await web.bytes(`${base}/attestation.pdf`)).res.status, 404);
  // Second and last attempt, right; then the lessons read by their button: completed.
  r = await web.post(`${base}/quiz/${quizId}/commencer`, {});
  await web.post(r.res.headers.get('location')!, { [qName]: '0' });
  assert.match((await web.get(r.res.headers.get('location')!)).html, /Quiz réussi : 1 point\(s\) sur 1, soit 100 %/);
  for (const l of mooc.lessons) await web.post(`${base}/lecons/${l}/lue`, {});
  const page = (await web.get(base)).html;
  assert.match(page, /Formation terminée/);
  assert.match(page, /✓ réussi/);
  // The attempts are used up: a third one is refused, nothing written.
  const used = await attempts();
  assert.match((await web.get(`${base}/quiz/${quizId}`)).html, /utilisé toutes vos tentatives/);
  r = await web.post(`${base}/quiz/${quizId}/commencer`, {});
  assert.doesNotMatch(r.res.headers.get('location') ?? '', /tentatives/);
  assert.equal(await attempts(), used);
  // The certificate, as an attachment, names the learner and the course.
  const pdf = await web.bytes(`${base}/attestation.pdf`);
  assert.equal(pdf.res.status, 200);
  assert.match(
    pdf.res.headers.get('content-disposition') ?? '',
    /^attachment; filename="attestation-[A-Z2-9-]{14}\.pdf"/,
  );
  assert.equal(Buffer.from(pdf.body).subarray(0, 5).toString(), '%PDF-');
  if (!toolSkip('/usr/bin/pdftotext', 'poppler-utils')) {
    const text = pdfTextOf(Buffer.from(pdf.body));
    assert.match(text, /Léa Apprenante/);
    assert.match(text, /Sauvegarder ses données/);
    assert.match(text, /Durée : 45 min/);
  }
  // Someone signed in but not enrolled in this MOOC: 404 on every page, and the services refuse.
  const member = new TestClient(app);
  await member.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await member.get(`${base}/quiz/${quizId}`)).res.status, 404);
  assert.equal((await member.post(`${base}/quiz/${quizId}/commencer`, {})).res.status, 404);
  assert.equal((await member.get(attemptUrl)).res.status, 404);
  assert.equal((await member.bytes(`${base}/attestation.pdf`)).res.status, 404);
  const found = (await findPublicCourse(odb.db, mooc.id))!;
  const stranger = { id: b.users.entrepreneur.id, displayName: 'X' };
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) => moocStartAttempt(tx, found, stranger, quizId)),
    NotFoundError,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) => moocCertificatePdf(tx, found, stranger, 'https://x.example/v')),
    NotFoundError,
  );
  // The learner's attempt seen through another course's address: 404.
  const other = await course(a, 'public', 'Un autre MOOC');
  assert.equal((await web.get(`/mooc/${other.id}/tentatives/${attemptUrl.split('/').pop()}`)).res.status, 404);
});
