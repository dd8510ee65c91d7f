import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDb, seedTestCooperatives } from '../app/testing.ts';
import type { OpenDb } from '../core/db/index.ts';
import { withTenant } from '../core/db/tenant.ts';
import { audit, verifyAuditChain } from '../core/audit.ts';

import { backup, restore } from './backup.ts';

let src: OpenDb;
let dst: OpenDb;
before(async () => {
  src = await createTestDb();
  dst = await createTestDb();
});
after(async () => {
  await src.close();
  await dst.close();
});

async function counts(o: OpenDb) {
  const r = await sql<{
    t: string;
    n: number;
  }>`select 'user_account' as t, count(*)::int as n from user_account union all select 'membership', count(*)::int from membership union all select 'activity', count(*)::int from activity union all select 'audit_log', count(*)::int from audit_log union all select 'login_attempt', count(*)::int from login_attempt`.execute(
    o.db,
  );
  return Object.fromEntries(r.rows.map((x) => [x.t, x.n]));
}

test('a backup restores every row into an empty database, audit chain intact', async () => {
  const [a] = await seedTestCooperatives(src, { withPasswords: false });
  for (let i = 0; i < 3; i++)
    await withTenant(src.db, a.coop.id, (trx) => audit(trx, a.actor('director'), { action: 'x', data: { i } }));
  await src.db.insertInto('login_attempt').values({ email: 'a@b.c', ip: null, ok: false }).execute();
  const file = join(mkdtempSync(join(tmpdir(), 'radieuse-bk-')), 'backup.jsonl.gz');
  const b = await backup(src, file, () => {});
  assert.ok(b.rows > 10);
  await restore(dst, file, { force: false }, () => {});
  assert.deepEqual(await counts(dst), await counts(src));
  assert.deepEqual(await verifyAuditChain(dst.db, a.coop.id), { ok: true, count: 3 });
  // Serial columns continue after the restored rows.
  await dst.db.insertInto('login_attempt').values({ email: 'new@b.c', ip: null, ok: true }).execute();
  // A second restore into a non-empty database needs --force.
  await assert.rejects(
    restore(dst, file, { force: false }, () => {}),
    /n'est pas vide/,
  );
  await restore(dst, file, { force: true }, () => {});
  assert.deepEqual(await counts(dst), await counts(src));
});
