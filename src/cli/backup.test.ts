import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDb, seedTestCooperatives } from '../app/testing.ts';
import type { OpenDb } from '../core/db/index.ts';
import { coreDb, withTenant } from '../core/db/tenant.ts';
import { frenchVatFromSiren, makeSiren } from '../core/identifiers.ts';
import { runIntegrity } from '../app/integrity.ts';
import { createCustomer, createDraft, validateInvoice } from '../modules/sales/index.ts';
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

test('a backup taken while invoices are being validated restores with no gap, no entry without lines', async () => {
  const s = await createTestDb();
  const d = await createTestDb();
  try {
    const [a] = await seedTestCooperatives(s, { withPasswords: false });
    const ent = a.actor('entrepreneur');
    const sup = a.actor('support');
    const customerId = await withTenant(s.db, a.coop.id, async (trx) => {
      const siren = makeSiren('55210055');
      const c = await createCustomer(trx, ent, {
        kind: 'company',
        name: 'Café Central',
        siren,
        vatNumber: frenchVatFromSiren(siren),
        addressLine1: '5 place Bellecour',
        postalCode: '69002',
        city: 'Lyon',
        countryCode: 'FR',
      });
      return c.id;
    });
    const validateOne = (i: number) =>
      withTenant(s.db, a.coop.id, async (trx) => {
        const draft = await createDraft(trx, ent, {
          activityId: a.activityId,
          customerId,
          lines: [
            {
              description: `Séance ${i}`,
              quantityMilli: 1000,
              unitPriceCents: 10_000 + i,
              vatCategory: 'S',
              vatRateBp: 2000,
            },
          ],
        });
        await validateInvoice(trx, sup, draft.id);
      });
    for (let i = 0; i < 5; i++) await validateOne(i);
    const file = join(mkdtempSync(join(tmpdir(), 'radieuse-bk-')), 'busy.jsonl.gz');
    // Validations keep running while the backup reads: it must see one instant, not a blend.
    let stop = false;
    const busy = (async () => {
      for (let i = 5; !stop && i < 200; i++) await validateOne(i);
    })();
    await backup(s, file, () => {});
    stop = true;
    await busy;
    await restore(d, file, { force: false }, () => {});
    const problems = await runIntegrity(d, { fileKey: Buffer.alloc(32, 7) });
    assert.deepEqual(
      problems.filter((p) => p.kind !== 'file_unreadable'),
      [],
    );
  } finally {
    await s.close();
    await d.close();
  }
});

test('rows are saved in key order across pages, and a file with an orphan row is refused whole', async () => {
  const s = await createTestDb();
  const d = await createTestDb();
  try {
    await seedTestCooperatives(s, { withPasswords: false });
    await sql`insert into login_attempt (email, ok) select 'x' || g || '@b.c', false from generate_series(1, 4500) g`.execute(
      coreDb(s.db),
    );
    const dir = mkdtempSync(join(tmpdir(), 'radieuse-bk-'));
    const file = join(dir, 'big.jsonl.gz');
    await backup(s, file, () => {});
    const lines = gunzipSync(readFileSync(file))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const start = lines.findIndex((l) => l.table === 'login_attempt');
    const ids: number[] = [];
    for (let i = start + 1; i < lines.length && !lines[i].table; i++) ids.push(Number(lines[i].r.id));
    assert.equal(ids.length, 4500);
    assert.deepEqual(
      ids,
      [...ids].sort((x, y) => x - y),
    );
    // An activity whose cooperative is missing from the file: nothing is restored.
    const damaged = lines.filter((l) => !(l.r && l.r.slug !== undefined && l.r.siren !== undefined));
    const bad = join(dir, 'damaged.jsonl.gz');
    writeFileSync(bad, gzipSync(`${damaged.map((l) => JSON.stringify(l)).join('\n')}\n`));
    await assert.rejects(
      restore(d, bad, { force: false }, () => {}),
      /incohérente/,
    );
    const n = await sql<{ n: number }>`select count(*)::int as n from activity`.execute(coreDb(d.db));
    assert.equal(n.rows[0].n, 0, 'nothing half-restored');
  } finally {
    await s.close();
    await d.close();
  }
});
