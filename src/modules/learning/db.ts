// The learning module's view of the database: the core tables and its own.
import { moduleView, type ModuleDb, type ModuleTx } from '../../core/db/handles.ts';
import type { LearningTables } from './schema.ts';

export type LearningTx = ModuleTx<LearningTables>;
export type LearningDb = ModuleDb<LearningTables>;
export const learningDb = moduleView<LearningTables>();
