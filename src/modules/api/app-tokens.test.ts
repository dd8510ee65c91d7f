// Application tokens: the cooperative's tokens for software, created by a director with a role
// fixed at creation. Through the real services, the real HTTP app and the real database: only a
// director creates them, the role is bounded (by the service and by the table's check), calls act
// with that role and no user under the audit label « application : nom », a revoked token is
// refused, and another cooperative stays out of reach. The directors' page shows a token once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { ForbiddenError, type Role } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { todayParis } from '../../core/dates.ts';
import { createCustomer } from '../sales/index.ts';
import { createApplicationToken, listApplicationTokens, revokeApplicationToken } from './app-tokens.service.ts';
import { apiCommands } from './commands.ts';
import { apiDb } from './db.ts';
import type { Scope } from './scopes.ts';
import { customerBody, tokenFromPage } from './testing.ts';
import { listTokens } from './tokens.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
let customerB: string;

function call(method: string, path: string, token: string, body?: unknown) {
  return app.request(`http://localhost/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
async function mintApp(coop: TestCoop, name: string, role: string, scopes: Scope[]) {
  return withTenant(odb.db, coop.coop.id, (tx) =>
    createApplicationToken(tx, coop.actor('director'), { name, role, scopes, days: 30 }),
  );
}

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  customerB = (
    await withTenant(odb.db, b.coop.id, (tx) =>
      createCustomer(tx, b.actor('director'), customerBody('Menuiserie Beta', '51234567')),
    )
  ).id;
});
after(() => odb.close());

test('only a director creates, lists and revokes application tokens', async () => {
  for (const role of ['entrepreneur', 'cape', 'support', 'accountant', 'network_admin'] as Role[]) {
    await assert.rejects(
      withTenant(odb.db, a.coop.id, (tx) =>
        createApplicationToken(tx, a.actor(role), { name: 'x', role: 'accountant', scopes: ['invoices:read'] }),
      ),
      ForbiddenError,
      role,
    );
    await assert.rejects(
      withTenant(odb.db, a.coop.id, (tx) => listApplicationTokens(tx, a.actor(role))),
      ForbiddenError,
      role,
    );
  }
  const made = await mintApp(a, 'Cabinet comptable', 'accountant', ['invoices:read']);
  assert.equal(made.info.kind, 'application');
  assert.equal(made.info.role, 'accountant');
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) => revokeApplicationToken(tx, a.actor('support'), made.info.id)),
    ForbiddenError,
  );
  // Not a person's token: the director's own list does not hold it, nor can it be revoked as one.
  const own = await withTenant(odb.db, a.coop.id, (tx) => listTokens(tx, a.actor('director')));
  assert.ok(!own.some((t) => t.id === made.info.id));
  const listed = await withTenant(odb.db, a.coop.id, (tx) => listApplicationTokens(tx, a.actor('director')));
  assert.deepEqual(
    listed.map((t) => t.id),
    [made.info.id],
  );
});

test('the role is bounded: staff roles only, by the service and by the table', async () => {
  for (const role of ['entrepreneur', 'cape', 'network_admin', 'superuser', '']) {
    await assert.rejects(mintApp(a, 'Trop', role, ['invoices:read']), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.field, 'role');
      return true;
    });
  }
  await assert.rejects(mintApp(a, 'Sans permission', 'support', []), UserError);
  // The table's check keeps the kinds apart whatever the code does.
  const row = (over: Record<string, unknown>) => ({
    cooperative_id: a.coop.id,
    id: uuidv7(),
    name: 'brut',
    token_hash: uuidv7(),
    prefix: 'rad_x',
    scopes: ['invoices:read'],
    expires_at: null,
    revoked_at: null,
    last_used_at: null,
    rate_limit_per_minute: 10,
    window_start: null,
    ...over,
  });
  const insert = (over: Record<string, unknown>) =>
    withTenant(odb.db, a.coop.id, (tx) =>
      apiDb(tx)
        .insertInto('api_token')
        .values(row(over) as never)
        .execute(),
    );
  const director = a.users.director.id;
  await assert.rejects(insert({ kind: 'application', user_id: null, role: 'network_admin', created_by: director }));
  await assert.rejects(insert({ kind: 'application', user_id: director, role: 'accountant', created_by: director }));
  await assert.rejects(insert({ kind: 'application', user_id: null, role: 'accountant', created_by: null }));
  await assert.rejects(insert({ kind: 'personal', user_id: director, role: 'director', created_by: null }));
  await assert.rejects(insert({ kind: 'personal', user_id: null, role: null, created_by: null }));
  await assert.rejects(insert({ kind: 'robot', user_id: null, role: null, created_by: null }));
  await insert({ kind: 'application', user_id: null, role: 'support', created_by: director });
});

test('calls act with the token’s role and no user, audited as « application : nom »', async () => {
  const accountant = (
    await mintApp(a, 'Cabinet Dupont', 'accountant', [
      'customers:read',
      'customers:write',
      'people:read',
      'expenses:write',
    ])
  ).token;
  const support = (await mintApp(a, 'Outil de suivi', 'support', ['people:read'])).token;
  const created = await call('POST', '/customers', accountant, customerBody('Client de l’application', '41234567'));
  assert.equal(created.status, 201);
  const id = (await created.json()).id;
  const entries = await apiDb(odb.db)
    .selectFrom('audit_log')
    .select(['action', 'actor_user_id', 'actor_label'])
    .where('cooperative_id', '=', a.coop.id)
    .where('target_id', '=', id)
    .execute();
  assert.ok(entries.length >= 1);
  for (const e of entries) {
    assert.equal(e.actor_label, 'application : Cabinet Dupont');
    assert.equal(e.actor_user_id, null);
  }
  // The role decides beyond the scopes: the caseload is the support team's, not the accountant's.
  assert.equal((await call('GET', '/people', accountant)).status, 403);
  assert.equal((await call('GET', '/people', support)).status, 200);
  // No person behind it: what needs one (one's own expense report) is refused.
  const expense = await call('POST', '/expenses', accountant, {
    date: todayParis(),
    category: 'meals',
    description: 'Déjeuner',
    activityId: a.activityId,
    amountInclCents: 1200,
  });
  assert.equal(expense.status, 403);
  // Scopes still narrow it.
  assert.equal((await call('POST', '/customers', support, customerBody('Refusé', '61234567'))).status, 403);
});

test('another cooperative stays out of reach; a revoked or expired token is refused', async () => {
  const made = await mintApp(a, 'Paie', 'director', ['customers:read']);
  assert.equal((await call('GET', `/customers/${customerB}`, made.token)).status, 404);
  const list = await (await call('GET', '/customers?limit=100', made.token)).json();
  assert.ok(!list.data.some((x: { id: string }) => x.id === customerB));
  // B's director cannot revoke A's application token.
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (tx) => revokeApplicationToken(tx, b.actor('director'), made.info.id)),
    /Jeton/,
  );
  assert.equal((await call('GET', '/customers', made.token)).status, 200);
  await withTenant(odb.db, a.coop.id, (tx) => revokeApplicationToken(tx, a.actor('director'), made.info.id));
  assert.equal((await call('GET', '/customers', made.token)).status, 401);
  const audit = await apiDb(odb.db)
    .selectFrom('audit_log')
    .select('action')
    .where('cooperative_id', '=', a.coop.id)
    .where('target_id', '=', made.info.id)
    .execute();
  assert.deepEqual(audit.map((e) => e.action).sort(), [
    'api.application_token_created',
    'api.application_token_revoked',
  ]);
  const old = await mintApp(a, 'Ancien', 'accountant', ['customers:read']);
  await sql`update api_token set expires_at = now() - interval '1 second' where id = ${old.info.id}`.execute(
    apiDb(odb.db),
  );
  assert.equal((await call('GET', '/customers', old.token)).status, 401);
});

test('the directors’ page: create (shown once, role chosen), list without the secret, revoke; others refused', async () => {
  const director = new TestClient(app);
  await director.signIn(a.users.director.email, TEST_PASSWORD);
  const empty = await director.post('/jetons-applications', { name: 'Compta', role: 'accountant', days: '30' });
  assert.equal(empty.res.status, 400);
  assert.match(empty.html, /Choisissez au moins une permission/);
  const badRole = await director.post('/jetons-applications', {
    name: 'Compta',
    role: 'network_admin',
    scopes: 'invoices:read',
  });
  assert.equal(badRole.res.status, 400);
  assert.match(badRole.html, /id="f-role-error"[^>]*>[^<]*Choisissez le rôle/);
  const { token, html } = await tokenFromPage(director, '/jetons-applications', {
    name: 'Compta',
    role: 'accountant',
    days: '30',
    scopes: ['invoices:read', 'customers:read'],
  });
  assert.equal((await call('GET', '/invoices', token)).status, 200);
  assert.match(html, /<td>Comptable<\/td>/);
  const row = await apiDb(odb.db)
    .selectFrom('api_token')
    .select(['id', 'kind', 'user_id', 'role', 'created_by'])
    .where('prefix', '=', token.slice(0, 10))
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    { kind: row.kind, user_id: row.user_id, role: row.role, created_by: row.created_by },
    { kind: 'application', user_id: null, role: 'accountant', created_by: a.users.director.id },
  );
  // Not a director: refused; another cooperative's director: not found; a personal revocation: not found.
  const accountant = new TestClient(app);
  await accountant.signIn(a.users.accountant.email, TEST_PASSWORD);
  assert.equal((await accountant.get('/jetons-applications')).res.status, 403);
  assert.equal((await accountant.post(`/jetons-applications/${row.id}/revoquer`, {})).res.status, 403);
  const other = new TestClient(app);
  await other.signIn(b.users.director.email, TEST_PASSWORD);
  assert.equal((await other.post(`/jetons-applications/${row.id}/revoquer`, {})).res.status, 404);
  assert.equal((await director.post(`/profil/jetons-api/${row.id}/revoquer`, {})).res.status, 404);
  assert.equal((await call('GET', '/invoices', token)).status, 200);
  const revoked = await director.post(`/jetons-applications/${row.id}/revoquer`, {});
  assert.equal(revoked.res.status, 303);
  assert.equal((await call('GET', '/invoices', token)).status, 401);
});

test('radieuse token create --application NAME --role ROLE: an application token, created by a director only', async () => {
  const cmd = apiCommands.find((c) => c.name === 'token create')!;
  const run = async (values: Record<string, string>) => {
    const written: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string | Uint8Array, ...rest: never[]) => {
      if (typeof s === 'string' && s.startsWith('rad_')) {
        written.push(s);
        return true;
      }
      return orig(s, ...rest);
    }) as typeof process.stdout.write;
    try {
      const code = await cmd.run({ values, positionals: [], config: {} as never, odb });
      return { code, written };
    } finally {
      process.stdout.write = orig;
    }
  };
  const base = { cooperative: a.coop.slug, scopes: 'people:read', days: '30' };
  const made = await run({ ...base, email: a.users.director.email, application: 'Outil de paie', role: 'support' });
  assert.equal(made.code, 0);
  assert.equal(made.written.length, 1, 'printed once');
  const token = made.written[0].trim();
  assert.match(token, /^rad_[A-Za-z0-9_-]{43}$/);
  const listed = (await withTenant(odb.db, a.coop.id, (tx) => listApplicationTokens(tx, a.actor('director')))).find(
    (t) => t.name === 'Outil de paie',
  );
  assert.equal(listed?.role, 'support');
  assert.equal(listed?.kind, 'application');
  // It acts with its role: support reads the caseload.
  assert.equal((await call('GET', '/people', token)).status, 200);
  // Only a director creates one; the role stays bounded; --role alone or --application alone is a usage error.
  await assert.rejects(
    run({ ...base, email: a.users.support.email, application: 'X', role: 'support' }),
    ForbiddenError,
  );
  await assert.rejects(run({ ...base, email: a.users.director.email, application: 'X', role: 'entrepreneur' }), /rôle/);
  await assert.rejects(run({ ...base, email: a.users.director.email, application: 'X' }), /--role/);
  await assert.rejects(run({ ...base, email: a.users.director.email, role: 'support' }), /--application/);
  // Without the new options, a personal token, as the contract says.
  const personal = await run({ ...base, email: a.users.support.email });
  assert.equal(personal.code, 0);
  const own = await withTenant(odb.db, a.coop.id, (tx) => listTokens(tx, a.actor('support')));
  assert.equal(own.length, 1);
});
