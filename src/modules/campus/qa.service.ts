// Posting on the campus as a member does through the pages: the daily limits of new accounts,
// the category, following the question, the mentions, around the services of
// questions.service.ts (which the import and the demo use directly).
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { parseCategory } from './categories.ts';
import { campusDb } from './db.ts';
import { autoFollow, recordMentions } from './follow.service.ts';
import { checkRateLimit } from './moderation.service.ts';
import { CAMPUS } from './permissions.ts';
import {
  answerQuestion,
  askQuestion,
  editQuestion,
  getQuestion,
  listAnswers,
  type QuestionInput,
} from './questions.service.ts';

export async function postQuestion(
  tx: Tx,
  actor: Actor,
  input: QuestionInput & { category?: string },
): Promise<{ id: string }> {
  authorize(actor, CAMPUS.ask);
  const category = parseCategory(input.category);
  await checkRateLimit(tx, actor, 'question');
  const { id } = await askQuestion(tx, actor, input);
  if (category)
    await campusDb(tx)
      .updateTable('campus_question')
      .set({ category })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', id)
      .execute();
  const q = await getQuestion(tx, actor, id);
  await autoFollow(tx, actor, q);
  await recordMentions(tx, actor, q, input.body, 'question');
  return { id };
}

export async function postAnswer(tx: Tx, actor: Actor, questionId: string, body: string): Promise<{ id: string }> {
  authorize(actor, CAMPUS.answer);
  const q = await getQuestion(tx, actor, questionId);
  await checkRateLimit(tx, actor, 'answer');
  const { id } = await answerQuestion(tx, actor, q.id, body);
  await autoFollow(tx, actor, q);
  await recordMentions(tx, actor, q, body, `reponse-${id}`);
  return { id };
}

/** Edits a question (history kept by editQuestion) and its category. */
export async function updateQuestion(
  tx: Tx,
  actor: Actor,
  id: string,
  input: QuestionInput & { category?: string },
): Promise<void> {
  const category = parseCategory(input.category);
  await editQuestion(tx, actor, id, input);
  await campusDb(tx)
    .updateTable('campus_question')
    .set({ category })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
}

export async function questionCategory(tx: Tx, actor: Actor, id: string): Promise<string | null> {
  const q = await getQuestion(tx, actor, id);
  const r = await campusDb(tx)
    .selectFrom('campus_question')
    .select('category')
    .where('cooperative_id', '=', q.cooperativeId)
    .where('id', '=', q.id)
    .executeTakeFirst();
  return r?.category ?? null;
}

/** Edits one's answer (moderators of its cooperative: any of their cooperative's); the previous
 *  text goes to campus_revision. */
export async function editAnswer(
  tx: Tx,
  actor: Actor,
  questionId: string,
  answerId: string,
  body: string,
): Promise<void> {
  const scope = authorize(actor, CAMPUS.edit);
  const q = await getQuestion(tx, actor, questionId);
  const a = (await listAnswers(tx, actor, q)).find((x) => x.id === answerId);
  if (!a) throw new NotFoundError('Réponse');
  if (a.cooperativeId !== actor.cooperativeId) throw new ForbiddenError();
  if (scope === 'own' && a.authorUserId !== actor.userId) throw new ForbiddenError();
  const text = body.trim();
  if (!text) throw new UserError('Écrivez votre réponse.', 'body');
  if (text.length > 50000) throw new UserError('Réponse : 50000 caractères au plus.', 'body');
  const db = campusDb(tx);
  await db
    .insertInto('campus_revision')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      target_id: a.id,
      title: null,
      body: a.body,
      tags: null,
      author_user_id: actor.userId,
    })
    .execute();
  await db
    .updateTable('campus_answer')
    .set({ body: text, updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', a.id)
    .execute();
}

export interface Revision {
  id: string;
  title: string | null;
  body: string;
  tags: string[] | null;
  createdAt: Date;
}

/** The previous versions of a question or of one of its answers, newest first. */
export async function postRevisions(tx: Tx, actor: Actor, questionId: string, targetId: string): Promise<Revision[]> {
  authorize(actor, CAMPUS.read);
  const q = await getQuestion(tx, actor, questionId);
  let coop = q.cooperativeId;
  if (targetId !== q.id) {
    const a = (await listAnswers(tx, actor, q)).find((x) => x.id === targetId);
    if (!a) throw new NotFoundError('Réponse');
    coop = a.cooperativeId;
  }
  // Revisions are private to the post's cooperative (tenant policy): other cooperatives see none.
  const rows = await campusDb(tx)
    .selectFrom('campus_revision')
    .select(['id', 'title', 'body', 'tags', 'created_at'])
    .where('cooperative_id', '=', coop)
    .where('target_id', '=', targetId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, body: r.body, tags: r.tags, createdAt: new Date(r.created_at) }));
}
