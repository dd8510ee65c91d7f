// The accompaniment module's view of the database: the core tables and its own (journeys,
// appointments, slots, workshops, info meetings, feeds). Other modules' data comes through their
// services (the directory's members and cooperatives).
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { JourneysTables } from './schema.ts';

export type JourneysTx = ModuleTx<JourneysTables>;
export type JourneysDb = ModuleDb<JourneysTables>;
export const journeysDb = moduleView<JourneysTables>();
