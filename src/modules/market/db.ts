// The marketplace's view of the database: the core tables and its own.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { withTenant } from '../../core/db/tenant.ts';
import type { MarketTables } from './schema.ts';

export type MarketTx = ModuleTx<MarketTables>;
export type MarketDb = ModuleDb<MarketTables>;
export const marketDb = moduleView<MarketTables>();

/** The tenant transaction as `withTenant` hands it out, for the services that call sales (whose
 *  services still take that type; see inbox/db.ts). Never queried through: queries use marketDb. */
export type TenantTx = Parameters<Parameters<typeof withTenant>[2]>[0];
