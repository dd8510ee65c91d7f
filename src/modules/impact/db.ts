// The impact module's view of the database: the core tables, its survey tables, its stored
// indicator runs and funder shares. Its indicators come from the other modules' services
// (journeys, directory, ledger), never from their tables.
import { moduleView, type ModuleTx } from '../../core/db/handles.ts';
import type { ImpactTables } from './schema.ts';
import type { ReportTables } from './report-schema.ts';
import type { ReferentialTables } from './referential.schema.ts';
import type { ScenarioTables } from './sroi-scenarios.schema.ts';

export type ImpactTx = ModuleTx<ImpactTables & ReportTables & ReferentialTables & ScenarioTables>;
export const impactDb = moduleView<ImpactTables & ReportTables & ReferentialTables & ScenarioTables>();
