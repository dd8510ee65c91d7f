import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../db/index.ts';

import { authenticate, MAX_FAILURES, ACCOUNT_IP_LIMIT_PER_HOUR } from './users.ts';
import { createSession, loadSession, revokeSession, listSessions } from './sessions.ts';
import { newTotpSecret, enableTotp, currentTotp, verifySecondFactor } from './totp.ts';

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
import { createInvitation, readToken } from './invitations.ts';

let odb: OpenDb;
let a: TestCoop;
before(async () => {
  odb = await createTestDb();
  [a] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

test('a wrong password is refused with a message that does not reveal whether the account exists', async () => {
  const r1 = await authenticate(odb.db, a.users.support.email, 'mauvais mot de passe', '10.0.0.1');
  const r2 = await authenticate(odb.db, 'personne@nulle.part', 'mauvais mot de passe', '10.0.0.1');
  assert.equal(r1.ok, false);
  assert.equal(r2.ok, false);
  assert.equal(!r1.ok && r1.message, !r2.ok && r2.message);
  const good = await authenticate(odb.db, a.users.support.email.toUpperCase(), TEST_PASSWORD, '10.0.0.1');
  assert.equal(good.ok, true, 'e-mail is case-insensitive and the right password works');
});

test(`the account locks after ${MAX_FAILURES} failures, even with the right password`, async () => {
  const email = a.users.accountant.email;
  for (let i = 0; i < MAX_FAILURES - 1; i++)
    assert.equal((await authenticate(odb.db, email, 'faux', '10.0.0.2')).ok, false);
  const last = await authenticate(odb.db, email, 'faux', '10.0.0.2');
  assert.equal(!last.ok && last.reason, 'locked');
  const right = await authenticate(odb.db, email, TEST_PASSWORD, '10.0.0.3');
  assert.equal(!right.ok && right.reason, 'locked');
  const later = await authenticate(odb.db, email, TEST_PASSWORD, '10.0.0.3', new Date(Date.now() + 16 * 60_000));
  assert.equal(later.ok, true, 'the lock ends after its delay');
});

test('too many failures from one address are rate limited', async () => {
  for (let i = 0; i < 30; i++) await authenticate(odb.db, `x${i}@example.org`, 'faux', '10.9.9.9');
  const r = await authenticate(odb.db, a.users.director.email, TEST_PASSWORD, '10.9.9.9');
  assert.equal(!r.ok && r.reason, 'rate_limited');
});

test('TOTP: enabling needs a valid code; sign-in then needs the second factor; recovery codes work once', async () => {
  const userId = a.users.cape.id;
  const secret = newTotpSecret();
  const earlier = new Date(Date.now() - 30_000);
  assert.equal(await enableTotp(odb.db, userId, secret, '000000'), null, 'a wrong code does not enable it');
  const codes = await enableTotp(odb.db, userId, secret, await currentTotp(secret, epoch(earlier)), earlier);
  assert.ok(codes && codes.length === 8);
  const r = await authenticate(odb.db, a.users.cape.email, TEST_PASSWORD, '10.0.0.5');
  assert.deepEqual(r.ok && r.needsSecondFactor, true);
  assert.equal((await verifySecondFactor(odb.db, userId, '123456')).ok, false);
  assert.equal((await verifySecondFactor(odb.db, userId, await currentTotp(secret))).ok, true);
  assert.equal((await verifySecondFactor(odb.db, userId, codes![0])).ok, true);
  assert.equal((await verifySecondFactor(odb.db, userId, codes![0])).ok, false, 'a recovery code is single-use');
});

test('TOTP: a code is accepted once, even by two racing requests; an older code after a newer one is refused', async () => {
  const userId = a.users.support.id;
  const secret = newTotpSecret();
  const t0 = new Date(Date.now() - 90_000);
  await enableTotp(odb.db, userId, secret, await currentTotp(secret, epoch(t0)), t0);
  const code = await currentTotp(secret);
  const both = await Promise.all([verifySecondFactor(odb.db, userId, code), verifySecondFactor(odb.db, userId, code)]);
  assert.equal(both.filter((r) => r.ok).length, 1, 'exactly one of two racing uses wins');
  const previous = await currentTotp(secret, epoch(new Date(Date.now() - 30_000)));
  assert.equal((await verifySecondFactor(odb.db, userId, previous)).ok, false, 'the previous step is spent too');
});

test('TOTP: a recovery code works once even when two requests race with it', async () => {
  const userId = a.users.director.id;
  const secret = newTotpSecret();
  const t0 = new Date(Date.now() - 30_000);
  const codes = await enableTotp(odb.db, userId, secret, await currentTotp(secret, epoch(t0)), t0);
  const both = await Promise.all([
    verifySecondFactor(odb.db, userId, codes![1]),
    verifySecondFactor(odb.db, userId, codes![1]),
  ]);
  assert.equal(both.filter((r) => r.ok).length, 1);
});

test('the lock-out answers the same for an existing account and an unknown address', async () => {
  const known = a.users.entrepreneur.email;
  const unknown = `inconnu-${Date.now()}@exemple.fr`;
  for (let i = 0; i < MAX_FAILURES + 1; i++) {
    const k = await authenticate(odb.db, known, 'faux', `10.3.0.${i}`);
    const u = await authenticate(odb.db, unknown, 'faux', `10.4.0.${i}`);
    assert.deepEqual(
      !k.ok && { reason: k.reason, message: k.message },
      !u.ok && { reason: u.reason, message: u.message },
      `attempt ${i + 1}`,
    );
  }
  const k = await authenticate(odb.db, known, TEST_PASSWORD, '10.3.1.1');
  assert.equal(!k.ok && k.reason, 'locked', 'the existing account is locked');
  assert.doesNotMatch(!k.ok ? k.message : '', /\d\d:\d\d/, 'no time that only a real lock would know');
});

test('a revoked session no longer authenticates', async () => {
  const userId = a.users.entrepreneur.id;
  const s1 = await createSession(odb.db, userId, {
    ip: null,
    userAgent: 'A',
    secondFactorOk: true,
    cooperativeId: a.coop.id,
  });
  const s2 = await createSession(odb.db, userId, {
    ip: null,
    userAgent: 'B',
    secondFactorOk: true,
    cooperativeId: a.coop.id,
  });
  assert.ok(await loadSession(odb.db, s1.token));
  assert.equal((await listSessions(odb.db, userId)).length >= 2, true);
  assert.equal(
    await revokeSession(odb.db, a.users.support.id, s1.id),
    false,
    "nobody revokes another person's session",
  );
  assert.equal(await revokeSession(odb.db, userId, s1.id), true);
  assert.equal(await loadSession(odb.db, s1.token), null);
  assert.ok(await loadSession(odb.db, s2.token));
  assert.equal(await loadSession(odb.db, 'not-a-token'), null);
});

test('an invitation expires after 7 days', async () => {
  const issued = new Date('2026-01-01T10:00:00Z');
  const token = await createInvitation(
    odb.db,
    { email: 'nouvelle@exemple.fr', cooperativeId: a.coop.id, role: 'entrepreneur', invitedBy: a.users.support.id },
    issued,
  );
  const ok = await readToken(odb.db, token, 'invitation', new Date('2026-01-07T10:00:00Z'));
  assert.equal(ok.email, 'nouvelle@exemple.fr');
  await assert.rejects(readToken(odb.db, token, 'invitation', new Date('2026-01-08T10:00:01Z')), /expiré/);
  await assert.rejects(
    readToken(odb.db, token, 'reset', new Date('2026-01-02T10:00:00Z')),
    /pas valide/,
    'an invitation is not a reset link',
  );
});

test(`${ACCOUNT_IP_LIMIT_PER_HOUR} failures for one account from one address in an hour block that pair only`, async () => {
  const email = a.users.network_admin.email;
  const at = new Date(Date.now() - 30 * 60_000);
  for (let i = 0; i < ACCOUNT_IP_LIMIT_PER_HOUR; i++)
    await odb.db.insertInto('login_attempt').values({ email, ip: '10.7.7.7', ok: false, at }).execute();
  const blocked = await authenticate(odb.db, email.toUpperCase(), TEST_PASSWORD, '10.7.7.7');
  assert.equal(!blocked.ok && blocked.reason, 'rate_limited');
  assert.match(!blocked.ok ? blocked.message : '', /pour ce compte depuis cette adresse/);
  assert.equal(
    (await authenticate(odb.db, email, TEST_PASSWORD, '10.7.7.8')).ok,
    true,
    'the same account from another address still signs in',
  );
  assert.equal(
    (await authenticate(odb.db, a.users.director.email, TEST_PASSWORD, '10.7.7.7')).ok,
    true,
    'another account from that address too',
  );
  const later = await authenticate(odb.db, email, TEST_PASSWORD, '10.7.7.7', new Date(Date.now() + 31 * 60_000));
  assert.equal(later.ok, true, 'the window slides');
});

test('passkeys: the relying party comes from PUBLIC_URL, else from the request host', async () => {
  const { relyingParty } = await import('./passkeys.ts');
  assert.deepEqual(relyingParty('https://erp.coop.fr', 'http://10.0.0.1:3000/connexion'), {
    rpID: 'erp.coop.fr',
    origin: 'https://erp.coop.fr',
    name: 'Radieuse',
  });
  assert.deepEqual(relyingParty(undefined, 'http://localhost:4123/connexion'), {
    rpID: 'localhost',
    origin: 'http://localhost:4123',
    name: 'Radieuse',
  });
  assert.equal(
    relyingParty(undefined, 'http://radieuse.local/x', 'https').origin,
    'https://radieuse.local',
    'behind a TLS proxy',
  );
});
