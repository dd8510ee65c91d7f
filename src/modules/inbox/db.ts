// The inbox's view of the database: the core tables and its own (snoozes, notifications,
// digest preferences, calendar feeds). What it shows of other modules comes through their
// services and the providers, checks and deadline sources they register.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { withTenant } from '../../core/db/tenant.ts';
import type { InboxTables } from './schema.ts';

export type InboxTx = ModuleTx<InboxTables>;
export type InboxDb = ModuleDb<InboxTables>;
export const inboxDb = moduleView<InboxTables>();

/** The tenant transaction as `withTenant` hands it out: what the inbox passes on to the
 *  providers, checks and deadline sources other modules register (and to their services).
 *  Those modules are moving to their own views; once they take a plain `Tx`, so can this (it
 *  becomes `Tx` as soon as `withTenant` hands one out). The inbox never queries through it: its
 *  own queries go through `inboxDb`. */
export type TenantTx = Parameters<Parameters<typeof withTenant>[2]>[0];
