// Crash tests: a real process doing money-changing work is killed with SIGKILL at a random
// moment, again and again; afterwards the integrity check finds nothing (no gap in a numbering
// series, no entry without lines or unbalanced, no half-imported statement), and a backup cut
// in the middle is refused whole by the restore.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { restore } from '../../cli/backup.ts';
import { loadConfig } from '../../core/config.ts';
import { coreDb } from '../../core/db/handles.ts';
import { openDatabase, type OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { frenchVatFromSiren, makeSiren } from '../../core/identifiers.ts';
import { migrate } from '../../core/migrations.ts';
import { createCustomer } from '../../modules/sales/index.ts';
import { runIntegrity } from '../integrity.ts';
import { allMigrations, createTestDb, seedTestCooperatives } from '../testing.ts';
import type { CrashContext } from './crash-worker.ts';

const KEY = Buffer.alloc(32, 5);
const WORKER = new URL('./crash-worker.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'radieuse-crash-'));
let env: NodeJS.ProcessEnv;
let ctx: CrashContext;
/** On PGlite the worker must open the same data folder: a database on disk, not in memory. */
let open: () => Promise<OpenDb>;
let keep: OpenDb | null = null;

before(async () => {
  if (process.env.DATABASE_URL) {
    keep = await createTestDb();
    const url = keep.connectionString!;
    env = { ...process.env, DATABASE_URL: url, RADIEUSE_FILE_KEY: KEY.toString('hex'), RADIEUSE_JOBS: 'off' };
    open = () => openDatabase({ databaseUrl: url, poolMax: 2 });
  } else {
    const data = join(dir, 'data');
    env = { ...process.env, RADIEUSE_DATA: data, RADIEUSE_FILE_KEY: KEY.toString('hex'), RADIEUSE_JOBS: 'off' };
    delete env.DATABASE_URL;
    open = () => openDatabase({ dataDir: data });
    const o = await open();
    await migrate(o.db, allMigrations);
    await o.close();
  }
  // The audit chain is keyed by the application secret, which by default derives from the data
  // folder: the worker must sign with the same key as this process checks with.
  env.RADIEUSE_SECRET = loadConfig().secret;
  const odb = keep ?? (await open());
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  const customerId = await withTenant(odb.db, a.coop.id, async (trx) => {
    const siren = makeSiren('55210055');
    const c = await createCustomer(trx, a.actor('entrepreneur'), {
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
  ctx = {
    cooperativeId: a.coop.id,
    activityId: a.activityId,
    customerId,
    entrepreneur: a.actor('entrepreneur'),
    support: a.actor('support'),
    backupFile: join(dir, 'cut.jsonl.gz'),
  };
  if (!keep) await odb.close();
});
after(async () => {
  await keep?.close();
});

/** Starts the worker, waits for `ticks` commits, then kills it at a random instant. */
function runAndKill(scenario: string, round: number, ticks: number, rnd: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, scenario, JSON.stringify({ ...ctx, round })], {
      env,
    });
    let seen = 0;
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    let armed = true;
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      seen += text.split('tick').length - 1;
      if (!armed || seen < ticks) return;
      if (scenario === 'backup') return; // the worker cuts its own third backup
      armed = false;
      setTimeout(() => child.kill('SIGKILL'), Math.floor(rnd * 40));
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(seen);
      else reject(new Error(`worker ${scenario} stopped by itself (${code}): ${err.slice(-2000)}`));
    });
  });
}

async function problemsAfter(scenario: string, rounds: number) {
  let commits = 0;
  for (let r = 0; r < rounds; r++) commits += await runAndKill(scenario, r, 2 + (r % 3), ((r * 7919) % 100) / 100);
  const odb = keep ?? (await open());
  try {
    return { problems: await runIntegrity(odb, { fileKey: KEY }), commits, odb };
  } finally {
    if (!keep) await odb.close();
  }
}

for (const scenario of ['validation', 'payments', 'bank-import', 'closing'] as const)
  test(`killed during ${scenario}: the integrity check finds nothing afterwards`, async () => {
    const { problems, commits } = await problemsAfter(scenario, 4);
    assert.ok(commits >= 4, `the worker committed work (${commits})`);
    assert.deepEqual(problems, []);
    console.log(`# crash (${scenario}): 4 kills, ${commits} commits survived, integrity intact`);
  });

test('killed during a backup: no file is left looking complete, the cut one is refused whole, the database intact', async () => {
  const { problems } = await problemsAfter('backup', 3);
  assert.deepEqual(problems, []);
  // The backup writes `FILE.partial` and renames it only once complete.
  const target = await createTestDb();
  try {
    assert.ok(
      existsSync(`${ctx.backupFile}.partial`),
      `the cut backup is under its partial name: ${readdirSync(dir).join(', ')}`,
    );
    await assert.rejects(restore(target, `${ctx.backupFile}.partial`, { force: false }, () => {}));
    const n = await sql<{ n: number }>`select count(*)::int as n from cooperative`.execute(coreDb(target.db));
    assert.equal(n.rows[0].n, 0, 'nothing half-restored');
  } finally {
    await target.close();
  }
});
