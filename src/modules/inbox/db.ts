// The inbox's view of the database: the core tables and its own (snoozes, notifications,
// digest preferences, calendar feeds). What it shows of other modules comes through their
// services and the providers, checks and deadline sources they register.
import { moduleView, type ModuleDb, type ModuleTx, type Tx } from '../../core/db/handles.ts';
import type { InboxTables } from './schema.ts';

export type InboxTx = ModuleTx<InboxTables>;
export type InboxDb = ModuleDb<InboxTables>;
export const inboxDb = moduleView<InboxTables>();

/** The tenant transaction the inbox passes on to the providers, checks and deadline sources
 *  other modules register (and to their services): a plain handle, since every module queries
 *  through its own view. The inbox never queries through it: its own queries go through `inboxDb`. */
export type TenantTx = Tx;
