import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../app/testing.ts';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../app/testing-web.ts';
import { addMembership } from '../modules/directory/index.ts';
import type { OpenDb } from '../core/db/index.ts';
import { newTotpSecret, enableTotp, currentTotp } from '../core/auth/totp.ts';
import { moduleView } from '../core/db/handles.ts';
import type { DirectoryTables } from '../modules/directory/index.ts';

const testDb = moduleView<DirectoryTables>();

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

test('health answers ok with the backend name', async () => {
  const r = await app.request('http://localhost/health');
  const body = (await r.json()) as { status: string; db: string };
  assert.equal(body.status, 'ok');
  assert.equal(body.db, process.env.DATABASE_URL ? 'postgres' : 'pglite');
});

test('pages send security headers with a CSP that forbids inline scripts', async () => {
  const r = await app.request('http://localhost/connexion');
  const csp = r.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  const html = await r.text();
  assert.doesNotMatch(html, /<script>(?!<\/script>)/, 'no inline script body');
});

test('a signed-out visitor is sent to the sign-in page, and signs in', async () => {
  const c = new TestClient(app);
  const home = await c.get('/');
  assert.equal(home.res.status, 302);
  assert.match(home.res.headers.get('location')!, /\/connexion/);
  const bad = await c.signIn(a.users.entrepreneur.email, 'mauvais');
  assert.equal(bad.res.status, 401);
  assert.match(bad.html, /Adresse e-mail ou mot de passe incorrect/);
  const ok = await c.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal(ok.res.status, 302);
  const page = await c.get('/');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Bonjour Entrepreneur/);
});

test('a state change without the CSRF token is refused and changes nothing', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const r = await c.post('/activites/nouvelle', { name: 'Sans jeton', analyticCode: 'NOCSRF' }, { csrf: null });
  assert.equal(r.res.status, 403);
  const wrong = await c.post(
    '/activites/nouvelle',
    { name: 'Mauvais jeton', analyticCode: 'BADCSRF' },
    { csrf: 'forged' },
  );
  assert.equal(wrong.res.status, 403);
  const foreign = await c.post(
    '/activites/nouvelle',
    { name: 'Autre site', analyticCode: 'XSITE' },
    { headers: { origin: 'https://evil.example' } },
  );
  assert.equal(foreign.res.status, 403);
  const n = await testDb(odb.db)
    .selectFrom('activity')
    .select('id')
    .where('analytic_code', 'in', ['NOCSRF', 'BADCSRF', 'XSITE'])
    .execute();
  assert.equal(n.length, 0);
  const good = await c.post('/activites/nouvelle', { name: 'Avec jeton', analyticCode: 'OKCSRF' });
  assert.equal(good.res.status, 302);
});

test('the cooperative form rejects bad input with French messages beside the fields and writes nothing', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const r = await c.post('/cooperative', {
    name: 'Nouveau nom',
    legalForm: 'SCOP',
    capital: '10 000',
    siren: '123456789',
    rcsCity: 'Lyon',
    addressLine: '1 rue',
    postalCode: '6900',
    city: 'Lyon',
    iban: 'FR76 0000',
    fiscalYearStartMonth: '1',
  });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /id="f-siren-error"[^>]*>SIREN invalide/);
  assert.match(r.html, /id="f-postalCode-error"[^>]*>Code postal : 5 chiffres/);
  assert.match(r.html, /id="f-iban-error"[^>]*>IBAN invalide/);
  assert.match(r.html, /value="Nouveau nom"/, 'what was typed is kept');
  const coop = await testDb(odb.db)
    .selectFrom('cooperative')
    .select('name')
    .where('id', '=', a.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(coop.name, a.coop.name);
});

test('the activity and invitation forms reject bad input beside the field', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  const act = await c.post('/activites/nouvelle', { name: 'X', analyticCode: 'a b' });
  assert.equal(act.res.status, 400);
  assert.match(act.html, /id="f-analyticCode-error"[^>]*>Code analytique/);
  assert.match(act.html, /id="f-name-error"/);
  const dup = await c.post('/activites/nouvelle', { name: 'Doublon', analyticCode: a.analyticCode });
  assert.match(dup.html, /déjà utilisé/);
  const inv = await c.post('/membres/inviter', { displayName: '', email: 'pas-une-adresse', role: 'entrepreneur' });
  assert.equal(inv.res.status, 400);
  assert.match(inv.html, /id="f-email-error"[^>]*>Adresse e-mail invalide/);
  const mails = await odb.db
    .selectFrom('mail_outbox')
    .select('id')
    .where('to_address', '=', 'pas-une-adresse')
    .execute();
  assert.equal(mails.length, 0);
});

test('an invitation by e-mail creates the account and membership', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  const r = await c.post('/membres/inviter', {
    displayName: 'Zoé Nouvelle',
    email: 'zoe@exemple.fr',
    role: 'entrepreneur',
  });
  assert.equal(r.res.status, 302);
  const mail = await odb.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', 'zoe@exemple.fr')
    .executeTakeFirstOrThrow();
  const link = mail.text_body.match(/\/invitation\/[A-Za-z0-9_-]+/)![0];
  const guest = new TestClient(app);
  const page = await guest.get(link);
  assert.match(page.html, /Créer votre compte/);
  const weak = await guest.post(link, { displayName: 'Zoé Nouvelle', password: 'court' });
  assert.equal(weak.res.status, 400);
  assert.match(weak.html, /au moins 12 caractères/);
  const done = await guest.post(link, { displayName: 'Zoé Nouvelle', password: 'une phrase assez longue' });
  assert.equal(done.res.status, 302);
  const again = await guest.get(link);
  assert.match(again.html, /déjà été utilisé/);
  await guest.signIn('zoe@exemple.fr', 'une phrase assez longue');
  assert.match((await guest.get('/')).html, /Bonjour Zoé/);
});

test('members of one cooperative never see another one through HTTP', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const list = await c.get('/membres');
  assert.match(list.html, new RegExp(a.users.support.email));
  assert.doesNotMatch(list.html, new RegExp(b.users.support.email));
  // Switching to a cooperative one is not a member of is refused.
  await c.post('/cooperative/changer', { cooperativeId: b.coop.id });
  const after = await c.get('/membres');
  assert.doesNotMatch(after.html, new RegExp(b.users.support.email));
  // An entrepreneur cannot open staff pages.
  const e = new TestClient(app);
  await e.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await e.get('/membres')).res.status, 403);
  assert.equal((await e.get('/audit')).res.status, 403);
});

test('a member of two cooperatives switches between them', async () => {
  await addMembership(odb.db, b.coop.id, a.users.support.id, 'support');
  const c = new TestClient(app);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  assert.match((await c.get('/membres')).html, new RegExp(a.users.entrepreneur.email));
  const sw = await c.post('/cooperative/changer', { cooperativeId: b.coop.id });
  assert.equal(sw.res.status, 302);
  const list = await c.get('/membres');
  assert.match(list.html, new RegExp(b.users.entrepreneur.email));
  assert.doesNotMatch(list.html, new RegExp(a.users.entrepreneur.email));
});

test('with TOTP on, sign-in asks for the code before any page', async () => {
  const secret = newTotpSecret();
  const earlier = new Date(Date.now() - 30_000);
  await enableTotp(
    odb.db,
    b.users.accountant.id,
    secret,
    await currentTotp(secret, Math.floor(earlier.getTime() / 1000)),
    earlier,
  );
  const c = new TestClient(app);
  const r = await c.signIn(b.users.accountant.email, TEST_PASSWORD);
  assert.match(r.res.headers.get('location')!, /\/connexion\/2fa/);
  assert.equal((await c.get('/cooperative')).res.status, 302, 'no page before the second factor');
  await c.get('/connexion/2fa');
  const wrong = await c.post('/connexion/2fa', { code: '000000', retour: '/' });
  assert.equal(wrong.res.status, 401);
  const ok = await c.post('/connexion/2fa', { code: await currentTotp(secret), retour: '/' });
  assert.equal(ok.res.status, 302);
  assert.equal((await c.get('/cooperative')).res.status, 200);
});

test('signing out revokes the session', async () => {
  const c = new TestClient(app);
  await c.signIn(b.users.director.email, TEST_PASSWORD);
  const cookie = c.cookies.get('rad_session')!;
  await c.post('/deconnexion', {});
  const replay = await app.request('http://localhost/', { headers: { cookie: `rad_session=${cookie}` } });
  assert.equal(replay.status, 302, 'the old cookie no longer opens a session');
});

test('escapeHtml neutralises markup and both quote kinds', async () => {
  const { escapeHtml } = await import('./escape.ts');
  assert.equal(
    escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`),
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
  );
});
