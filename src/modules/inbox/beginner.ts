// Beginner mode ("mode simplifié"), a per-person flag on user_account (default on): advanced
// fields are folded under "Plus d'options" by the <Advanced> component (src/web/components.tsx).
import type { Db } from '../../core/db/handles.ts';
import { inboxDb } from './db.ts';

/** user_account is global (not a tenant table): called with the top-level db, outside any transaction. */
export async function setBeginnerMode(dbIn: Db, userId: string, on: boolean): Promise<void> {
  const db = inboxDb(dbIn);
  await db.updateTable('user_account').set({ beginner_mode: on }).where('id', '=', userId).execute();
}
