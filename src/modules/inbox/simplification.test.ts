// Beginner mode (toggle on the home page, <Advanced> folding advanced options) and the first-use
// guided steps, through HTTP.
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { TenantTx as Tx } from './db.ts';
import { makeIban } from '../../core/identifiers.ts';
import { setOwnBankDetails } from '../directory/index.ts';
import { createCustomer, createDraft } from '../sales/index.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
const tx = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(t.odb.db, A.coop.id, fn);

before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
});
after(async () => {
  await t?.odb.close();
});

const stepState = (html: string) =>
  Object.fromEntries([...html.matchAll(/<li class="step-(done|todo)" data-step="(\w+)">/g)].map((m) => [m[2], m[1]]));

test('beginner mode: on by default, advanced options folded; the home toggle switches it off and on', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  let home = await ent.get('/');
  assert.match(home.html, /Mode simplifié : <strong>activé<\/strong>/);
  let prefs = await ent.get('/preferences-notifications');
  assert.match(
    prefs.html,
    /<details class="more"><summary>Plus d&#39;options<\/summary>|<details class="more"><summary>Plus d'options<\/summary>/,
  );
  assert.match(prefs.html, /<details class="more">[\s\S]*id="f-frequency-daily"[\s\S]*<\/details>/);
  assert.doesNotMatch(prefs.html, /<details class="more">[\s\S]*id="f-frequency-weekly"/);

  let r = await ent.post('/mode-simplifie', { beginnerMode: 'off' });
  assert.equal(r.res.status, 303);
  home = await ent.get('/');
  assert.match(home.html, /Mode simplifié : <strong>désactivé<\/strong>/);
  prefs = await ent.get('/preferences-notifications');
  assert.doesNotMatch(prefs.html, /<details class="more"/);
  assert.match(prefs.html, /id="f-frequency-daily"/);
  // Another person is not affected.
  const sup = new TestClient(t.app);
  await sup.signIn(A.users.support.email, TEST_PASSWORD);
  assert.match((await sup.get('/preferences-notifications')).html, /<details class="more"/);

  r = await ent.post('/mode-simplifie', { beginnerMode: 'on' });
  assert.equal(r.res.status, 303);
  assert.match((await ent.get('/preferences-notifications')).html, /<details class="more"/);
  // An advanced choice already made is shown unfolded.
  await ent.post('/preferences-notifications', { frequency: 'daily' });
  assert.match(
    (await ent.get('/preferences-notifications')).html,
    /<details class="more" open="">|<details class="more" open>/,
  );
  // Without the CSRF token nothing changes.
  const raw = await t.app.request('/mode-simplifie', {
    method: 'POST',
    body: new URLSearchParams({ beginnerMode: 'off' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.notEqual(raw.status, 303);
});

test('first steps: four steps ticked as the state changes, the card disappears once all are done; only for entrepreneurs', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  let home = await ent.get('/');
  assert.match(home.html, /Pour bien démarrer \(1\/4\)/);
  // The seeded entrepreneur owns an activity already.
  assert.deepEqual(stepState(home.html), { profile: 'todo', activity: 'done', customer: 'todo', document: 'todo' });
  assert.match(home.html, /href="\/profil\/banque"/);
  assert.match(home.html, /href="\/clients\/nouveau"/);

  await tx((trx) =>
    setOwnBankDetails(trx, A.actor('entrepreneur'), { iban: makeIban('FR', '30004000310000001234567'), bic: '' }),
  );
  home = await ent.get('/');
  assert.deepEqual(stepState(home.html), { profile: 'done', activity: 'done', customer: 'todo', document: 'todo' });

  const customer = await tx((trx) =>
    createCustomer(trx, A.actor('entrepreneur'), {
      kind: 'individual',
      name: 'Jeanne Martin',
      email: 'jeanne@exemple.fr',
      addressLine1: '3 rue des Tests',
      postalCode: '69002',
      city: 'Lyon',
      countryCode: 'FR',
    }),
  );
  home = await ent.get('/');
  assert.match(home.html, /Pour bien démarrer \(3\/4\)/);
  assert.equal(stepState(home.html).customer, 'done');

  await tx((trx) =>
    createDraft(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      customerId: customer.id,
      lines: [
        { description: 'Atelier', quantityMilli: 1000, unitPriceCents: 10000, vatCategory: 'S', vatRateBp: 2000 },
      ],
    }),
  );
  home = await ent.get('/');
  assert.doesNotMatch(home.html, /Pour bien démarrer/);

  const sup = new TestClient(t.app);
  await sup.signIn(A.users.support.email, TEST_PASSWORD);
  assert.doesNotMatch((await sup.get('/')).html, /Pour bien démarrer/);
});
