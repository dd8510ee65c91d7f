// Beginner mode ("mode simplifié"), a per-person flag on user_account (default on): advanced
// fields are folded under "Plus d'options" by the <Advanced> component (src/web/components.tsx).
import type { Db } from '../../core/db/handles.ts';
import { coreDb } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { INBOX } from './permissions.ts';

/** The actor's own setting. user_account is global (not a tenant table): called with the
 *  top-level db, outside any transaction. */
export async function setBeginnerMode(db: Db, actor: Actor, on: boolean): Promise<void> {
  authorize(actor, INBOX.beginnerMode);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  await coreDb(db).updateTable('user_account').set({ beginner_mode: on }).where('id', '=', actor.userId).execute();
}
