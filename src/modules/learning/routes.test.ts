// The learning pages over HTTP: an author builds and publishes a course through the forms (bad
// input comes back with the French message by the field, nothing written), a learner of another
// cooperative of the network follows it, and another network sees nothing of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { countRows } from './testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createJourney, transitionJourney } from '../journeys/index.ts';

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

async function as(k: TestCoop, role: keyof TestCoop['users']) {
  const client = new TestClient(app);
  await client.signIn(k.users[role].email, TEST_PASSWORD);
  return client;
}
const idFrom = (res: Response, re: RegExp) => re.exec(res.headers.get('location') ?? '')?.[1] ?? '';

test('an author builds, orders and publishes a course through the forms; learners follow it; errors stay by their field', async () => {
  const dir = await as(a, 'director');
  let r = await dir.post('/formations', { title: 'X', durationMinutes: 'abc', visibility: 'network' });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Titre : 3 caractères au moins/);
  r = await dir.post('/formations', { title: 'Titre correct', durationMinutes: 'abc', visibility: 'network' });
  assert.match(r.html, /Durée \(minutes\) : un nombre entier/);
  r = await dir.post('/formations', {
    title: 'Comprendre son compte d’activité',
    summary: 'Lire **son** compte',
    durationMinutes: '120',
    visibility: 'network',
  });
  assert.equal(r.res.status, 303);
  const id = idFrom(r.res, /\/formations\/([0-9a-f-]{36})\/modifier/);
  assert.ok(id);
  assert.equal((await dir.post(`/formations/${id}/parties`, { sectionTitle: '' })).res.status, 400);
  await dir.post(`/formations/${id}/parties`, { sectionTitle: 'Lire son compte' });
  let page = (await dir.get(`/formations/${id}/modifier`)).html;
  const sectionId = /<option value="([0-9a-f-]{36})"[^>]*>Lire son compte<\/option>/.exec(page)?.[1];
  assert.ok(sectionId);
  r = await dir.post(`/formations/${id}/lecons`, {
    sectionId: sectionId!,
    title: 'Les recettes',
    body: 'Texte <img src=x onerror=alert(1)>',
    videoUrl: 'ftp://x',
  });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Lien vidéo invalide/);
  await dir.post(`/formations/${id}/lecons`, {
    sectionId: sectionId!,
    title: 'Les recettes',
    body: 'Texte <img src=x onerror=alert(1)>',
  });
  await dir.post(`/formations/${id}/lecons`, {
    sectionId: sectionId!,
    title: 'Les dépenses',
    body: '## Dépenses\n\n- achats',
  });
  page = (await dir.get(`/formations/${id}/modifier`)).html;
  const second = /href="\/formations\/[0-9a-f-]{36}\/lecons\/([0-9a-f-]{36})\/modifier">Les dépenses/.exec(page)?.[1];
  assert.ok(second);
  await dir.post(`/formations/${id}/deplacer`, { kind: 'lesson', id: second!, direction: 'up' });
  page = (await dir.get(`/formations/${id}`)).html;
  assert.ok(page.indexOf('Les dépenses') < page.indexOf('Les recettes'), 'reordered');
  r = await dir.post(`/formations/${id}/quiz`, { quizTitle: 'Vérifier', passPercent: '150' });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Seuil de réussite \(%\) : un nombre entier de 0 à 100/);
  await dir.post(`/formations/${id}/quiz`, { quizTitle: 'Vérifier', passPercent: '100', maxAttempts: '3' });
  page = (await dir.get(`/formations/${id}/modifier`)).html;
  const quizId = /action="\/formations\/[0-9a-f-]{36}\/quiz\/([0-9a-f-]{36})\/questions"/.exec(page)?.[1];
  assert.ok(quizId);
  r = await dir.post(`/formations/${id}/quiz/${quizId}/questions`, {
    kind: 'numeric',
    prompt: 'Combien ?',
    numericValue: 'beaucoup',
  });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Valeur attendue : un nombre/);
  await dir.post(`/formations/${id}/quiz/${quizId}/questions`, {
    kind: 'single',
    prompt: 'Où voir ses recettes ?',
    choices: '*Le compte d’activité | Oui.\nLe relevé bancaire | Non.',
  });
  // Not visible to b before publishing.
  const learner = await as(b, 'entrepreneur');
  assert.equal((await learner.get(`/formations/${id}`)).res.status, 404);
  await dir.post(`/formations/${id}/publier`, { published: '1' });
  assert.match((await dir.get(`/formations/${id}`)).html, /version 1/);
  // b's entrepreneur follows it: enrol → first lesson; the Markdown is sanitised.
  assert.match((await learner.get('/formations')).html, /Comprendre son compte d’activité/);
  r = await learner.post(`/formations/${id}/inscription`, {});
  assert.equal(r.res.status, 303);
  const lessonUrl = r.res.headers.get('location')!;
  const lesson = await learner.get(lessonUrl);
  assert.match(lesson.html, /Les dépenses/);
  assert.doesNotMatch(lesson.html, /<img src=x onerror/);
  // Reading the page counts nothing; its button does, and leads to the next lesson.
  assert.match((await learner.get(`/formations/${id}`)).html, /0 leçon\(s\) sur 2/);
  assert.match(lesson.html, /<button type="submit">J’ai lu cette leçon →<\/button>/);
  r = await learner.post(`${lessonUrl}/lue`, {});
  const next = r.res.headers.get('location')!;
  assert.match(next, /^\/formations\/[0-9a-f-]{36}\/lecons\/[0-9a-f-]{36}$/);
  assert.notEqual(next, lessonUrl);
  assert.match((await learner.get(`/formations/${id}`)).html, /1 leçon\(s\) sur 2/);
  // A lesson already read: the button only moves on.
  assert.match((await learner.get(lessonUrl)).html, /Leçon suivante : Les recettes →/);
  // The quiz page writes nothing: no attempt before « Commencer le quiz ».
  const attempts = () => countRows(odb, 'learning_attempt', b.coop.id);
  const before = await attempts();
  r = await learner.get(`/formations/${id}/quiz/${quizId}`);
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Commencer le quiz/);
  assert.equal(await attempts(), before);
  // The quiz: the form, a wrong answer, feedback, then the right one.
  r = await learner.post(`/formations/${id}/quiz/${quizId}/commencer`, {});
  const attemptUrl = r.res.headers.get('location')!;
  assert.equal(await attempts(), before + 1);
  // The open attempt: the quiz page leads back to it; starting again draws nothing new.
  assert.equal((await learner.get(`/formations/${id}/quiz/${quizId}`)).res.headers.get('location'), attemptUrl);
  assert.equal(
    (await learner.post(`/formations/${id}/quiz/${quizId}/commencer`, {})).res.headers.get('location'),
    attemptUrl,
  );
  let quiz = (await learner.get(attemptUrl)).html;
  const qName = /name="(q_[0-9a-f-]{36})"/.exec(quiz)![1];
  await learner.post(attemptUrl, { [qName]: '1' });
  quiz = (await learner.get(attemptUrl)).html;
  assert.match(quiz, /Quiz non réussi/);
  assert.match(quiz, /Non\./);
  assert.match(quiz, /Réponse attendue : Le compte d’activité/);
  r = await learner.post(`/formations/${id}/quiz/${quizId}/commencer`, {});
  await learner.post(r.res.headers.get('location')!, { [qName]: '0' });
  assert.doesNotMatch((await learner.get(`/formations/${id}`)).html, /Formation terminée/);
  assert.match((await learner.get(next)).html, /Les recettes/);
  r = await learner.post(`${next}/lue`, {});
  assert.equal(r.res.headers.get('location'), `/formations/${id}`);
  const course = (await learner.get(`/formations/${id}`)).html;
  assert.match(course, /Formation terminée/);
  // The author sees b's learner in the results; another network sees nothing.
  const res = (await dir.get(`/formations/${id}/resultats`)).html;
  assert.match(res, new RegExp(b.users.entrepreneur.email));
  const outsider = await as(other, 'director');
  assert.equal((await outsider.get(`/formations/${id}`)).res.status, 404);
  assert.equal((await outsider.get(`/formations/${id}/resultats`)).res.status, 404);
  assert.doesNotMatch((await outsider.get('/formations')).html, /Comprendre son compte/);
  // b's director cannot edit a's course.
  assert.equal((await (await as(b, 'director')).get(`/formations/${id}/modifier`)).res.status, 404);
});

test('cohorts over HTTP: the form says what is missing by the field; the group page follows the people', async () => {
  const dir = await as(a, 'director');
  let r = await dir.post('/formations', { title: 'Cours pour un groupe', durationMinutes: '30' });
  const id = idFrom(r.res, /\/formations\/([0-9a-f-]{36})\/modifier/);
  await dir.post(`/formations/${id}/parties`, { sectionTitle: 'Partie' });
  const page = (await dir.get(`/formations/${id}/modifier`)).html;
  const sectionId = /<option value="([0-9a-f-]{36})"[^>]*>Partie<\/option>/.exec(page)![1];
  await dir.post(`/formations/${id}/lecons`, { sectionId, title: 'Leçon', body: 'x' });
  await dir.post(`/formations/${id}/publier`, { published: '1' });
  const sup = await as(a, 'support');
  assert.match((await sup.get('/formations/groupes')).html, /Cours pour un groupe/);
  r = await sup.post('/formations/groupes', { courseId: id, name: 'Nouveaux CAPE' });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Choisissez au moins une personne/);
  r = await sup.post('/formations/groupes', {
    courseId: id,
    name: 'Nouveaux CAPE',
    userIds: [a.users.cape.id, a.users.entrepreneur.id],
  });
  assert.equal(r.res.status, 303);
  const group = await sup.get(r.res.headers.get('location')!);
  assert.match(group.html, /Nouveaux CAPE/);
  assert.match(group.html, /0 \/ 1/);
  const ent = await as(a, 'entrepreneur');
  assert.equal((await ent.get('/formations/groupes')).res.status, 403);
});

test('cohorts: « les nouveaux CAPE du trimestre » are pre-selected from the journeys caseload for the chosen quarter', async () => {
  // Hand-built: two members of `other` whose CAPE started in the first and the second quarter of last year.
  const y = new Date().getFullYear() - 1;
  const sup = other.actor('support');
  await withTenant(odb.db, other.coop.id, async (tx) => {
    for (const [who, capeStart, capeEnd] of [
      ['entrepreneur', `${y}-02-10`, `${y}-12-31`],
      ['cape', `${y}-05-04`, `${y + 1}-03-31`],
    ] as const) {
      const j = await createJourney(tx, sup, { userId: other.users[who].id, startedOn: `${y}-01-05` });
      await transitionJourney(tx, sup, j.id, { to: 'diagnostic', effectiveOn: `${y}-01-20` });
      await transitionJourney(tx, sup, j.id, { to: 'cape', effectiveOn: capeStart, capeEnd });
    }
  });
  const trainer = await as(other, 'support');
  const checked = (html: string, id: string) => new RegExp(`value="${id}"[^>]*checked`).test(html);
  let r = await trainer.get(`/formations/groupes?trimestre=${y}-T1`);
  assert.equal(r.res.status, 200);
  assert.ok(checked(r.html, other.users.entrepreneur.id), 'the CAPE of the first quarter is pre-selected');
  assert.ok(!checked(r.html, other.users.cape.id), 'the CAPE of the second quarter is not');
  assert.ok(!checked(r.html, other.users.accountant.id));
  assert.match(r.html, new RegExp(`value="Nouveaux CAPE du 1er trimestre ${y}"`));
  r = await trainer.get(`/formations/groupes?trimestre=${y}-T2`);
  assert.ok(checked(r.html, other.users.cape.id));
  assert.ok(!checked(r.html, other.users.entrepreneur.id));
  assert.match(r.html, new RegExp(`nouveau CAPE du 2e trimestre ${y}`));
  // Nobody started a CAPE in the third quarter; a bad quarter is refused.
  r = await trainer.get(`/formations/groupes?trimestre=${y}-T3`);
  assert.ok(!checked(r.html, other.users.cape.id) && !checked(r.html, other.users.entrepreneur.id));
  assert.equal((await trainer.get('/formations/groupes?trimestre=2026-T5')).res.status, 400);
});
