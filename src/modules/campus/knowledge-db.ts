// The campus knowledge services' view of the database: the core tables, the questions' tables
// (schema.ts) and the knowledge tables (knowledge-schema.ts).
import { moduleView, type ModuleTx } from '../../core/db/handles.ts';
import type { KnowledgeTables } from './knowledge-schema.ts';
import type { CampusTables } from './schema.ts';

export type KnowledgeTx = ModuleTx<CampusTables & KnowledgeTables>;
export const kbDb = moduleView<CampusTables & KnowledgeTables>();
