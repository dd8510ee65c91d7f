// Tenancy: every tenant transaction runs as the unprivileged role `radieuse_app` with the
// current cooperative set locally, so PostgreSQL's row-level security is a second wall behind
// the `where cooperative_id = …` that every service writes.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../modules/tables.ts';
import type { Db } from './index.ts';
import type { CooperativeId } from '../ids.ts';

export type Tx = Transaction<Database>;
export const APP_ROLE = 'radieuse_app';

export async function withTenant<T>(
  db: Db,
  cooperativeId: CooperativeId | string,
  fn: (trx: Tx) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.cooperative_id', ${cooperativeId}, true)`.execute(trx);
    await sql.raw(`set local role ${APP_ROLE}`).execute(trx);
    return fn(trx);
  });
}

/** Cross-cooperative work (CLI, jobs, sign-in, network consolidation): no RLS, explicit by name. */
export async function withSystem<T>(db: Db, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/** SQL used by module migrations to put a table under row-level security. */
export function tenantPolicySql(table: string): string {
  return `alter table ${table} enable row level security;
create policy ${table}_tenant on ${table}
  using (cooperative_id = nullif(current_setting('app.cooperative_id', true), '')::uuid)
  with check (cooperative_id = nullif(current_setting('app.cooperative_id', true), '')::uuid);`;
}
