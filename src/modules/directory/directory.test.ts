import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { randomBytes } from 'node:crypto';
import {
  closeActivity,
  endMembership,
  getActivity,
  getCooperativeLogo,
  getMember,
  listActivities,
  membershipsOfUser,
  setCooperativeLogo,
  setMemberRoles,
  updateActivity,
} from './index.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb.close();
});
const key = randomBytes(32);
const PNG = Buffer.concat([
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
  randomBytes(64),
]);

test('a director changes roles; the last director cannot lose the role; only the network gives network_admin', async () => {
  const dir = a.actor('director');
  await withTenant(odb.db, a.coop.id, (trx) => setMemberRoles(trx, dir, a.users.support.id, ['support', 'accountant']));
  const m = await withTenant(odb.db, a.coop.id, (trx) => getMember(trx, dir, a.users.support.id));
  assert.deepEqual([...m.roles].sort(), ['accountant', 'support']);
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => setMemberRoles(trx, dir, a.users.director.id, ['support'])),
    /au moins une personne à la direction/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => setMemberRoles(trx, dir, a.users.support.id, ['network_admin'])),
    /équipe du réseau/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => setMemberRoles(trx, dir, a.users.support.id, [])),
    /au moins un rôle/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => setMemberRoles(trx, a.actor('support'), a.users.cape.id, ['entrepreneur'])),
    /droit|autoris|accès/i,
  );
  const after = await withTenant(odb.db, a.coop.id, (trx) => getMember(trx, dir, a.users.director.id));
  assert.deepEqual(after.roles, ['director'], 'a refused change writes nothing');
});

test('ending a membership: not yourself, not the last director, and the person loses access', async () => {
  const dir = a.actor('director');
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => endMembership(trx, dir, a.users.director.id)),
    /votre propre adhésion/,
  );
  // A second director (the network admin's account) may end the first one only if another stays.
  await withTenant(odb.db, a.coop.id, (trx) =>
    setMemberRoles(trx, a.actor('network_admin'), a.users.network_admin.id, ['network_admin', 'director']),
  );
  await withTenant(odb.db, a.coop.id, (trx) =>
    setMemberRoles(trx, a.actor('network_admin'), a.users.network_admin.id, ['network_admin']),
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => endMembership(trx, a.actor('network_admin'), a.users.director.id)),
    /dernière à la direction/,
  );
  await withTenant(odb.db, a.coop.id, (trx) => endMembership(trx, dir, a.users.cape.id));
  assert.equal((await membershipsOfUser(odb.db, a.users.cape.id)).length, 0);
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => getMember(trx, dir, a.users.cape.id)),
    /introuvable/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => endMembership(trx, dir, b.users.entrepreneur.id)),
    /introuvable/,
    "another cooperative's member is out of reach",
  );
});

test('activities: edit name, owners and trust; owners must be members; close once', async () => {
  const sup = a.actor('support');
  await withTenant(odb.db, a.coop.id, (trx) =>
    updateActivity(trx, sup, a.activityId, {
      name: 'Nouveau nom',
      ownerIds: [a.users.entrepreneur.id, a.users.accountant.id],
      trusted: true,
    }),
  );
  let act = await withTenant(odb.db, a.coop.id, (trx) => getActivity(trx, sup, a.activityId));
  assert.equal(act.name, 'Nouveau nom');
  assert.equal(act.trusted, true);
  assert.equal(act.ownerIds.length, 2);
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      updateActivity(trx, sup, a.activityId, { name: 'X', ownerIds: [], trusted: false }),
    ),
    /Indiquez le nom/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      updateActivity(trx, sup, a.activityId, { name: 'Autre', ownerIds: [b.users.entrepreneur.id], trusted: false }),
    ),
    /membre de la coopérative/,
  );
  act = await withTenant(odb.db, a.coop.id, (trx) => getActivity(trx, sup, a.activityId));
  assert.equal(act.name, 'Nouveau nom', 'refused edits write nothing');
  await withTenant(odb.db, a.coop.id, (trx) => closeActivity(trx, sup, a.activityId));
  assert.ok((await withTenant(odb.db, a.coop.id, (trx) => getActivity(trx, sup, a.activityId))).closedAt);
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => closeActivity(trx, sup, a.activityId)),
    /déjà fermée/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => getActivity(trx, sup, b.activityId)),
    /introuvable/,
  );
});

test('the logo is stored encrypted and read back for PDFs; bad files are refused', async () => {
  const dir = a.actor('director');
  assert.equal(await withTenant(odb.db, a.coop.id, (trx) => getCooperativeLogo(trx, a.coop.id, key)), null);
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      setCooperativeLogo(trx, dir, key, { name: 'x.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.4') }),
    ),
    /PNG ou JPEG/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      setCooperativeLogo(trx, dir, key, { name: 'faux.png', type: 'image/png', content: Buffer.from('pas une image') }),
    ),
    /PNG ou JPEG/,
  );
  await withTenant(odb.db, a.coop.id, (trx) =>
    setCooperativeLogo(trx, dir, key, { name: 'logo.png', type: 'image/png', content: PNG }),
  );
  const stored = await odb.db
    .selectFrom('stored_file')
    .select('content')
    .where('cooperative_id', '=', a.coop.id)
    .executeTakeFirstOrThrow();
  assert.notDeepEqual(Buffer.from(stored.content), PNG, 'encrypted at rest');
  assert.deepEqual(await withTenant(odb.db, a.coop.id, (trx) => getCooperativeLogo(trx, a.coop.id, key)), PNG);
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (trx) => getCooperativeLogo(trx, a.coop.id, key)),
    /introuvable/,
    "RLS hides another cooperative's file",
  );
});

test('services scope by cooperative: one cooperative never sees the other', async () => {
  const [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  const acts = await withTenant(odb.db, a.coop.id, (trx) => listActivities(trx, a.actor('support')));
  assert.deepEqual(
    acts.map((x) => x.analyticCode),
    ['ACT1'],
  );
  const actsB = await withTenant(odb.db, b.coop.id, (trx) => listActivities(trx, b.actor('support')));
  assert.deepEqual(
    actsB.map((x) => x.analyticCode),
    ['ACT2'],
  );
});
