// Second factor and re-authentication (issue 11 #5), password reset links (#9).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import QRCode from 'qrcode';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { verifyPassword } from '../../core/auth/password.ts';
import { currentTotp, enableTotp, MAX_TOTP_FAILURES, newTotpSecret } from '../../core/auth/totp.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { DirectoryTables } from '../directory/index.ts';

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

/** Makes the client's last proof of identity an hour old, as for a session opened long ago. */
async function ageSession(c: TestClient) {
  const { createHash } = await import('node:crypto');
  const token = c.cookies.get('rad_session') ?? '';
  await odb.db
    .updateTable('auth_session')
    .set({ reauthenticated_at: new Date(Date.now() - 3600_000) })
    .where('token_hash', '=', createHash('sha256').update(token).digest('hex'))
    .execute();
}
const totpOn = async (userId: string) =>
  (await odb.db.selectFrom('user_account').select('totp_enabled').where('id', '=', userId).executeTakeFirstOrThrow())
    .totp_enabled;

test('a TOTP code used once is refused when replayed, even on another device', async () => {
  const secret = newTotpSecret();
  await enableTotp(
    odb.db,
    a.users.accountant.id,
    secret,
    await currentTotp(secret, Math.floor(Date.now() / 1000) - 30),
    new Date(Date.now() - 30_000),
  );
  const code = await currentTotp(secret);
  const first = new TestClient(app);
  await first.signIn(a.users.accountant.email, TEST_PASSWORD);
  await first.get('/connexion/2fa');
  assert.equal((await first.post('/connexion/2fa', { code, retour: '/' })).res.status, 302);
  const thief = new TestClient(app);
  await thief.signIn(a.users.accountant.email, TEST_PASSWORD);
  await thief.get('/connexion/2fa');
  const replay = await thief.post('/connexion/2fa', { code, retour: '/' });
  assert.equal(replay.res.status, 401, 'the same code is refused the second time');
  assert.match(replay.html, /déjà utilisé/);
});

test(`after ${MAX_TOTP_FAILURES} wrong codes the second factor locks, even for the right code`, async () => {
  const secret = newTotpSecret();
  await enableTotp(
    odb.db,
    a.users.cape.id,
    secret,
    await currentTotp(secret, Math.floor(Date.now() / 1000) - 30),
    new Date(Date.now() - 30_000),
  );
  const c = new TestClient(app);
  await c.signIn(a.users.cape.email, TEST_PASSWORD);
  await c.get('/connexion/2fa');
  let last = { res: new Response(), html: '' };
  for (let i = 0; i < MAX_TOTP_FAILURES; i++) last = await c.post('/connexion/2fa', { code: '000000', retour: '/' });
  assert.equal(last.res.status, 429);
  assert.match(last.html, /Trop de codes incorrects/);
  const right = await c.post('/connexion/2fa', { code: await currentTotp(secret), retour: '/' });
  assert.equal(right.res.status, 429, 'locked: the right code waits too');
  assert.equal((await c.get('/profil')).res.status, 302, 'still no page');
});

test('disabling 2FA, adding or removing a passkey and changing bank details need a recent proof of identity', async () => {
  const secret = newTotpSecret();
  await enableTotp(
    odb.db,
    b.users.support.id,
    secret,
    await currentTotp(secret, Math.floor(Date.now() / 1000) - 30),
    new Date(Date.now() - 30_000),
  );
  const c = new TestClient(app);
  await c.signIn(b.users.support.email, TEST_PASSWORD);
  await c.get('/connexion/2fa');
  await c.post('/connexion/2fa', { code: await currentTotp(secret), retour: '/' });
  await c.get('/profil');
  await ageSession(c);

  const off = await c.post('/profil/2fa/desactiver', {}, { headers: { referer: 'http://localhost/profil' } });
  assert.equal(off.res.status, 302);
  assert.match(off.res.headers.get('location') ?? '', /^\/profil\/confirmer\?retour=%2Fprofil/);
  assert.equal(await totpOn(b.users.support.id), true, 'still enabled');

  const bank = await c.post('/profil/banque', { iban: 'FR7630006000011234567890189', bic: '' });
  assert.match(bank.res.headers.get('location') ?? '', /^\/profil\/confirmer/);
  assert.match((await c.get('/profil/banque')).res.headers.get('location') ?? '', /^\/profil\/confirmer/);
  const stored = await testDb(odb.db)
    .selectFrom('member_profile')
    .select('iban')
    .where('user_id', '=', b.users.support.id)
    .executeTakeFirst();
  assert.equal(stored?.iban ?? null, null, 'nothing stored');

  const opts = await app.request('http://localhost/profil/passkeys/options', {
    method: 'POST',
    headers: {
      cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': c.csrf,
      'content-type': 'application/json',
    },
  });
  assert.equal(opts.status, 401);
  assert.equal(((await opts.json()) as { reauthenticate: boolean }).reauthenticate, true);
  const del = await c.post('/profil/passkeys/0190a0a0-0000-7000-8000-000000000000/supprimer', {});
  assert.match(del.res.headers.get('location') ?? '', /^\/profil\/confirmer/);

  const page = await c.get('/profil/confirmer?retour=%2Fprofil');
  assert.equal(page.res.status, 200);
  const wrong = await c.post('/profil/confirmer', { password: 'pas le bon', retour: '/profil' });
  assert.equal(wrong.res.status, 401);
  assert.match(wrong.html, /id="f-password-error"[^>]*>Mot de passe incorrect/);
  const ok = await c.post('/profil/confirmer', { password: TEST_PASSWORD, retour: '/profil' });
  assert.equal(ok.res.headers.get('location'), '/profil');
  assert.equal((await c.post('/profil/2fa/desactiver', {})).res.headers.get('location'), '/profil');
  assert.equal(await totpOn(b.users.support.id), false, 'disabled after confirming');
});

test('a TOTP code also confirms one’s identity, once', async () => {
  const secret = newTotpSecret();
  await enableTotp(
    odb.db,
    b.users.director.id,
    secret,
    await currentTotp(secret, Math.floor(Date.now() / 1000) - 30),
    new Date(Date.now() - 30_000),
  );
  const c = new TestClient(app);
  await c.signIn(b.users.director.email, TEST_PASSWORD);
  await c.get('/connexion/2fa');
  const code = await currentTotp(secret);
  await c.post('/connexion/2fa', { code, retour: '/' });
  await c.get('/profil');
  await ageSession(c);
  const replay = await c.post('/profil/confirmer', { code, retour: '/profil/2fa' });
  assert.equal(replay.res.status, 401, 'the code of the sign-in cannot be used again');
});

test('the confirmation page never sends one to another site', async () => {
  const c = new TestClient(app);
  await c.signIn(b.users.accountant.email, TEST_PASSWORD);
  await c.get('/connexion/2fa');
  for (const retour of [
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    'https://evil.example',
    '/%2F%2Fevil',
  ]) {
    const r = await c.post('/profil/confirmer', { password: TEST_PASSWORD, retour });
    assert.equal(r.res.headers.get('location'), '/profil', `retour=${JSON.stringify(retour)}`);
  }
});

async function resetLink(email: string): Promise<string> {
  const mail = await odb.db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', email)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return (mail.text_body.match(/\/reinitialiser\/[A-Za-z0-9_-]+/) ?? [''])[0];
}

test('a new reset link retires the older one, and a link works exactly once even in parallel', async () => {
  const email = b.users.entrepreneur.email;
  const c = new TestClient(app);
  await c.post('/mot-de-passe-oublie', { email });
  const older = await resetLink(email);
  await c.post('/mot-de-passe-oublie', { email });
  const newer = await resetLink(email);
  assert.notEqual(older, newer);
  const stale = await c.post(older, { password: 'une phrase de passe ancienne' });
  assert.equal(stale.res.headers.get('location'), '/mot-de-passe-oublie', 'the older link no longer works');
  const tries = await Promise.all(
    ['première phrase secrète', 'deuxième phrase secrète', 'troisième phrase secrète'].map((password) => {
      const t = new TestClient(app);
      t.csrf = c.csrf;
      t.cookies = new Map(c.cookies);
      return t.post(newer, { password });
    }),
  );
  const won = tries.filter((t) => t.res.headers.get('location') === '/connexion');
  assert.equal(won.length, 1, 'one use only');
  const row = await odb.db
    .selectFrom('user_account')
    .select('password_hash')
    .where('id', '=', b.users.entrepreneur.id)
    .executeTakeFirstOrThrow();
  assert.equal(await verifyPassword(row.password_hash, 'une phrase de passe ancienne'), false);
});

test('a reset refuses a password equal to or containing the e-mail address', async () => {
  const email = b.users.cape.email;
  const c = new TestClient(app);
  await c.post('/mot-de-passe-oublie', { email });
  const link = await resetLink(email);
  for (const password of [email, `${email}!!`, email.toUpperCase()]) {
    const r = await c.post(link, { password });
    assert.equal(r.res.status, 400, password);
    assert.match(r.html, /ne doit pas contenir votre adresse e-mail/);
  }
});

test('the reset answer is the same whether or not the account exists', async () => {
  const known = await new TestClient(app).post('/mot-de-passe-oublie', { email: b.users.accountant.email });
  const unknown = await new TestClient(app).post('/mot-de-passe-oublie', { email: 'personne@nulle-part.fr' });
  assert.equal(known.res.status, unknown.res.status);
  assert.equal(known.res.headers.get('location'), unknown.res.headers.get('location'));
  const flash = (r: { res: Response }) => r.res.headers.getSetCookie().find((x) => x.startsWith('rad_flash='));
  assert.equal(flash(known), flash(unknown));
});

test('the 2FA set-up page shows a QR code of exactly the account link it offers', async () => {
  const c = new TestClient(app);
  await c.signIn(b.users.accountant.email, TEST_PASSWORD);
  const { res, html } = await c.get('/profil/2fa');
  assert.equal(res.status, 200);
  const uri = /href="(otpauth:\/\/[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(uri?.includes('secret='), 'an otpauth link is offered');
  const svg = /<figure class="qr"[^>]*>\s*(<svg[\s\S]*?<\/svg>)/.exec(html)?.[1];
  assert.ok(svg, 'a server-drawn SVG QR code is in the page');
  // The same link drawn again gives the same code: the picture encodes what the link says.
  assert.equal(
    svg.trim(),
    (await QRCode.toString(uri ?? '', { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })).trim(),
  );
});

test('the security check-up scores the account, names the next step, and its inbox item goes once 2FA is on', async () => {
  const user = a.users.director;
  const stranger = new TestClient(app);
  await stranger.get('/connexion');
  const wrong = await stranger.post('/connexion', { email: user.email, password: 'pas le bon mot de passe' });
  assert.notEqual(wrong.res.status, 302);
  const c = new TestClient(app);
  await c.signIn(user.email, TEST_PASSWORD);
  const page = await c.get('/profil/securite');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /À renforcer : 30 \/ 100/, 'devices and passkey missing weigh nothing, 2FA and attempts do');
  assert.match(page.html, /Prochaine étape :<\/strong> Pas encore activée/);
  assert.match(page.html, /1 tentative avec un mauvais mot de passe/);
  assert.match((await c.get('/')).html, /Protégez votre compte en deux étapes/);
  const secret = newTotpSecret();
  await enableTotp(
    odb.db,
    user.id,
    secret,
    await currentTotp(secret, Math.floor(Date.now() / 1000) - 30),
    new Date(Date.now() - 30_000),
  );
  const after = await c.get('/profil/securite');
  assert.match(after.html, /Bien protégé : 75 \/ 100/);
  assert.match(after.html, /Prochaine étape :<\/strong> Connectez-vous avec l’empreinte/);
  assert.doesNotMatch((await c.get('/')).html, /Protégez votre compte en deux étapes/);
});
