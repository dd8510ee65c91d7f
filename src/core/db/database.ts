// The database as Kysely sees it from the core: the core tables only. Each module sees its own
// tables on top through the view its `db.ts` declares (`moduleView`, core/db/handles.ts), so a
// module can never name another module's tables: the compiler refuses it. No module adds its
// tables to this interface by declaration merging: scripts/check-walls.mjs refuses it.
import type { CoreTables } from '../tables.ts';

export interface Database extends CoreTables {}
