import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';

import type { OpenDb } from '../../core/db/index.ts';
import { withSystem } from '../../core/db/tenant.ts';
import { addMembership } from '../directory/index.ts';
import { verifyPassword } from '../../core/auth/password.ts';
import { uuidv7 } from '../../core/ids.ts';
import { deviceLabel } from './device-label.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

test('cookies are HttpOnly and SameSite=Lax, and Secure only when served over HTTPS', async () => {
  const plain = await app.request('http://localhost/connexion');
  const c1 = plain.headers.getSetCookie().find((x) => x.startsWith('rad_csrf='))!;
  assert.match(c1, /HttpOnly/);
  assert.match(c1, /SameSite=Lax/);
  assert.doesNotMatch(c1, /Secure/);
  const https = await app.request('http://localhost/connexion', { headers: { 'x-forwarded-proto': 'https' } });
  const c2 = https.headers.getSetCookie().find((x) => x.startsWith('rad_csrf='))!;
  assert.match(c2, /; Secure/);
  assert.match(https.headers.get('strict-transport-security') ?? '', /max-age=/);
  // The session cookie too, after a sign-in over HTTPS.
  const c = new TestClient(app);
  await c.get('/connexion');
  const r = await c.post(
    '/connexion',
    { email: a.users.support.email, password: TEST_PASSWORD },
    { headers: { 'x-forwarded-proto': 'https' } },
  );
  const session = r.res.headers.getSetCookie().find((x) => x.startsWith('rad_session='))!;
  assert.match(session, /HttpOnly/);
  assert.match(session, /; Secure/);
  assert.match(session, /SameSite=Lax/);
});

test('every POST route refuses a request without the CSRF token (except the token-link prefix)', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const posts = [...new Set(app.routes.filter((r) => r.method === 'POST').map((r) => r.path))];
  assert.ok(posts.length >= 15, `found ${posts.length} POST routes`);
  const exempt = /^\/public\/.+\/token\//;
  const checked: string[] = [];
  for (const path of posts) {
    const url = path.replace(/:[^/{]+(\{[^}]*\})?/g, uuidv7()).replace(/\*/g, 'x');
    if (exempt.test(url)) continue;
    const r = await c.post(url, { name: 'Sans jeton' }, { csrf: null });
    // The API takes only bearer tokens and ignores the session cookie: a forged cross-site POST
    // carrying the cookie is not signed in there (401) — nothing to protect with a CSRF token.
    const expected = url.startsWith('/api/v1/') ? 401 : 403;
    assert.equal(r.res.status, expected, `POST ${path} without CSRF token answered ${r.res.status}`);
    checked.push(path);
  }
  for (const p of [
    '/connexion',
    '/deconnexion',
    '/profil/mot-de-passe',
    '/profil/passkeys/options',
    '/connexion/passkey/verifier',
    '/membres/:id/roles',
    '/cooperative/logo',
  ]) {
    assert.ok(checked.includes(p), `${p} is covered`);
  }
  assert.ok(
    await c.get('/profil').then((r) => r.res.status === 200),
    'still signed in: the refused sign-out did nothing',
  );
});

test('password change: current password required, errors beside fields, other sessions revoked', async () => {
  const email = a.users.accountant.email;
  const other = new TestClient(app);
  await other.signIn(email, TEST_PASSWORD);
  const c = new TestClient(app);
  await c.signIn(email, TEST_PASSWORD);
  const bad = await c.post('/profil/mot-de-passe', { current: 'pas le bon', password: 'court', confirm: 'autre' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /id="f-current-error"[^>]*>Mot de passe actuel incorrect/);
  assert.match(bad.html, /id="f-password-error"[^>]*>Le mot de passe doit compter au moins 12/);
  assert.match(bad.html, /id="f-confirm-error"[^>]*>Les deux mots de passe ne sont pas identiques/);
  const row = await odb.db
    .selectFrom('user_account')
    .select('password_hash')
    .where('id', '=', a.users.accountant.id)
    .executeTakeFirstOrThrow();
  assert.equal(await verifyPassword(row.password_hash, TEST_PASSWORD), true, 'nothing written');
  const next = 'une toute nouvelle phrase secrète';
  const ok = await c.post('/profil/mot-de-passe', { current: TEST_PASSWORD, password: next, confirm: next });
  assert.equal(ok.res.status, 302);
  assert.equal((await c.get('/profil')).res.status, 200, 'this device stays signed in');
  assert.equal((await other.get('/profil')).res.status, 302, 'the other device is signed out');
  const again = new TestClient(app);
  assert.equal((await again.signIn(email, next)).res.status, 302);
  const log = await odb.db
    .selectFrom('audit_log')
    .select('action')
    .where('cooperative_id', '=', a.coop.id)
    .where('action', '=', 'auth.password_changed')
    .execute();
  assert.equal(log.length, 1);
});

test('the profile marks the current device and names browsers plainly', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.cape.email, TEST_PASSWORD);
  const p = await c.get('/profil');
  assert.match(p.html, /\(cet appareil\)/);
  assert.equal(
    deviceLabel('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'),
    'Firefox sur Linux',
  );
  assert.equal(
    deviceLabel(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    ),
    'Safari sur iOS',
  );
  assert.equal(deviceLabel(null), 'Appareil inconnu');
});

test('the sign-in page loads the passkey scripts and offers the passkey button; other pages do not', async () => {
  const c = new TestClient(app);
  const p = await c.get('/connexion');
  assert.match(p.html, /<script src="\/static\/webauthn.js" defer/);
  assert.match(p.html, /<script src="\/static\/passkeys.js" defer/);
  assert.match(p.html, /id="passkey-login"[^>]*hidden/);
  assert.match(p.html, /Se connecter avec une clé d&#39;accès|Se connecter avec une clé d'accès/);
  const forgot = await c.get('/mot-de-passe-oublie');
  assert.doesNotMatch(forgot.html, /webauthn\.js/);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  const pk = await c.get('/profil/passkeys');
  assert.equal(pk.res.status, 200);
  assert.match(pk.html, /webauthn\.js/);
  assert.match(pk.html, /Aucune clé d&#39;accès|Aucune clé d'accès/);
  const opts = await app.request('http://localhost/profil/passkeys/options', {
    method: 'POST',
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': c.csrf },
  });
  const json = (await opts.json()) as {
    rp: { id: string };
    challenge: string;
    authenticatorSelection: { residentKey: string };
  };
  assert.equal(json.rp.id, 'localhost', 'rpID from the request host when PUBLIC_URL is not set');
  assert.equal(json.authenticatorSelection.residentKey, 'required');
  const stored = await odb.db
    .selectFrom('auth_token')
    .select(['kind', 'expires_at'])
    .where('kind', '=', 'webauthn')
    .where('user_id', '=', a.users.support.id)
    .execute();
  assert.equal(stored.length, 1);
  assert.ok(new Date(stored[0].expires_at).getTime() > Date.now(), 'the challenge has an expiry');
});

test('a device id that is not one gives a French 404, never a 500', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  const r = await c.post('/profil/sessions/pas-un-id/revoquer', {});
  assert.equal(r.res.status, 404);
  assert.match(r.html, /Session introuvable/);
});

test('a member of two cooperatives comes back, after signing out, to the one they worked in last', async () => {
  const [, b] = await seedTestCooperatives(odb);
  await withSystem(odb.db, (trx) => addMembership(trx, b.coop.id, a.users.director.id, 'director'));
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const first = await c.get('/');
  const other = [a, b].find((x) => !first.html.includes(`<option value="${x.coop.id}" selected`))!;
  const r = await c.post('/cooperative/changer', { cooperativeId: other.coop.id });
  assert.ok([302, 303].includes(r.res.status));
  await c.post('/deconnexion', {});
  const again = new TestClient(app);
  await again.signIn(a.users.director.email, TEST_PASSWORD);
  const home = await again.get('/');
  assert.ok(home.html.includes(`<option value="${other.coop.id}" selected`), 'the last cooperative is the current one');
});

test('a page under « Plus » leaves that menu closed (it would cover the page) and names itself in it', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const { html } = await c.get('/audit');
  const more = /<details class="nav-more"[^>]*>\s*<summary[^>]*>([^<]*)<\/summary>/.exec(html);
  assert.ok(more, 'the « Plus » menu is there');
  assert.ok(!/<details class="nav-more"[^>]*\bopen\b/.test(html), 'closed');
  assert.equal(more[1].replace('&#39;', "'"), "Journal d'audit");
});
