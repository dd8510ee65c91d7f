// How far a member has filled in their own profile, for the home page's "Pour bien démarrer"
// card (the inbox asks; it never reads the directory's tables itself).
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { directoryDb } from './db.ts';

/** Whether the actor has recorded the first useful piece of their profile: an IBAN (for expense
 *  reimbursements) or a phone number. About the actor only, so it needs no other permission. */
export async function ownProfileStarted(tx: Tx, actor: Actor): Promise<boolean> {
  if (!actor.userId) return false;
  const row = await directoryDb(tx)
    .selectFrom('member_profile')
    .select('user_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .where((eb) => eb.or([eb('iban', 'is not', null), eb('phone', 'is not', null)]))
    .executeTakeFirst();
  return !!row;
}
