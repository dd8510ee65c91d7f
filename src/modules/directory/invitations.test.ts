// Privilege escalation by invitation (issue 11 #4): one gives only the roles one may give, and an
// invitation for an existing account is accepted only by that account, signed in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { directoryDb } from './db.ts';

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

async function invitationLink(email: string): Promise<string> {
  const mail = await odb.db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', email)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const m = mail.text_body.match(/\/invitation\/[A-Za-z0-9_-]+/);
  assert.ok(m, 'the mail holds the link');
  return m[0];
}
async function activeRoles(coopId: string, userId: string): Promise<string[]> {
  const rows = await directoryDb(odb.db)
    .selectFrom('membership')
    .select('role')
    .where('cooperative_id', '=', coopId)
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .orderBy('role')
    .execute();
  return rows.map((r) => r.role);
}

test('support cannot invite anyone as director, accountant or support: refused beside the field, nothing sent', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  for (const role of ['director', 'accountant', 'support', 'network_admin']) {
    const r = await c.post('/membres/inviter', { displayName: 'Ève', email: `eve-${role}@exemple.fr`, role });
    assert.equal(r.res.status, 400, `support inviting a ${role}`);
    assert.match(r.html, /id="f-role-error"[^>]*>Vous ne pouvez pas donner ce rôle/);
  }
  const sent = await odb.db.selectFrom('mail_outbox').select('id').where('to_address', 'like', 'eve-%').execute();
  assert.equal(sent.length, 0);
  const tokens = await odb.db.selectFrom('auth_token').select('role').where('email', 'like', 'eve-%').execute();
  assert.equal(tokens.length, 0);
  const ok = await c.post('/membres/inviter', { displayName: 'Ève', email: 'eve-cape@exemple.fr', role: 'cape' });
  assert.equal(ok.res.status, 302, 'support invites entrepreneurs in CAPE');
});

test('the invitation form offers only the roles the inviter may give', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  const form = await c.get('/membres/inviter');
  assert.match(form.html, /value="entrepreneur"/);
  assert.doesNotMatch(form.html, /value="director"/);
  const d = new TestClient(app);
  await d.signIn(a.users.director.email, TEST_PASSWORD);
  const dform = await d.get('/membres/inviter');
  assert.match(dform.html, /value="director"/);
  assert.doesNotMatch(dform.html, /value="network_admin"/);
});

test('an invitation for an existing account is not accepted without being signed in as that account', async () => {
  // The director invites the support person of cooperative B (an existing account) as accountant.
  const dir = new TestClient(app);
  await dir.signIn(a.users.director.email, TEST_PASSWORD);
  const target = b.users.support;
  const sent = await dir.post('/membres/inviter', { displayName: 'Sam', email: target.email, role: 'accountant' });
  assert.equal(sent.res.status, 302);
  const link = await invitationLink(target.email);

  const anonymous = new TestClient(app);
  const page = await anonymous.get(link);
  assert.match(page.html, /Connectez-vous avec le compte/);
  const blind = await anonymous.post(link, {});
  assert.notEqual(blind.res.status, 302, 'accepting without signing in is refused');
  assert.deepEqual(await activeRoles(a.coop.id, target.id), [], 'no role given');

  const someoneElse = new TestClient(app);
  await someoneElse.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  const wrong = await someoneElse.post(link, {});
  assert.notEqual(wrong.res.status, 302, 'another account cannot accept it');
  assert.deepEqual(await activeRoles(a.coop.id, target.id), []);
  assert.deepEqual(await activeRoles(a.coop.id, b.users.entrepreneur.id), []);

  const owner = new TestClient(app);
  await owner.signIn(target.email, TEST_PASSWORD);
  const accepted = await owner.post(link, {});
  assert.equal(accepted.res.status, 302);
  assert.deepEqual(await activeRoles(a.coop.id, target.id), ['accountant']);
  const log = await odb.db
    .selectFrom('audit_log')
    .select(['action', 'data', 'actor_user_id'])
    .where('cooperative_id', '=', a.coop.id)
    .where('action', '=', 'member.invitation_accepted')
    .execute();
  assert.equal(log.length, 1, 'the role change is audited');
  assert.equal(log[0].actor_user_id, target.id);
  assert.deepEqual((log[0].data as { role: string }).role, 'accountant');
  assert.notEqual((await owner.post(link, {})).res.status, 302, 'a link works once');
});

test('support invites their own account as director and cannot accept it (the classic escalation)', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  await c.post('/membres/inviter', { displayName: 'Moi', email: a.users.support.email, role: 'director' });
  const rows = await odb.db
    .selectFrom('auth_token')
    .select('role')
    .where('email', '=', a.users.support.email)
    .where('kind', '=', 'invitation')
    .execute();
  assert.equal(rows.length, 0, 'no invitation was made');
  assert.deepEqual(await activeRoles(a.coop.id, a.users.support.id), ['support']);
});

test('a director cannot give the network role, on the member page either', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const r = await c.post(`/membres/${a.users.accountant.id}/roles`, { roles: ['accountant', 'network_admin'] });
  assert.equal(r.res.status, 400);
  assert.deepEqual(await activeRoles(a.coop.id, a.users.accountant.id), ['accountant']);
});
