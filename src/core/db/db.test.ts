import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, backendName } from '../testing.ts';
import { migrate } from '../migrations.ts';
import { allMigrations } from '../../modules/migrations.ts';
import { withTenant } from './tenant.ts';
import { openDatabase, type OpenDb } from './index.ts';
import { seedTestCooperatives, listActivities } from '../../modules/directory/index.ts';

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

test('row-level security blocks a query that forgets the cooperative filter', async () => {
  const all = await odb.db.selectFrom('activity').select('cooperative_id').execute();
  const coops = new Set(all.map((r) => r.cooperative_id));
  assert.ok(coops.size >= 2, 'the system context sees every cooperative');
  const target = [...coops][0];
  // A careless query without `where cooperative_id`: RLS still returns only the current cooperative.
  const seen = await withTenant(odb.db, target, (trx) => trx.selectFrom('activity').select('cooperative_id').execute());
  assert.ok(seen.length > 0);
  assert.ok(seen.every((r) => r.cooperative_id === target));
  // And writing into another cooperative is refused.
  const other = [...coops].find((c) => c !== target)!;
  await assert.rejects(
    withTenant(odb.db, target, (trx) =>
      trx
        .insertInto('activity')
        .values({
          cooperative_id: other,
          id: '00000000-0000-7000-8000-000000000001',
          name: 'x',
          analytic_code: 'INTRUS',
          description: null,
          trusted: false,
          email: null,
          phone: null,
          closed_at: null,
        })
        .execute(),
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
