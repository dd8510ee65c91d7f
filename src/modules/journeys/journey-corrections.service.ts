// Corrections of a journey by the team: another support member, or the last stage undone. A
// correction never edits the history: it adds to it (a reversing transition, an audit entry).
import type { Updateable } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { isIsoDate, todayParis } from '../../core/dates.ts';
import { journeysDb } from './db.ts';
import type { JourneysTables } from './schema.ts';
import { JOURNEYS } from './permissions.ts';
import { later } from './iso-dates.ts';
import { rolesInCooperative } from './members.ts';
import {
  getJourney,
  historyOf,
  insertTransition,
  journeyInScope,
  type Journey,
  type TransitionEntry,
} from './journeys.service.ts';

/** Changes the support member who follows the person (audited). */
export async function setSupportMember(
  tx: Tx,
  actor: Actor,
  journeyId: string,
  supportUserId: string | null,
): Promise<void> {
  const scope = authorize(actor, JOURNEYS.journeyCorrect);
  const trx = journeysDb(tx);
  const j = await journeyInScope(trx, actor, scope, journeyId, { forUpdate: true });
  if (supportUserId && !(await rolesInCooperative(tx, actor.cooperativeId, supportUserId)).includes('support'))
    throw new UserError("Choisissez un·e chargé·e d'accompagnement de la coopérative.", 'supportUserId');
  await trx
    .updateTable('journey')
    .set({ support_user_id: supportUserId })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', journeyId)
    .execute();
  await audit(tx, actor, {
    action: 'journey.support_changed',
    targetType: 'journey',
    targetId: journeyId,
    data: { from: j.supportUserId, to: supportUserId },
  });
}

/** Transitions still in force: a reversal cancels the latest transition in force. */
function inForce(history: TransitionEntry[]): TransitionEntry[] {
  const stack: TransitionEntry[] = [];
  for (const h of history) {
    if (h.data.reverses) stack.pop();
    else stack.push(h);
  }
  return stack;
}

/** Corrects a wrong transition: a new, reversing transition (with its mandatory comment) brings
 *  the journey back to where it was; the history keeps both. */
export async function reverseLastTransition(
  tx: Tx,
  actor: Actor,
  journeyId: string,
  input: { comment: string; effectiveOn?: string },
): Promise<Journey> {
  const scope = authorize(actor, JOURNEYS.journeyCorrect);
  const trx = journeysDb(tx);
  const comment = (input.comment ?? '').trim();
  if (comment.length < 3) throw new UserError('Expliquez la correction en quelques mots.', 'reverseComment');
  if (comment.length > 2000) throw new UserError('Explication trop longue.', 'reverseComment');
  const j = await journeyInScope(trx, actor, scope, journeyId, { forUpdate: true });
  const active = inForce(await historyOf(trx, actor, journeyId));
  const last = active[active.length - 1];
  const prev = active[active.length - 2];
  if (!last || !prev || !last.from) throw new UserError("Il n'y a pas d'étape à annuler.", 'reverseComment');
  const today = todayParis();
  const effectiveOn =
    input.effectiveOn && isIsoDate(input.effectiveOn) ? input.effectiveOn : later(today, last.effectiveOn);
  // The stage came back to was entered by the earliest of the consecutive transitions into it
  // (renewals keep the stage).
  let k = active.length - 2;
  while (k > 0 && active[k - 1].to === last.from && active[k].from === last.from) k--;
  const patch: Updateable<JourneysTables['journey']> = {
    stage: last.from,
    stage_since: active[k].effectiveOn,
    exit_reason: last.from === 'exit' ? prev.exitReason : null,
  };
  if (last.from === 'cape' && last.to === 'cape') {
    patch.cape_end = String(last.data.previousCapeEnd);
    patch.cape_renewals = Math.max(0, j.capeRenewals - 1);
    patch.stage_since = j.stageSince;
  } else if (last.to === 'cape') {
    patch.cape_start = null;
    patch.cape_end = null;
    patch.cape_renewals = 0;
  }
  await trx
    .updateTable('journey')
    .set(patch)
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', journeyId)
    .execute();
  await insertTransition(trx, actor, {
    journeyId,
    from: j.stage,
    to: last.from,
    effectiveOn,
    comment,
    exitReason: null,
    data: { reverses: last.id },
  });
  await audit(tx, actor, {
    action: 'journey.transition_reversed',
    targetType: 'journey',
    targetId: journeyId,
    data: { reverses: last.id, from: j.stage, to: last.from, comment },
  });
  return getJourney(tx, actor, journeyId);
}
