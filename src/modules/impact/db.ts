// The impact module's view of the database: the core tables and its survey tables. Its
// indicators come from the other modules' services (journeys, directory, ledger), never from
// their tables.
import { moduleView, type ModuleTx } from '../../core/db/handles.ts';
import type { ImpactTables } from './schema.ts';

export type ImpactTx = ModuleTx<ImpactTables>;
export const impactDb = moduleView<ImpactTables>();
