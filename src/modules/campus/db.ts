// The campus module's view of the database: the core tables and its own. The network of a
// cooperative comes from the directory's services.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { CampusTables } from './schema.ts';
import type { CampusQaTables, WithQaColumns } from './qa-schema.ts';

type AllCampusTables = WithQaColumns<CampusTables> & CampusQaTables;
export type CampusTx = ModuleTx<AllCampusTables>;
export type CampusDb = ModuleDb<AllCampusTables>;
export const campusDb = moduleView<AllCampusTables>();
