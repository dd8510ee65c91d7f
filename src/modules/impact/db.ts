// The impact module's view of the database: the core tables only, for now. Its indicators come
// from the other modules' services (journeys, directory, ledger), never from their tables.
import { moduleView, type ModuleTx } from '../../core/db/handles.ts';

// biome-ignore lint/complexity/noBannedTypes: no tables of its own yet
export type ImpactTables = {};
export type ImpactTx = ModuleTx<ImpactTables>;
export const impactDb = moduleView<ImpactTables>();
