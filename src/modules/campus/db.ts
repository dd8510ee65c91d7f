// The campus module's view of the database: the core tables and its own. The network of a
// cooperative comes from the directory's services.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { CampusTables } from './schema.ts';

export type CampusTx = ModuleTx<CampusTables>;
export type CampusDb = ModuleDb<CampusTables>;
export const campusDb = moduleView<CampusTables>();
