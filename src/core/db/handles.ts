// Database handles and views: the wall between modules, enforced by the type checker.
//
// A service receives a *handle* (`Db`, or `Tx` for a transaction): an opaque value that can be
// passed on but not queried. To query, a module looks through its own *view*, made by the
// `moduleView` its `db.ts` declares: the core tables and the module's own, nothing else. So a
// module cannot name another module's tables (it does not compile); it calls that module's
// services instead. Every view is also a handle, so it can be passed to any other service.
import type { Kysely, Transaction } from 'kysely';
import type { CoreTables } from '../tables.ts';

declare const dbHandle: unique symbol;
declare const txHandle: unique symbol;

/** Something that runs queries (the database, or a transaction): pass it on, or look through a view. */
export interface Db {
  readonly [dbHandle]: true;
}
/** A transaction in progress (tenant or system): pass it on, or look through a view. */
export interface Tx extends Db {
  readonly [txHandle]: true;
}

export type ModuleDb<T> = Kysely<CoreTables & T> & Db;
export type ModuleTx<T> = Transaction<CoreTables & T> & Tx;
export interface ModuleView<T> {
  (db: Tx): ModuleTx<T>;
  (db: Db): ModuleDb<T>;
}

/** The view a module declares once, in its db.ts: `export const salesDb = moduleView<SalesTables>();` */
export function moduleView<T extends object>(): ModuleView<T> {
  // The same connection and transaction, seen with the module's table types: a cast, no copy.
  return ((db: Db) => db) as unknown as ModuleView<T>;
}

/** The core's own view (identity, sessions, audit, mail, files, events). */
export const coreDb = moduleView<object>();
export type CoreDb = ModuleDb<object>;
export type CoreTx = ModuleTx<object>;
