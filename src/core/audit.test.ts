import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDb, seedTestCooperatives } from '../app/testing.ts';
import { audit, verifyAuditChain } from './audit.ts';
import { withTenant, withSystem } from './db/tenant.ts';
import type { OpenDb } from './db/index.ts';

let odb: OpenDb;
before(async () => {
  odb = await createTestDb();
});
after(async () => {
  await odb.close();
});

test('the audit chain verifies, and detects a tampered row', async () => {
  const [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  for (let i = 0; i < 5; i++)
    await withTenant(odb.db, a.coop.id, (trx) =>
      audit(trx, a.actor('director'), {
        action: 'test.event',
        targetType: 'thing',
        targetId: String(i),
        data: { i, note: 'été' },
      }),
    );
  await withTenant(odb.db, b.coop.id, (trx) => audit(trx, b.actor('director'), { action: 'test.event' }));
  assert.deepEqual(await verifyAuditChain(odb.db, a.coop.id), { ok: true, count: 5 });
  assert.deepEqual(await verifyAuditChain(odb.db, b.coop.id), { ok: true, count: 1 });
  // The application cannot update history…
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      trx
        .updateTable('audit_log')
        .set({ action: 'forged' })
        .where('cooperative_id', '=', a.coop.id)
        .where('seq', '=', 3)
        .execute(),
    ),
    /ajout seul/,
  );
  // …and if someone with superuser rights does, verification finds the exact entry.
  await withSystem(odb.db, async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
    await sql`update audit_log set data = '{"i": 99}' where cooperative_id = ${a.coop.id} and seq = 3`.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
  });
  const v = await verifyAuditChain(odb.db, a.coop.id);
  assert.equal(v.ok, false);
  assert.equal(v.brokenAt, 3);
  assert.deepEqual(
    await verifyAuditChain(odb.db, b.coop.id),
    { ok: true, count: 1 },
    'the other cooperative is untouched',
  );
});

test('concurrent audit writes keep one linear chain', async () => {
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      withTenant(odb.db, a.coop.id, (trx) => audit(trx, a.actor('director'), { action: `c${i}` })),
    ),
  );
  assert.deepEqual(await verifyAuditChain(odb.db, a.coop.id), { ok: true, count: 20 });
});
