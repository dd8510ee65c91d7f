// Comments under a question or an answer: short, Markdown, in the writer's cooperative like an
// answer (with the question's visibility). Posting one follows the question and records the
// mentions it makes.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { campusDb } from './db.ts';
import { autoFollow, recordMentions } from './follow.service.ts';
import { checkRateLimit } from './moderation.service.ts';
import { CAMPUS } from './permissions.ts';
import { getQuestion, listAnswers, networkOf, type Question } from './questions.service.ts';

export const COMMENT_MAX = 2000;

export interface Comment {
  id: string;
  cooperativeId: string;
  targetId: string;
  authorUserId: string | null;
  authorLabel: string;
  body: string;
  hidden: boolean;
  createdAt: Date;
}

export async function addComment(
  tx: Tx,
  actor: Actor,
  questionId: string,
  targetId: string,
  body: string,
): Promise<{ id: string }> {
  authorize(actor, CAMPUS.comment);
  const q = await getQuestion(tx, actor, questionId);
  if (q.hidden) throw new UserError('Cette question est masquée.');
  if (targetId !== q.id && !(await listAnswers(tx, actor, q)).some((a) => a.id === targetId && !a.hidden))
    throw new NotFoundError('Réponse');
  const text = body.trim();
  if (!text) throw new UserError('Écrivez votre commentaire.', 'comment');
  if (text.length > COMMENT_MAX)
    throw new UserError(`Un commentaire fait au plus ${COMMENT_MAX} caractères.`, 'comment');
  await checkRateLimit(tx, actor, 'comment');
  const id = uuidv7();
  await campusDb(tx)
    .insertInto('campus_comment')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility: q.visibility,
      question_cooperative_id: q.cooperativeId,
      question_id: q.id,
      target_id: targetId,
      author_user_id: actor.userId,
      author_label: actor.label,
      body: text,
      hidden_at: null,
      hidden_by: null,
      reviewed_at: null,
    })
    .execute();
  await autoFollow(tx, actor, q);
  await recordMentions(tx, actor, q, text, `commentaire-${id}`);
  return { id };
}

/** The comments of a question and of its answers the actor may read (hidden ones only for the
 *  moderators of their cooperative). */
export async function listComments(tx: Tx, actor: Actor, q: Question): Promise<Comment[]> {
  authorize(actor, CAMPUS.read);
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<{
    id: string;
    cooperative_id: string;
    target_id: string;
    author_user_id: string | null;
    author_label: string;
    body: string;
    hidden_at: Date | null;
    created_at: Date;
  }>`select c.id, c.cooperative_id, c.target_id, c.author_user_id, c.author_label, c.body, c.hidden_at, c.created_at
    from campus_comment c
    where c.question_cooperative_id = ${q.cooperativeId} and c.question_id = ${q.id}
      and (c.cooperative_id = ${actor.cooperativeId} or (c.visibility = 'network' and c.network_id = ${net}))
    order by c.created_at, c.id`.execute(campusDb(tx));
  const moderator = can(actor, CAMPUS.moderate);
  return r.rows
    .filter((c) => !c.hidden_at || (moderator && c.cooperative_id === actor.cooperativeId))
    .map((c) => ({
      id: c.id,
      cooperativeId: c.cooperative_id,
      targetId: c.target_id,
      authorUserId: c.author_user_id,
      authorLabel: c.author_label,
      body: c.body,
      hidden: c.hidden_at !== null,
      createdAt: new Date(c.created_at),
    }));
}
