// The database as Kysely sees it from the core: the core tables only. Each module sees its own
// tables on top (its `db.ts` widens a transaction with `withTables`), so a module can never
// name another module's tables: the compiler refuses it.
//
// Transitional: modules not yet given their own view add their tables to this interface by
// declaration merging (`declare module '…/core/db/database.ts'`); the list shrinks to nothing.
import type { CoreTables } from '../tables.ts';

export interface Database extends CoreTables {}
