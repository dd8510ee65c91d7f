// Workshop feedback (satisfaction 1–5, usefulness 1–5, free comment), one per attendee, stored
// without the person: who answered is kept apart from the answers, whose ids are random (not
// time-ordered) and whose date has no time. The team sees the aggregate only from
// FEEDBACK_MIN_ANSWERS answers, so that no answer can be traced back.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import { isUuid } from '../../core/ids.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { authorize, scopeOf } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { parseInput } from '../../core/validation.ts';
import { journeysDb, type JourneysTx } from './db.ts';
import { JOURNEYS } from './permissions.ts';

export const FEEDBACK_MIN_ANSWERS = 5;

const score = (msg: string) => z.coerce.number({ message: msg }).int(msg).min(1, msg).max(5, msg);
export const FeedbackInput = z.object({
  satisfaction: score('Choisissez une note de 1 à 5.'),
  usefulness: score('Choisissez une note de 1 à 5.'),
  comment: z.string().trim().max(2000, 'Commentaire trop long (2 000 caractères au plus).').optional().nullable(),
});

export type FeedbackState = 'open' | 'given' | 'closed';

async function stateOf(trx: JourneysTx, actor: Actor, sessionId: string, now: Date): Promise<FeedbackState> {
  if (!actor.userId || !isUuid(sessionId)) return 'closed';
  const s = await trx
    .selectFrom('workshop_session')
    .select('ends_at')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!s || new Date(s.ends_at) > now) return 'closed';
  const reg = await trx
    .selectFrom('workshop_registration')
    .select('attended')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (reg?.attended !== true) return 'closed';
  const given = await trx
    .selectFrom('workshop_feedback_given')
    .select('user_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return given ? 'given' : 'open';
}

/** 'open' when the actor may give feedback: they attended a finished session and have not
 *  answered yet. */
export async function feedbackState(tx: Tx, actor: Actor, sessionId: string, now = new Date()): Promise<FeedbackState> {
  authorize(actor, JOURNEYS.workshopList);
  if (!scopeOf(actor, JOURNEYS.feedbackGive)) return 'closed';
  return stateOf(journeysDb(tx), actor, sessionId, now);
}

export async function submitFeedback(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  raw: z.input<typeof FeedbackInput>,
): Promise<void> {
  authorize(actor, JOURNEYS.feedbackGive);
  const trx = journeysDb(tx);
  const v = parseInput(FeedbackInput, raw);
  if (!isUuid(sessionId)) throw new NotFoundError('Séance');
  const s = await trx
    .selectFrom('workshop_session')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new NotFoundError('Séance');
  const state = await stateOf(trx, actor, sessionId, new Date());
  if (state === 'given') throw new UserError('Vous avez déjà donné votre avis sur cet atelier. Merci !');
  // Only the people present give their opinion: anyone else is refused, not told to wait.
  if (state === 'closed' || !actor.userId)
    throw new ForbiddenError("L'avis est ouvert aux personnes présentes, une fois l'atelier terminé.");
  await trx
    .insertInto('workshop_feedback_given')
    .values({ cooperative_id: actor.cooperativeId, session_id: sessionId, user_id: actor.userId })
    .execute();
  await trx
    .insertInto('workshop_feedback')
    .values({
      cooperative_id: actor.cooperativeId,
      id: randomUUID(),
      session_id: sessionId,
      satisfaction: v.satisfaction,
      usefulness: v.usefulness,
      comment: v.comment || null,
    })
    .execute();
}

export interface FeedbackSummary {
  answers: number;
  shown: boolean;
  satisfaction: number | null;
  usefulness: number | null;
  comments: string[];
}
/** Averages and comments only from FEEDBACK_MIN_ANSWERS answers (comments in alphabetical
 *  order, not in order of arrival). */
export async function feedbackSummary(tx: Tx, actor: Actor, sessionId: string): Promise<FeedbackSummary> {
  authorize(actor, JOURNEYS.feedbackRead);
  if (!isUuid(sessionId)) throw new NotFoundError('Séance');
  const rows = await journeysDb(tx)
    .selectFrom('workshop_feedback')
    .select(['satisfaction', 'usefulness', 'comment'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .execute();
  if (rows.length < FEEDBACK_MIN_ANSWERS)
    return { answers: rows.length, shown: false, satisfaction: null, usefulness: null, comments: [] };
  const avg = (k: 'satisfaction' | 'usefulness') =>
    Math.round((rows.reduce((s, r) => s + r[k], 0) / rows.length) * 10) / 10;
  const collator = new Intl.Collator('fr');
  return {
    answers: rows.length,
    shown: true,
    satisfaction: avg('satisfaction'),
    usefulness: avg('usefulness'),
    comments: rows
      .map((r) => r.comment)
      .filter((c): c is string => !!c)
      .sort(collator.compare),
  };
}
