// Per-module migrations run by Kysely's migrator (which takes a lock, so two starts never
// migrate at once). A migration is plain SQL: readable, and the same on PostgreSQL 15 and PGlite.
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './db/index.ts';
import { APP_ROLE } from './db/tenant.ts';
import { coreDb } from './db/handles.ts';
import { APP_ROLE_PRIVILEGES_SQL } from './auth/app-role.ts';

export interface SqlMigration {
  name: string;
  sql: string;
}

/** Splits a script on statement-ending semicolons (not inside $$ bodies) and runs each. */
export async function execScript(db: Db, script: string): Promise<void> {
  const parts: string[] = [];
  let buf = '';
  let inDollar = false;
  for (const line of script.split('\n')) {
    const dollars = (line.match(/\$\$/g) ?? []).length;
    if (dollars % 2 === 1) inDollar = !inDollar;
    buf += `${line}\n`;
    if (!inDollar && /;\s*(--.*)?$/.test(line)) {
      parts.push(buf);
      buf = '';
    }
  }
  if (buf.trim()) parts.push(buf);
  for (const p of parts) if (p.trim()) await sql.raw(p).execute(coreDb(db));
}

// The role exists cluster-wide on PostgreSQL; creating it must tolerate a concurrent creator.
const ROLE_SQL = `do $$ begin
  if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
    begin create role ${APP_ROLE} nologin; exception when duplicate_object or unique_violation then null; end;
  end if;
  if not exists (select 1 from pg_roles where rolname = current_user and rolsuper) then
    execute format('grant ${APP_ROLE} to %I', current_user);
  end if;
end $$;`;

const GRANTS_SQL = `grant usage on schema public to ${APP_ROLE};
grant select, insert, update, delete on all tables in schema public to ${APP_ROLE};
grant usage, select on all sequences in schema public to ${APP_ROLE};`;

export async function migrate(
  dbIn: Db,
  migrations: SqlMigration[],
  log: (m: string) => void = () => {},
): Promise<string[]> {
  const db = coreDb(dbIn);
  await execScript(db, ROLE_SQL);
  const byName: Record<string, Migration> = {};
  for (const m of migrations) {
    if (byName[m.name]) throw new Error(`migration en double : ${m.name}`);
    byName[m.name] = { up: (k) => execScript(k as unknown as Db, m.sql) };
  }
  const provider: MigrationProvider = { getMigrations: async () => byName };
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  for (const r of results ?? []) if (r.status === 'Error') log(`échec de la migration ${r.migrationName}`);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  await execScript(db, GRANTS_SQL);
  await execScript(db, APP_ROLE_PRIVILEGES_SQL); // then narrowed on the core's identity and audit tables
  for (const a of applied) log(`migration appliquée : ${a}`);
  return applied;
}
