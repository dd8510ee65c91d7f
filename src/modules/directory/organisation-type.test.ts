import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { UserError } from '../../core/errors.ts';
import { directoryDb } from './db.ts';
import { changeOrganisationType } from './organisation-type.service.ts';

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

const typeOf = async (t: TestCoop) =>
  (
    await directoryDb(odb.db)
      .selectFrom('cooperative')
      .select('organisation_type')
      .where('id', '=', t.coop.id)
      .executeTakeFirstOrThrow()
  ).organisation_type;
const audits = async (t: TestCoop) =>
  await odb.db
    .selectFrom('audit_log')
    .select(['action', 'data'])
    .where('cooperative_id', '=', t.coop.id)
    .where('action', '=', 'cooperative.organisation_type_changed')
    .execute();
const change = (t: TestCoop, role: Parameters<TestCoop['actor']>[0], organisationType: string, confirmed = true) =>
  withTenant(odb.db, t.coop.id, (trx) => changeOrganisationType(trx, t.actor(role), { organisationType, confirmed }));

test('the service: direction only, confirmed on purpose, a known type, audited once per real change', async () => {
  for (const role of ['entrepreneur', 'cape', 'support', 'accountant'] as const)
    await assert.rejects(change(a, role, 'tiers_lieu'), ForbiddenError, role);
  await assert.rejects(change(a, 'director', 'tiers_lieu', false), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.fields.confirmed, 'Cochez la case pour confirmer le changement.');
    return true;
  });
  await assert.rejects(change(a, 'director', 'association'), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.fields.organisationType, 'Choisissez le type d’organisation.');
    return true;
  });
  assert.equal(await typeOf(a), 'cae', 'nothing changed by the refusals');
  assert.deepEqual(await change(a, 'director', 'tiers_lieu'), { from: 'cae', to: 'tiers_lieu', erpShown: false });
  assert.deepEqual(await change(a, 'director', 'collectif'), { from: 'tiers_lieu', to: 'collectif', erpShown: null });
  assert.deepEqual(await change(a, 'director', 'collectif'), { from: 'collectif', to: 'collectif', erpShown: null });
  assert.deepEqual(await change(a, 'director', 'cae'), { from: 'collectif', to: 'cae', erpShown: true });
  const trail = await audits(a);
  assert.deepEqual(
    trail.map((r) => r.data),
    [
      { from: 'cae', to: 'tiers_lieu' },
      { from: 'tiers_lieu', to: 'collectif' },
      { from: 'collectif', to: 'cae' },
    ],
  );
  assert.equal(await typeOf(b), 'cae', 'the other cooperative is untouched');
});

test('the page: the director changes the type, the ERP pages go and come back; a stale session confirms first', async () => {
  const director = new TestClient(app);
  await director.signIn(a.users.director.email, TEST_PASSWORD);
  const sheet = await director.get('/cooperative');
  assert.match(sheet.html, /action="\/cooperative\/type"/);
  assert.equal((await director.get('/factures')).res.status, 200);

  const unconfirmed = await director.post('/cooperative/type', { organisationType: 'tiers_lieu' });
  assert.equal(unconfirmed.res.status, 400);
  assert.match(unconfirmed.html, /id="f-confirmed-error"[^>]*>Cochez la case pour confirmer/);
  assert.equal(await typeOf(a), 'cae');

  const done = await director.post('/cooperative/type', { organisationType: 'tiers_lieu', confirmed: 'on' });
  assert.equal(done.res.status, 302);
  assert.equal(await typeOf(a), 'tiers_lieu');
  assert.match((await director.get('/cooperative')).html, /Les modules de gestion sont masqués/);
  assert.equal((await director.get('/factures')).res.status, 404, 'the ERP is gone on the next page');

  // A session whose last proof of identity is an hour old is sent to confirm it first.
  await odb.db
    .updateTable('auth_session')
    .set({ reauthenticated_at: new Date(Date.now() - 3600_000) })
    .where(
      'token_hash',
      '=',
      createHash('sha256')
        .update(director.cookies.get('rad_session') ?? '')
        .digest('hex'),
    )
    .execute();
  const stale = await director.post('/cooperative/type', { organisationType: 'cae', confirmed: 'on' });
  assert.equal(stale.res.status, 302);
  assert.match(stale.res.headers.get('location') ?? '', /^\/profil\/confirmer/);
  assert.equal(await typeOf(a), 'tiers_lieu');
  await director.post('/profil/confirmer', { password: TEST_PASSWORD, retour: '/cooperative' });
  assert.equal(
    (await director.post('/cooperative/type', { organisationType: 'cae', confirmed: 'on' })).res.status,
    302,
  );
  assert.equal((await director.get('/factures')).res.status, 200, 'back as a CAE, the ERP is back');

  const support = new TestClient(app);
  await support.signIn(a.users.support.email, TEST_PASSWORD);
  assert.doesNotMatch((await support.get('/cooperative')).html, /action="\/cooperative\/type"/);
  assert.equal(
    (await support.post('/cooperative/type', { organisationType: 'collectif', confirmed: 'on' })).res.status,
    403,
  );
  assert.equal(await typeOf(a), 'cae');
});
