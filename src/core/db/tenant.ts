// Tenancy: every tenant transaction runs as the unprivileged role `radieuse_app` with the
// current cooperative set locally, so PostgreSQL's row-level security is a second wall behind
// the `where cooperative_id = …` that every service writes.
import { sql, type Kysely } from 'kysely';
import type { CooperativeId } from '../ids.ts';
import type { CoreTx, Db } from './handles.ts';

export {
  coreDb,
  moduleView,
  type CoreDb,
  type CoreTx,
  type Db,
  type ModuleDb,
  type ModuleTx,
  type ModuleView,
  type Tx,
} from './handles.ts';
export const APP_ROLE = 'radieuse_app';

export interface TransactionOptions {
  /** `repeatable read`: one snapshot for the whole transaction (checks, exports, backups). */
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /** Refuses writes (a report or a check that must change nothing). */
  readOnly?: boolean;
}

function begin(db: Db, opts: TransactionOptions) {
  let t = (db as unknown as Kysely<object>).transaction();
  if (opts.isolation) t = t.setIsolationLevel(opts.isolation);
  if (opts.readOnly) t = t.setAccessMode('read only');
  return t;
}

export async function withTenant<T>(
  db: Db,
  cooperativeId: CooperativeId | string,
  fn: (trx: CoreTx) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  return begin(db, opts).execute(async (trx) => {
    await sql`select set_config('app.cooperative_id', ${cooperativeId}, true)`.execute(trx);
    await sql.raw(`set local role ${APP_ROLE}`).execute(trx);
    return fn(trx as unknown as CoreTx);
  });
}

/** Writes into several cooperatives at once, all or nothing (a network-wide survey wave): one
 *  transaction under the app role, the current cooperative set before each one's work, so the
 *  row-level policies still scope every statement to that cooperative. */
export async function withEachTenant<T>(
  db: Db,
  cooperativeIds: readonly (CooperativeId | string)[],
  fn: (trx: CoreTx, cooperativeId: string) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T[]> {
  return begin(db, opts).execute(async (trx) => {
    await sql.raw(`set local role ${APP_ROLE}`).execute(trx);
    const out: T[] = [];
    for (const id of cooperativeIds) {
      await sql`select set_config('app.cooperative_id', ${id}, true)`.execute(trx);
      out.push(await fn(trx as unknown as CoreTx, id));
    }
    return out;
  });
}

/** Cross-cooperative work (CLI, jobs, sign-in, network consolidation): no RLS, explicit by name. */
export async function withSystem<T>(
  db: Db,
  fn: (trx: CoreTx) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  return begin(db, opts).execute((trx) => fn(trx as unknown as CoreTx));
}

export { tenantPolicySql } from './rls.ts';
