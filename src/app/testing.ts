// Test databases: a fresh, migrated database per call, on the backend the run was started
// with (DATABASE_URL set → a new PostgreSQL database cloned from a migrated template; else an
// in-memory PGlite). Never shared between test files, so tests cannot leak into each other.
//
// `createDemoTestDb()` gives a fresh copy of the demo network. Loading the demo takes a minute,
// so the first caller of a run saves it as a template (a PostgreSQL template database, or a
// PGlite data-directory dump in the temporary folder) keyed by today's date and a hash of the
// sources: later callers, in any test file, clone it in a second.
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openDatabase, type OpenDb } from '../core/db/index.ts';
import { migrate } from '../core/migrations.ts';
import { loadConfig } from '../core/config.ts';
import { loadDemo } from './demo.ts';
import { allMigrations } from './modules.ts';

const migrationsHash = createHash('sha256')
  .update(allMigrations.map((m) => m.name + m.sql).join('\n'))
  .digest('hex')
  .slice(0, 12);
let pgliteTemplate: Blob | null = null;

/** The configuration of test servers: documents of the demo template open with its file key. */
export const testConfig = () =>
  loadConfig({ RADIEUSE_DATA: '/tmp/radieuse-test', RADIEUSE_JOBS: 'off', RADIEUSE_FILE_KEY: '7'.repeat(64) });

export const backendName = (): 'postgres' | 'pglite' => (process.env.DATABASE_URL ? 'postgres' : 'pglite');

/** The demo depends on every source file and on the day (dates are relative to today). */
function demoHash(): string {
  const h = createHash('sha256').update(new Date().toISOString().slice(0, 10)).update(migrationsHash);
  const src = new URL('..', import.meta.url).pathname;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|json)$/.test(name) && !/\.test\.tsx?$/.test(name))
        h.update(relative(src, p)).update(readFileSync(p));
    }
  };
  walk(src);
  return h.digest('hex').slice(0, 12);
}

async function pgliteMigrated(): Promise<Blob> {
  if (!pgliteTemplate) {
    const o = await openDatabase({ memory: true });
    await migrate(o.db, allMigrations);
    pgliteTemplate = await o.pglite!.dumpDataDir('none');
    await o.close();
  }
  return pgliteTemplate;
}

/** A PGlite demo dump shared by the test files of a run (one writer, the others wait for it). */
async function pgliteDemoDump(): Promise<Blob> {
  const file = join(tmpdir(), `radieuse-demo-${demoHash()}.tar`);
  const lock = `${file}.lock`;
  for (;;) {
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    try {
      closeSync(openSync(lock, 'wx'));
    } catch {
      // Another test file is loading it; a lock older than 20 minutes is a crashed writer.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 20 * 60_000) unlinkSync(lock);
      await sleep(1000);
      continue;
    }
    try {
      const o = await openDatabase({ memory: true, loadDataDir: await pgliteMigrated() });
      await loadDemo(o, { fileKey: testConfig().fileKey });
      const dump = await o.pglite!.dumpDataDir('none');
      await o.close();
      writeFileSync(`${file}.tmp`, Buffer.from(await dump.arrayBuffer()));
      renameSync(`${file}.tmp`, file);
      return dump;
    } finally {
      unlinkSync(lock);
    }
  }
}

/** Creates `template` once (under an advisory lock, so parallel test files wait for the first). */
async function ensureTemplate(url: string, template: string, lockKey: number, build: (db: OpenDb) => Promise<void>) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [lockKey]);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (exists.rowCount) return;
    const from = template === MIGRATED_TEMPLATE() ? '' : ` template ${MIGRATED_TEMPLATE()}`;
    await admin.query(`create database ${template}${from}`);
    const t = await openDatabase({ databaseUrl: withDb(url, template), poolMax: 2 });
    try {
      await build(t);
    } catch (e) {
      await t.close();
      await admin.query(`drop database if exists ${template}`).catch(() => {});
      throw e;
    }
    await t.close();
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [lockKey]).catch(() => {});
    await admin.end();
  }
}

async function cloneFrom(url: string, template: string): Promise<OpenDb> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `radieuse_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  // Two copies of one template at the same instant can collide ("being accessed by other users").
  await admin.query('select pg_advisory_lock(4244)');
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.query('select pg_advisory_unlock(4244)').catch(() => {});
  }
  const o = await openDatabase({ databaseUrl: withDb(url, name), poolMax: 5 });
  const close = o.close;
  o.close = async () => {
    await close();
    await admin.query(`drop database if exists ${name}`).catch(() => {});
    await admin.end();
  };
  return o;
}

const MIGRATED_TEMPLATE = () => `radieuse_tpl_${migrationsHash}`;

export async function createTestDb(): Promise<OpenDb> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ memory: true, loadDataDir: await pgliteMigrated() });
  await ensureTemplate(url, MIGRATED_TEMPLATE(), 4242, (t) => migrate(t.db, allMigrations).then(() => {}));
  return cloneFrom(url, MIGRATED_TEMPLATE());
}

/** A fresh copy of the demo network (the same for every test file of the day). */
export async function createDemoTestDb(): Promise<OpenDb> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ memory: true, loadDataDir: await pgliteDemoDump() });
  await ensureTemplate(url, MIGRATED_TEMPLATE(), 4242, (t) => migrate(t.db, allMigrations).then(() => {}));
  const template = `radieuse_demo_${demoHash()}`;
  await ensureTemplate(url, template, 4243, (t) => loadDemo(t, { fileKey: testConfig().fileKey }));
  return cloneFrom(url, template);
}

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export {
  seedTestCooperatives,
  TEST_PASSWORD,
  TEST_PNG,
  verifyIdentityForTest,
  type TestCoop,
} from '../modules/directory/testing.ts';
export { allMigrations, navItems } from './modules.ts';
export { runIntegrity } from './integrity.ts';
