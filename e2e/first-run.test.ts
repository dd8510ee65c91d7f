// First run on an empty database: the welcome screen, then creating one's own cooperative.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../src/app/testing-web.ts';
import type { OpenDb } from '../src/core/db/index.ts';
import { makeSiren } from '../src/core/identifiers.ts';
import { moduleView } from '../src/core/db/handles.ts';
import type { DirectoryTables } from '../src/modules/directory/index.ts';

const testDb = moduleView<DirectoryTables>();

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
before(async () => {
  ({ odb, app } = await createTestApp());
});
after(async () => {
  await odb.close();
});

const counts = async () => ({
  networks: (await testDb(odb.db).selectFrom('network').select('id').execute()).length,
  coops: (await testDb(odb.db).selectFrom('cooperative').select('id').execute()).length,
  users: (await odb.db.selectFrom('user_account').select('id').execute()).length,
});
const GOOD = {
  name: 'Coopérative des Tilleuls',
  legalForm: 'SCOP SARL à capital variable',
  siren: makeSiren('81234567'),
  addressLine: '3 place du Marché',
  postalCode: '35000',
  city: 'Rennes',
  rcsCity: 'Rennes',
  displayName: 'Camille Martin',
  email: 'camille@tilleuls.coop',
  password: 'les tilleuls fleurissent en juin',
};

test('on an empty database, GET / leads to the welcome screen', async () => {
  const c = new TestClient(app);
  const home = await c.get('/');
  assert.equal(home.res.status, 302);
  assert.equal(home.res.headers.get('location'), '/bienvenue');
  const welcome = await c.get('/bienvenue');
  assert.equal(welcome.res.status, 200);
  assert.match(welcome.html, /action="\/bienvenue\/demo"/);
  assert.match(welcome.html, /action="\/bienvenue\/creer"/);
});

test('bad input shows French errors beside the fields and writes nothing', async () => {
  const c = new TestClient(app);
  await c.get('/bienvenue');
  const weak = await c.post('/bienvenue/creer', { ...GOOD, password: 'court' });
  assert.equal(weak.res.status, 400);
  assert.match(weak.html, /id="f-password-error"[^>]*>Le mot de passe doit compter au moins 12 caractères/);
  const bad = await c.post('/bienvenue/creer', { ...GOOD, siren: '123456789', postalCode: '350', name: '' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /id="f-siren-error"[^>]*>SIREN invalide/);
  assert.match(bad.html, /id="f-postalCode-error"[^>]*>Code postal : 5 chiffres/);
  assert.match(bad.html, /id="f-name-error"[^>]*>Indiquez la raison sociale/);
  assert.match(bad.html, /value="camille@tilleuls.coop"/, 'what was typed is kept');
  const badEmail = await c.post('/bienvenue/creer', { ...GOOD, email: 'pas-une-adresse' });
  assert.equal(badEmail.res.status, 400);
  assert.match(badEmail.html, /id="f-email-error"[^>]*>Adresse e-mail invalide/);
  assert.deepEqual(await counts(), { networks: 0, coops: 0, users: 0 }, 'nothing written');
});

test('good input creates the network, the cooperative and its director, who can sign in', async () => {
  const c = new TestClient(app);
  await c.get('/bienvenue');
  const r = await c.post('/bienvenue/creer', GOOD);
  assert.equal(r.res.status, 302);
  assert.equal(r.res.headers.get('location'), '/connexion');
  assert.deepEqual(await counts(), { networks: 1, coops: 1, users: 1 });
  const m = await testDb(odb.db)
    .selectFrom('membership')
    .innerJoin('user_account', 'user_account.id', 'membership.user_id')
    .select(['membership.role', 'user_account.email'])
    .execute();
  assert.deepEqual(m, [{ role: 'director', email: 'camille@tilleuls.coop' }]);
  const signin = await c.signIn(GOOD.email, GOOD.password);
  assert.equal(signin.res.status, 302);
  const coop = await c.get('/cooperative');
  assert.equal(coop.res.status, 200);
  assert.match(coop.html, /Coopérative des Tilleuls/);
  // Once a cooperative exists, the first-run actions are closed.
  const again = await c.post('/bienvenue/creer', { ...GOOD, email: 'autre@tilleuls.coop' });
  assert.equal(again.res.status, 302);
  assert.equal((await counts()).coops, 1);
});
