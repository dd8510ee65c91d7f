// The thread kept with a quote request: the entrepreneur writes from the request page, the customer
// gets an e-mail with a signed link, reads and answers without an account; the answer lands in
// the entrepreneur's inbox. Forged links, robots, floods, closed requests and other cooperatives
// are kept out; the public page shows nothing private beyond the thread.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { marketDb } from './db.ts';
import { saveProfile } from './profile.service.ts';
import { closeRequest, requestFillToken, verifyToken } from './requests.service.ts';
import {
  MAX_REPLIES_PER_REQUEST_PER_HOUR,
  postEntrepreneurMessage,
  requestThread,
  threadToken,
} from './messages.service.ts';
import { confirmedRequest } from './testing.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let key: Buffer;
let a: TestCoop;
let b: TestCoop;
let requestId = '';
let ent: TestClient;

const CUSTOMER = {
  name: 'Camille Martin',
  email: 'camille.fil@example.org',
  message: 'Rénover une salle de bain de 6 m².',
};
const PHONE = '04 72 00 11 22';

before(async () => {
  let config: Awaited<ReturnType<typeof createTestApp>>['config'];
  ({ odb, app, config } = await createTestApp());
  key = config.fileKey;
  [a, b] = await seedTestCooperatives(odb, { withPasswords: true });
  await withTenant(odb.db, a.coop.id, (tx) =>
    saveProfile(tx, a.actor('entrepreneur'), a.activityId, {
      displayName: 'Atelier Mercière',
      headline: 'Rénovation, plomberie et électricité',
      description: 'Artisan du bâtiment en coopérative.',
      category: 'batiment',
      postcode: '69003',
      radiusKm: '40',
      publicPhone: '',
      published: 'on',
    }),
  );
  requestId = await confirmedRequest(
    odb,
    key,
    { cooperativeId: a.coop.id, activityId: a.activityId, activityName: 'Atelier Mercière' },
    { ...CUSTOMER, phone: PHONE },
  );
  ent = new TestClient(app);
  await ent.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
});
after(async () => {
  await odb.close();
});

const messagesIn = (coop: TestCoop, request = requestId) =>
  marketDb(odb.db)
    .selectFrom('market_message')
    .select(['author', 'body'])
    .where('cooperative_id', '=', coop.coop.id)
    .where('request_id', '=', request)
    .orderBy('created_at')
    .execute();
const reply = (body: string, over: Record<string, string> = {}) => ({
  body,
  website: '',
  t: requestFillToken(key, Date.now() - 10_000),
  ...over,
});
/** The thread link of the last e-mail sent to the customer. */
async function mailedLink(): Promise<string> {
  const mail = await odb.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', CUSTOMER.email)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return new URL(/http:\/\/localhost[^\s]*\/demande-de-devis\/fil\/[^\s]+/.exec(mail.text_body)![0]).pathname;
}

test('the entrepreneur writes from the request page; the customer gets a signed link and reads the thread', async () => {
  const empty = await ent.post(`/ma-vitrine/demandes/${requestId}/message`, { body: ' ' });
  assert.equal(empty.res.status, 400);
  assert.match(empty.html, /Le message est vide/);
  assert.equal((await messagesIn(a)).length, 0);
  const sent = await ent.post(`/ma-vitrine/demandes/${requestId}/message`, {
    body: 'Bonjour, quelle est la surface du carrelage mural ?',
  });
  assert.equal(sent.res.status, 303);
  const link = await mailedLink();
  assert.equal(link, `/demande-de-devis/fil/${threadToken(key, a.coop.id, requestId)}`);
  const page = await new TestClient(app).get(link);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Votre demande à Atelier Mercière/);
  assert.match(page.html, /quelle est la surface du carrelage mural/);
  assert.match(page.html, /Rénover une salle de bain/);
  assert.match(page.html, /noindex/);
  // Nothing private beyond the thread: no e-mail address (the customer's or the entrepreneur's),
  // no phone, no name of the entrepreneur's account.
  assert.doesNotMatch(page.html, /[\w.+-]+@[\w-]+\.(test|org)\b/);
  assert.ok(!page.html.includes(PHONE));
  assert.ok(!page.html.includes(a.users.entrepreneur.email));
  const own = await ent.get(`/ma-vitrine/demandes/${requestId}`);
  assert.match(own.html, /Conversation avec Camille Martin/);
  assert.match(own.html, /quelle est la surface du carrelage mural/);
});

test('the customer answers without an account; the answer waits in the entrepreneur’s inbox until answered', async () => {
  const customer = new TestClient(app);
  const link = await mailedLink();
  await customer.get(link);
  const empty = await customer.post(link, reply(''));
  assert.equal(empty.res.status, 400);
  assert.match(empty.html, /Le message est vide/);
  const r = await customer.post(link, reply('Environ 12 m² de faïence, merci !'));
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Message envoyé/);
  assert.match(r.html, /Environ 12 m² de faïence/);
  assert.deepEqual(
    (await messagesIn(a)).map((m) => m.author),
    ['entrepreneur', 'customer'],
  );
  const home = await ent.get('/');
  assert.match(home.html, /Message de Camille Martin sur sa demande de devis/);
  assert.match(home.html, /Environ 12 m² de faïence/);
  // Another entrepreneur's inbox (the other cooperative) has nothing of it.
  const other = new TestClient(app);
  await other.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  assert.doesNotMatch((await other.get('/')).html, /Camille Martin/);
  // Answered: the item goes.
  await ent.post(`/ma-vitrine/demandes/${requestId}/message`, { body: 'Merci, je vous envoie un devis.' });
  assert.doesNotMatch((await ent.get('/')).html, /Message de Camille Martin/);
});

test('robots (honeypot, too fast, forged display time) get the same page and nothing is written', async () => {
  const customer = new TestClient(app);
  const link = await mailedLink();
  await customer.get(link);
  const before = (await messagesIn(a)).length;
  for (const over of [
    { website: 'http://spam.example' },
    { t: requestFillToken(key, Date.now()) },
    { t: '1.forged' },
  ] as Record<string, string>[]) {
    const r = await customer.post(link, reply('Achetez nos montres', over));
    assert.equal(r.res.status, 200);
    assert.match(r.html, /Message envoyé/);
  }
  assert.equal((await messagesIn(a)).length, before);
});

test('a wrong or forged link is refused, and so is one naming another cooperative', async () => {
  const good = threadToken(key, a.coop.id, requestId);
  const [coop, req, mac] = good.split('.');
  const forged = [
    `${coop}.${req}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, // one character changed
    `${coop}.${req}`, // no signature
    verifyToken(key, a.coop.id, requestId), // the confirmation link is not a thread link
    threadToken(Buffer.from('another key of thirty-two bytes!'), a.coop.id, requestId), // signed elsewhere
    `${b.coop.id}.${req}.${mac}`, // another cooperative with this signature
    threadToken(key, b.coop.id, requestId), // well signed, but the request is not in that cooperative
    'x.y.z',
  ];
  const web = new TestClient(app);
  await web.get('/marche');
  const before = (await messagesIn(a)).length;
  for (const t of forged) {
    const page = await web.get(`/demande-de-devis/fil/${t}`);
    assert.equal(page.res.status, 404, t);
    assert.doesNotMatch(page.html, /carrelage/);
    const post = await web.post(`/demande-de-devis/fil/${t}`, reply('Je réponds par un faux lien'));
    assert.equal(post.res.status, 404, t);
  }
  assert.equal((await messagesIn(a)).length, before);
});

test('another cooperative, or a role without the permission, cannot read or write the thread', async () => {
  const other = new TestClient(app);
  await other.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await other.get(`/ma-vitrine/demandes/${requestId}`)).res.status, 404);
  const post = await other.post(`/ma-vitrine/demandes/${requestId}/message`, { body: 'Je me glisse dans le fil' });
  assert.equal(post.res.status, 404);
  await assert.rejects(withTenant(odb.db, b.coop.id, (tx) => requestThread(tx, b.actor('director'), requestId)));
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) => requestThread(tx, a.actor('accountant'), requestId)),
    ForbiddenError,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) =>
      postEntrepreneurMessage(tx, a.actor('accountant'), key, requestId, { body: 'Bonjour' }, 'http://localhost'),
    ),
    ForbiddenError,
  );
  assert.equal((await messagesIn(b)).length, 0);
  assert.ok(!(await messagesIn(a)).some((m) => /glisse/.test(m.body)));
});

test('a flood of answers is stopped with a clear message; a closed request takes no answer', async () => {
  const id = await confirmedRequest(
    odb,
    key,
    { cooperativeId: a.coop.id, activityId: a.activityId, activityName: 'Atelier Mercière' },
    { name: 'Dominique Petit', email: 'dominique@example.org', message: 'Poser une cuisine équipée.' },
  );
  const link = `/demande-de-devis/fil/${threadToken(key, a.coop.id, id)}`;
  const customer = new TestClient(app);
  await customer.get(link);
  for (let i = 0; i < MAX_REPLIES_PER_REQUEST_PER_HOUR; i++)
    assert.equal((await customer.post(link, reply(`Précision numéro ${i + 1}`))).res.status, 200);
  const refused = await customer.post(link, reply('Encore une précision'));
  assert.equal(refused.res.status, 400);
  assert.match(refused.html, /plusieurs messages en peu de temps/);
  assert.equal((await messagesIn(a, id)).length, MAX_REPLIES_PER_REQUEST_PER_HOUR);
  await withTenant(odb.db, a.coop.id, (tx) => closeRequest(tx, a.actor('entrepreneur'), id));
  const closed = await customer.get(link);
  assert.match(closed.html, /la conversation est fermée/);
  const late = await customer.post(link, reply('Et maintenant ?'));
  assert.equal(late.res.status, 400);
  assert.equal((await messagesIn(a, id)).length, MAX_REPLIES_PER_REQUEST_PER_HOUR);
});
