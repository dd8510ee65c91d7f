import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, backendName, seedTestCooperatives } from '../../app/testing.ts';
import { migrate } from '../migrations.ts';
import { allMigrations } from '../../app/testing.ts';
import { coreDb, withTenant } from './tenant.ts';
import { openDatabase, type OpenDb } from './index.ts';

let odb: OpenDb;
before(async () => {
  odb = await createTestDb();
});
after(async () => {
  await odb.close();
});

test(`migrations run from empty and are idempotent (${backendName()})`, async () => {
  const applied = await migrate(odb.db, allMigrations);
  assert.deepEqual(applied, [], 'a second run applies nothing');
  const t = await sql<{
    n: number;
  }>`select count(*)::int as n from information_schema.tables where table_schema='public' and table_name in ('cooperative','activity','audit_log','auth_session')`.execute(
    odb.db,
  );
  assert.equal(t.rows[0].n, 4);
});

test('row-level security blocks a query that forgets the cooperative filter', async () => {
  await seedTestCooperatives(odb, { withPasswords: false });
  // Raw SQL on a tenant table of the directory: the core knows no module, RLS guards them all.
  const all = await sql<{ cooperative_id: string }>`select cooperative_id from activity`.execute(coreDb(odb.db));
  const coops = new Set(all.rows.map((r) => r.cooperative_id));
  assert.ok(coops.size >= 2, 'the system context sees every cooperative');
  const target = [...coops][0];
  // A careless query without `where cooperative_id`: RLS still returns only the current cooperative.
  const seen = await withTenant(odb.db, target, (trx) =>
    sql<{ cooperative_id: string }>`select cooperative_id from activity`.execute(coreDb(trx)),
  );
  assert.ok(seen.rows.length > 0);
  assert.ok(seen.rows.every((r) => r.cooperative_id === target));
  // And writing into another cooperative is refused.
  const other = [...coops].find((c) => c !== target)!;
  await assert.rejects(
    withTenant(odb.db, target, (trx) =>
      sql`insert into activity (cooperative_id, id, name, analytic_code, trusted)
          values (${other}, '00000000-0000-7000-8000-000000000001', 'x', 'INTRUS', false)`.execute(coreDb(trx)),
    ),
    /row-level security|violates/,
  );
});

// PGlite-only behaviour (PostgreSQL handles its own concurrency), so registered only there.
if (backendName() === 'pglite')
  test('the embedded database refuses a second opener with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radieuse-lock-'));
    const first = await openDatabase({ dataDir: dir });
    try {
      // Same process, but the lock file names a live pid that is not ours: simulate another process.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dir, 'radieuse.lock'), String(process.ppid));
      await assert.rejects(openDatabase({ dataDir: dir }), /déjà ouverte par le processus/);
    } finally {
      await first.close();
    }
  });
