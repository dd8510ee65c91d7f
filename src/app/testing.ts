// Test databases: a fresh, migrated database per call, on the backend the run was started
// with (DATABASE_URL set → a new PostgreSQL database cloned from a migrated template; else an
// in-memory PGlite). Never shared between test files, so tests cannot leak into each other.
import pg from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import { openDatabase, type OpenDb } from '../core/db/index.ts';
import { migrate } from '../core/migrations.ts';
import { allMigrations } from './modules.ts';

const migrationsHash = createHash('sha256')
  .update(allMigrations.map((m) => m.name + m.sql).join('\n'))
  .digest('hex')
  .slice(0, 12);
let pgliteTemplate: Blob | null = null;

export const backendName = (): 'postgres' | 'pglite' => (process.env.DATABASE_URL ? 'postgres' : 'pglite');

export async function createTestDb(): Promise<OpenDb> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    if (!pgliteTemplate) {
      const o = await openDatabase({ memory: true });
      await migrate(o.db, allMigrations);
      pgliteTemplate = await o.pglite!.dumpDataDir('none');
      await o.close();
    }
    return openDatabase({ memory: true, loadDataDir: pgliteTemplate });
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const template = `radieuse_tpl_${migrationsHash}`;
  const name = `radieuse_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.query('select pg_advisory_lock(4242)');
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (!exists.rowCount) {
      await admin.query(`create database ${template}`);
      const t = await openDatabase({ databaseUrl: withDb(url, template), poolMax: 1 });
      try {
        await migrate(t.db, allMigrations);
      } catch (e) {
        await t.close();
        await admin.query(`drop database ${template}`);
        throw e;
      }
      await t.close();
    }
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.query('select pg_advisory_unlock(4242)').catch(() => {});
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

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../modules/directory/testing.ts';
export { allMigrations } from './modules.ts';
