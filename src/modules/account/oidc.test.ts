// OpenID Connect sign-in against a real provider (oidc-provider, started here on a free port):
// discovery, PKCE, state and nonce, linking only after a proof on Radieuse, and every refused
// answer (replayed, forged state, wrong issuer, expired) leaves no session and no link behind.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../../app/testing-oidc.ts';
import { linkOidcIdentity } from '../../core/auth/oidc.ts';
import { hashToken, newToken } from '../../core/auth/tokens.ts';
import { currentTotp, enableTotp, newTotpSecret } from '../../core/auth/totp.ts';
import type { Config } from '../../core/config.ts';
import { coreDb } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let config: Config;
let a: TestCoop;
let idp: TestOidcProvider;
let issuer: string;
let providerId: string;
let people: TestOidcProvider['people'];
const CLIENT_SECRET = 'un-secret-client-de-test-assez-long';

before(async () => {
  ({ odb, app, config } = await createTestApp());
  [a] = await seedTestCooperatives(odb);
  idp = await startTestOidcProvider(odb, config, { clientSecret: CLIENT_SECRET });
  ({ issuer, providerId, people } = idp);
});
after(async () => {
  await idp?.close();
  await odb.close();
});

/** Starts a sign-in with the provider from the sign-in page; returns the callback path. */
const throughProvider = (c: TestClient, sub: string | null) => idp.through(c, sub);

const count = async (table: 'auth_session' | 'oidc_identity') =>
  Number(
    (
      await coreDb(odb.db)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('the client secret is stored encrypted', async () => {
  const rows = await coreDb(odb.db).selectFrom('oidc_provider').select(['client_secret']).execute();
  assert.equal(rows.length, 1);
  assert.ok(!rows[0].client_secret.includes(CLIENT_SECRET));
  assert.match(rows[0].client_secret, /^v1\./);
});

test('an unknown identity is never linked by e-mail: it waits for a password sign-in, then signs in alone', async () => {
  const member = a.users.entrepreneur;
  // The provider vouches for the member's own address: still no automatic link.
  people['sub-member'] = { email: member.email, name: 'Membre' };
  const c = new TestClient(app);
  const sessionsBefore = await count('auth_session');
  const back = await throughProvider(c, 'sub-member');
  const cb = await c.get(back);
  assert.equal(cb.res.status, 302);
  assert.equal(cb.res.headers.get('location'), '/connexion/oidc/lier');
  const wait = await c.get('/connexion/oidc/lier');
  assert.equal(wait.res.status, 200);
  assert.match(wait.html, /n&#39;est encore liée à aucun compte|n'est encore liée à aucun compte/);
  assert.equal(await count('oidc_identity'), 0);
  assert.equal(await count('auth_session'), sessionsBefore, 'no session for an unlinked identity');
  // A POST without being signed in links nothing.
  const blind = await c.post('/connexion/oidc/lier', {});
  assert.notEqual(blind.res.status, 200);
  assert.equal(await count('oidc_identity'), 0);

  // The proof on Radieuse: the ordinary sign-in, then the explicit confirmation.
  await c.signIn(member.email, TEST_PASSWORD);
  const confirm = await c.get('/connexion/oidc/lier');
  assert.equal(confirm.res.status, 200);
  assert.match(confirm.html, /Lier à mon compte/);
  const linked = await c.post('/connexion/oidc/lier', {});
  assert.equal(linked.res.status, 302);
  assert.equal(await count('oidc_identity'), 1);
  // The pending link is spent: a second confirmation links nothing more.
  const again = await c.post('/connexion/oidc/lier', {});
  assert.equal(again.res.status, 400);
  assert.equal(await count('oidc_identity'), 1);

  // From now on the identity signs in by itself, in a fresh browser.
  const d = new TestClient(app);
  const cb2 = await d.get(await throughProvider(d, 'sub-member'));
  assert.equal(cb2.res.status, 302);
  assert.equal(cb2.res.headers.get('location'), '/');
  const home = await d.get('/profil');
  assert.equal(home.res.status, 200);
  assert.ok(home.html.includes(member.email));
});

test('a replayed answer (same state and code) is refused with a French message and writes nothing', async () => {
  people['sub-member'] = { email: a.users.entrepreneur.email, name: 'Membre' };
  const c = new TestClient(app);
  const back = await throughProvider(c, 'sub-member');
  const state = new URL(back, 'http://x').searchParams.get('state')!;
  const first = await c.get(back);
  assert.equal(first.res.status, 302);
  const sessions = await count('auth_session');
  // The same browser (state cookie put back) and an attacker's browser both fail.
  c.cookies.set('rad_oidc', state);
  const replay = await c.get(back);
  assert.equal(replay.res.status, 400);
  assert.match(replay.html, /expiré ou a déjà servi/);
  const other = new TestClient(app);
  other.cookies.set('rad_oidc', state);
  assert.equal((await other.get(back)).res.status, 400);
  assert.equal(await count('auth_session'), sessions);
});

test('a stolen code replayed with a fresh state of its own is refused by the provider (PKCE, single use)', async () => {
  const victim = new TestClient(app);
  const stolen = new URL(await throughProvider(victim, 'sub-member'), 'http://x');
  const attacker = new TestClient(app);
  await attacker.get('/connexion');
  const start = await attacker.post(`/connexion/oidc/${providerId}/demarrer`, { retour: '/' });
  const ownState = new URL(start.res.headers.get('location')!).searchParams.get('state')!;
  stolen.searchParams.set('state', ownState);
  const sessions = await count('auth_session');
  const r = await attacker.get(stolen.pathname + stolen.search);
  assert.equal(r.res.status, 400);
  assert.match(r.html, /n&#39;a pas confirmé|n'a pas confirmé/);
  assert.equal(await count('auth_session'), sessions);
});

test('a forged state, a missing state cookie, a wrong issuer and an expired attempt are all refused', async () => {
  const sessions = await count('auth_session');
  // Forged state: the cookie and the answer disagree.
  const c1 = new TestClient(app);
  const b1 = new URL(await throughProvider(c1, 'sub-member'), 'http://x');
  b1.searchParams.set('state', 'etat-fabrique');
  c1.cookies.set('rad_oidc', 'etat-fabrique');
  assert.equal((await c1.get(b1.pathname + b1.search)).res.status, 400);
  // No cookie at all (an answer pushed into another browser: login CSRF).
  const c2 = new TestClient(app);
  const b2 = await throughProvider(c2, 'sub-member');
  c2.cookies.delete('rad_oidc');
  const r2 = await c2.get(b2);
  assert.equal(r2.res.status, 400);
  assert.match(r2.html, /Recommencez depuis la page de connexion/);
  // Wrong issuer in the answer (mix-up attack).
  const c3 = new TestClient(app);
  const b3 = new URL(await throughProvider(c3, 'sub-member'), 'http://x');
  b3.searchParams.set('iss', 'https://fournisseur-pirate.example');
  const r3 = await c3.get(b3.pathname + b3.search);
  assert.equal(r3.res.status, 400);
  assert.match(r3.html, /n&#39;a pas confirmé|n'a pas confirmé/);
  // Expired: the attempt is older than its ten minutes.
  const c4 = new TestClient(app);
  const b4 = await throughProvider(c4, 'sub-member');
  await coreDb(odb.db)
    .updateTable('auth_token')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('kind', '=', 'oidc')
    .where('used_at', 'is', null)
    .execute();
  const r4 = await c4.get(b4);
  assert.equal(r4.res.status, 400);
  assert.match(r4.html, /expiré/);
  // Cancelled at the provider.
  const c5 = new TestClient(app);
  const r5 = await c5.get(await throughProvider(c5, null));
  assert.equal(r5.res.status, 400);
  assert.match(r5.html, /annulée/);
  assert.equal(await count('auth_session'), sessions);
});

test('an identity already linked to someone cannot be linked to a second account', async () => {
  const c = new TestClient(app);
  people['sub-member'] = { email: a.users.entrepreneur.email, name: 'Membre' };
  // Linked already (first test): signing in works, so a new link page never appears for it.
  const cb = await c.get(await throughProvider(c, 'sub-member'));
  assert.equal(cb.res.headers.get('location'), '/');
  // A new identity, linked by the support person: one link, theirs.
  people['sub-support'] = { email: a.users.support.email, name: 'Appui' };
  const s = new TestClient(app);
  await s.signIn(a.users.support.email, TEST_PASSWORD);
  const r = await s.get(await throughProvider(s, 'sub-support'));
  assert.equal(r.res.headers.get('location'), '/connexion/oidc/lier');
  assert.equal((await s.post('/connexion/oidc/lier', {})).res.status, 302);
  const rows = await coreDb(odb.db).selectFrom('oidc_identity').select(['subject', 'user_id']).execute();
  assert.deepEqual(rows.map((x) => x.subject).sort(), ['sub-member', 'sub-support']);
  assert.equal(rows.find((x) => x.subject === 'sub-support')?.user_id, a.users.support.id);
  // A pending link for an identity that someone else has since linked is refused, in French.
  const token = newToken();
  await coreDb(odb.db)
    .insertInto('auth_token')
    .values({
      token_hash: hashToken(token),
      kind: 'oidc_link',
      user_id: null,
      email: null,
      cooperative_id: null,
      role: null,
      data: JSON.stringify({
        providerId,
        label: 'Identité Coop',
        issuer,
        subject: 'sub-member',
        email: null,
        name: null,
      }),
      expires_at: new Date(Date.now() + 60_000),
      used_at: null,
    })
    .execute();
  await assert.rejects(linkOidcIdentity(odb.db, a.users.support.id, token), /déjà liée à un autre compte/);
  assert.equal(await count('oidc_identity'), 2);
});

test('unlinking needs the owner: another person cannot remove an identity that is not theirs', async () => {
  const [mine] = await coreDb(odb.db)
    .selectFrom('oidc_identity')
    .select('id')
    .where('subject', '=', 'sub-member')
    .execute();
  const s = new TestClient(app);
  await s.signIn(a.users.support.email, TEST_PASSWORD);
  await s.post(`/profil/identites/${mine.id}/delier`, {});
  assert.equal(await count('oidc_identity'), 2);
  const m = new TestClient(app);
  await m.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const r = await m.post(`/profil/identites/${mine.id}/delier`, {});
  assert.equal(r.res.status, 302);
  assert.equal(await count('oidc_identity'), 1);
});

test('a person with two-step verification still types their code after the provider', async () => {
  const secret = newTotpSecret();
  const now = Date.now();
  await enableTotp(
    odb.db,
    a.users.support.id,
    secret,
    await currentTotp(secret, Math.floor(now / 1000) - 60),
    new Date(now - 60_000),
  );
  const c = new TestClient(app);
  const cb = await c.get(await throughProvider(c, 'sub-support'));
  assert.equal(cb.res.status, 302);
  assert.match(cb.res.headers.get('location') ?? '', /^\/connexion\/2fa/);
  const profile = await c.get('/profil');
  assert.notEqual(profile.res.status, 200, 'not signed in before the second factor');
  assert.equal((await c.get('/connexion/2fa')).res.status, 200); // the page, and its CSRF token
  const code = await c.post('/connexion/2fa', { code: await currentTotp(secret), retour: '/' });
  assert.equal(code.res.status, 302);
  assert.equal((await c.get('/profil')).res.status, 200);
});
