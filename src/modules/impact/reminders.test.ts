// Wave reminders: members asked through « Mes enquêtes » (announced in the digest), addresses by
// e-mail with personal links; the daily job reminds only those whose link is unused and who did
// not opt out, one reminder per week, at most the wave's number; an e-mailed reminder carries a
// fresh link (the old one stops). The send list never reaches the answers: the answer row keeps
// no link, and the team sees counts, never who answered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { todayParis } from '../../core/dates.ts';
import { impactDb } from './db.ts';
import { sendSurveyReminders } from './reminders.service.ts';

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

async function signed(coop: TestCoop, role: 'support' | 'entrepreneur' | 'cape' | 'director') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}
const plusDays = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);
const WHO5 = { q0: '3', q1: '3', q2: '4', q3: '2', q4: '3' };
const LINK = /\/enquete\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{32})/;
async function mailsTo(address: string) {
  return impactDb(odb.db)
    .selectFrom('mail_outbox')
    .select(['text_body', 'subject'])
    .where('to_address', '=', address)
    .where('dedupe_key', 'like', 'impact-survey:%')
    .execute();
}
const linkOf = (text: string) => LINK.exec(text)![1]!;

test('reminders go only to those who did not answer nor opt out, at most N, and never reveal who answered what', async () => {
  const sup = await signed(a, 'support');
  const created = await sup.post('/impact/enquetes', {
    title: 'Bien-être des entrepreneur·es',
    questionnaire: 'who5',
    audience: 'entrepreneurs',
    emails: 'un@exemple.fr\nDeux@Exemple.fr\ntrois@exemple.fr',
    max_reminders: '2',
    links: '0',
  });
  assert.equal(created.res.status, 200);
  // Junk is refused beside its field.
  const bad = await sup.post('/impact/enquetes', { title: 'Essai', emails: 'pas une adresse', links: '0' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Adresse invalide/);

  // Each address got its personal link.
  const [un, deux, trois] = await Promise.all(['un@exemple.fr', 'deux@exemple.fr', 'trois@exemple.fr'].map(mailsTo));
  assert.equal(un!.length, 1);
  assert.equal(deux!.length, 1);
  assert.equal(trois!.length, 1);
  const anon = new TestClient(app);
  // « un » answers; « deux » asks for no reminder.
  assert.equal((await anon.post(`/enquete/${linkOf(un![0]!.text_body)}`, WHO5)).res.status, 200);
  const deuxLink = linkOf(deux![0]!.text_body);
  assert.equal((await anon.get(`/enquete/${deuxLink}/sans-relance`)).res.status, 200);
  assert.equal((await anon.post(`/enquete/${deuxLink}/sans-relance`, {})).res.status, 200);
  assert.equal((await anon.post('/enquete/garbage/sans-relance', {})).res.status, 404);

  // The entrepreneur answers from « Mes enquêtes » (a fresh one-time link); the CAPE member does not.
  const ent = await signed(a, 'entrepreneur');
  let mine = await ent.get('/impact/mes-enquetes');
  assert.match(mine.html, /Bien-être des entrepreneur·es/);
  const id = /\/impact\/mes-enquetes\/([0-9a-f-]{36})\/repondre/.exec(mine.html)![1]!;
  const open = await ent.post(`/impact/mes-enquetes/${id}/repondre`, {});
  assert.equal(open.res.status, 303);
  const entLink = LINK.exec(open.res.headers.get('location') ?? '')![1]!;
  assert.equal((await anon.post(`/enquete/${entLink}`, WHO5)).res.status, 200);
  mine = await ent.get('/impact/mes-enquetes');
  assert.match(mine.html, /Aucune enquête ne vous attend/);
  assert.equal((await ent.post(`/impact/mes-enquetes/${id}/repondre`, {})).res.status, 404);
  // Another person, or another cooperative, cannot use someone's invitation.
  assert.equal((await (await signed(a, 'cape')).post(`/impact/mes-enquetes/${id}/repondre`, {})).res.status, 404);
  assert.equal(
    (await (await signed(b, 'entrepreneur')).post(`/impact/mes-enquetes/${id}/repondre`, {})).res.status,
    404,
  );
  assert.equal((await ent.post('/impact/mes-enquetes/not-a-uuid/repondre', {})).res.status, 404);

  const today = todayParis();
  // Not a week yet: nobody.
  assert.equal(await sendSurveyReminders(odb.db, plusDays(today, 6), 'https://radieuse.test'), 0);
  // A week later: « trois » by e-mail and the CAPE member through the digest; not « un » (answered),
  // not « deux » (opted out), not the entrepreneur (answered).
  assert.equal(await sendSurveyReminders(odb.db, plusDays(today, 7), 'https://radieuse.test'), 2);
  assert.equal((await mailsTo('un@exemple.fr')).length, 1);
  assert.equal((await mailsTo('deux@exemple.fr')).length, 1);
  const trois2 = await mailsTo('trois@exemple.fr');
  assert.equal(trois2.length, 2);
  const reminder = trois2.find((m) => /Rappel/.test(m.subject))!;
  assert.match(reminder.text_body, /ne fonctionne plus/);
  // The old link stopped; the new one works.
  assert.equal((await anon.get(`/enquete/${linkOf(trois![0]!.text_body)}`)).res.status, 404);
  const newLink = linkOf(reminder.text_body);
  assert.equal((await anon.get(`/enquete/${newLink}`)).res.status, 200);
  assert.match((await (await signed(a, 'cape')).get('/impact/mes-enquetes')).html, /Bien-être des entrepreneur·es/);
  // Same day again: nothing; the week after: the second and last reminder; then never again.
  assert.equal(await sendSurveyReminders(odb.db, plusDays(today, 7), 'https://radieuse.test'), 0);
  assert.equal(await sendSurveyReminders(odb.db, plusDays(today, 14), 'https://radieuse.test'), 2);
  assert.equal(await sendSurveyReminders(odb.db, plusDays(today, 21), 'https://radieuse.test'), 0);
  assert.equal((await mailsTo('trois@exemple.fr')).length, 3);

  // Anonymity: the answer rows hold no link, person or time; the send list holds no answer.
  const answers = await impactDb(odb.db).selectFrom('impact_survey_answer').selectAll().execute();
  assert.equal(answers.length, 2);
  for (const r of answers)
    assert.deepEqual(Object.keys(r).sort(), [
      'answered_on',
      'answers',
      'cooperative_id',
      'id',
      'items',
      'score',
      'survey_id',
    ]);
  const recipients = await impactDb(odb.db).selectFrom('impact_survey_recipient').selectAll().execute();
  for (const r of recipients)
    for (const a of answers) assert.ok(!Object.values(r).some((v) => v === a.id), 'no answer id in the send list');
  // The team sees counts, never names or addresses.
  const page = await sup.get('/impact/enquetes');
  assert.match(page.html, /invitées \(2 par\s+Radieuse, 3 par e-mail\) · 4 relances · 1 sans relance/);
  assert.doesNotMatch(page.html, /exemple\.fr/);
  assert.doesNotMatch(page.html, new RegExp(a.users.entrepreneur.email.replace('.', '\\.')));
});
