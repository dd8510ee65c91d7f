// Opens the database: PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in the
// data folder (locked). Both give the same Kysely<Database>; `exclusive` lets foreign clients
// (pg-boss on PGlite) share PGlite's single connection safely.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { join, resolve } from 'node:path';
import type { Database } from './database.ts';
import { type CoreDb, coreDb, type Db } from './handles.ts';
import { Mutex, PGliteDialect } from './pglite-driver.ts';
import { lockDataDir } from './lock.ts';
import { countQuery } from './query-count.ts';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

export type { CoreDb, Db } from './handles.ts';
export type DbKind = 'pglite' | 'postgres';

export type RawQuery = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export interface OpenDb {
  db: CoreDb;
  kind: DbKind;
  /** Runs raw SQL outside Kysely (pg-boss, backup): through the mutex on PGlite. */
  raw: RawQuery;
  /** Multi-statement script without parameters. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
  /** The PGlite instance, for backup/restore. */
  pglite?: import('@electric-sql/pglite').PGlite;
  connectionString?: string;
}

// bigint (int8) as a JS number: every amount is cents, far below 2^53; dates stay 'YYYY-MM-DD'.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1082, (v) => v);
pg.types.setTypeParser(1700, (v) => v);

export interface OpenOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** In-memory PGlite (tests). */
  memory?: boolean;
  /** PGlite data directory tarball to start from (tests use a migrated template). */
  loadDataDir?: Blob;
  poolMax?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<OpenDb> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolMax ?? 10);
  return openPGlite(opts);
}

async function openPostgres(url: string, max: number): Promise<OpenDb> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {
    /* idle client errors are retried by the pool */
  });
  // Fail early with a clear message instead of on the first request.
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end();
    throw new Error(`Connexion à PostgreSQL impossible (${(e as Error).message}). Vérifiez DATABASE_URL.`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: countQuery });
  return {
    db: db as CoreDb,
    kind: 'postgres',
    connectionString: url,
    raw: async (text, params) => pool.query(text, params as unknown[]),
    exec: async (script) => {
      await pool.query(script);
    },
    close: async () => {
      await db.destroy();
    },
  };
}

async function openPGlite(opts: OpenOptions): Promise<OpenDb> {
  const { PGlite } = await import('@electric-sql/pglite');
  const parsers = { 20: (v: string) => Number(v), 1082: (v: string) => v, 1700: (v: string) => v };
  let release = () => {};
  let dataDir: string | undefined;
  if (!opts.memory) {
    dataDir = resolve(opts.dataDir ?? './data');
    release = lockDataDir(dataDir);
  }
  let pgl: import('@electric-sql/pglite').PGlite;
  try {
    pgl = await PGlite.create({
      dataDir: dataDir ? join(dataDir, 'pglite') : undefined,
      parsers,
      loadDataDir: opts.loadDataDir,
      // The extensions search needs (French full text without accents, trigrams, distances):
      // bundled with PGlite, and in PostgreSQL's contrib (trusted: a database owner may create them).
      extensions: { pg_trgm, unaccent, cube, earthdistance },
    });
  } catch (e) {
    release();
    throw e;
  }
  const mutex = new Mutex();
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pgl, mutex), log: countQuery });
  return {
    db: db as CoreDb,
    kind: 'pglite',
    pglite: pgl,
    // Without parameters, run as a script (pg-boss sends several statements at once).
    raw: (text, params) =>
      mutex.run(async () => {
        if (params?.length) return pgl.query(text, params);
        const results = await pgl.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }),
    exec: async (script) => {
      await mutex.run(() => pgl.exec(script));
    },
    close: async () => {
      await db.destroy();
      await pgl.close();
      release();
    },
  };
}

export async function ping(db: Db): Promise<boolean> {
  const r = await sql<{ ok: number }>`select 1 as ok`.execute(coreDb(db));
  return r.rows[0]?.ok === 1;
}
