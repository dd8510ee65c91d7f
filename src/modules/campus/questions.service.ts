// Questions and answers. Every read is scoped explicitly to what the actor's cooperative may see
// (its own rows, and the network-wide rows of its network); row-level security is the second wall.
// Writes stay in the actor's cooperative (an answer to another cooperative's network question is
// a row of the answerer's cooperative pointing at the question).
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { getCooperative } from '../directory/index.ts';
import { campusDb, type CampusTx } from './db.ts';
import { CAMPUS } from './permissions.ts';
import type { Visibility } from './schema.ts';
import { normaliseTags } from './tags.ts';

export interface Question {
  id: string;
  cooperativeId: string;
  cooperativeName?: string;
  visibility: Visibility;
  authorUserId: string | null;
  authorLabel: string;
  title: string;
  body: string;
  tags: string[];
  acceptedAnswerId: string | null;
  hidden: boolean;
  createdAt: Date;
  answers: number;
  votes: number;
}

export interface Answer {
  id: string;
  cooperativeId: string;
  authorUserId: string | null;
  authorLabel: string;
  body: string;
  hidden: boolean;
  accepted: boolean;
  votes: number;
  myVote: boolean;
  createdAt: Date;
}

/** The network of the actor's cooperative (every network-wide read is scoped by it). */
export async function networkOf(tx: Tx, cooperativeId: string): Promise<string> {
  const coop = await getCooperative(tx, cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  return coop.networkId;
}

/** The default visibility of new questions, set by the cooperative (settings.campusVisibility). */
export async function defaultVisibility(tx: Tx, cooperativeId: string): Promise<Visibility> {
  const coop = await getCooperative(tx, cooperativeId);
  const v = (coop?.settings as Record<string, unknown> | undefined)?.campusVisibility;
  return v === 'cooperative' ? 'cooperative' : 'network';
}

/** Where-clause: rows the actor's cooperative may read (own, or network-wide in its network). */
export const visibleTo = (coopId: string, networkId: string) =>
  sql<boolean>`(q.cooperative_id = ${coopId} or (q.visibility = 'network' and q.network_id = ${networkId}))`;

const label = (s: string, field: string, min: number, max: number, what: string) => {
  const v = s.trim();
  if (v.length < min) throw new UserError(`${what} : ${min} caractères au moins.`, field);
  if (v.length > max) throw new UserError(`${what} : ${max} caractères au plus.`, field);
  return v;
};

export interface QuestionInput {
  title: string;
  body: string;
  tags: string | string[];
  visibility?: string;
}

export async function askQuestion(
  tx: Tx,
  actor: Actor,
  input: QuestionInput,
  opts: { authorLabel?: string; authorUserId?: string | null } = {},
): Promise<{ id: string }> {
  authorize(actor, CAMPUS.ask);
  const title = label(input.title, 'title', 5, 200, 'Titre');
  const body = label(input.body, 'body', 1, 50000, 'Question');
  const tags = normaliseTags(input.tags);
  let visibility: Visibility;
  if (!input.visibility) visibility = await defaultVisibility(tx, actor.cooperativeId);
  else if (input.visibility === 'cooperative' || input.visibility === 'network') visibility = input.visibility;
  else throw new UserError('Visibilité inconnue.', 'visibility');
  const id = uuidv7();
  await campusDb(tx)
    .insertInto('campus_question')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility,
      author_user_id: opts.authorUserId === undefined ? actor.userId : opts.authorUserId,
      author_label: opts.authorLabel ?? actor.label,
      title,
      body,
      tags,
      accepted_answer_cooperative_id: null,
      accepted_answer_id: null,
      hidden_at: null,
      hidden_by: null,
    })
    .execute();
  return { id };
}

type Row = {
  id: string;
  cooperative_id: string;
  visibility: Visibility;
  author_user_id: string | null;
  author_label: string;
  title: string;
  body: string;
  tags: string[];
  accepted_answer_id: string | null;
  hidden_at: Date | null;
  created_at: Date;
  answers: number | string;
  votes: number | string;
};
const toQuestion = (r: Row): Question => ({
  id: r.id,
  cooperativeId: r.cooperative_id,
  visibility: r.visibility,
  authorUserId: r.author_user_id,
  authorLabel: r.author_label,
  title: r.title,
  body: r.body,
  tags: r.tags,
  acceptedAnswerId: r.accepted_answer_id,
  hidden: r.hidden_at !== null,
  createdAt: new Date(r.created_at),
  answers: Number(r.answers),
  votes: Number(r.votes),
});

const QUESTION_COLUMNS = sql`q.id, q.cooperative_id, q.visibility, q.author_user_id, q.author_label, q.title, q.body,
  q.tags, q.accepted_answer_id, q.hidden_at, q.created_at,
  (select count(*) from campus_answer a where a.question_cooperative_id = q.cooperative_id and a.question_id = q.id
     and a.hidden_at is null) as answers,
  (select count(*) from campus_vote v where v.target_cooperative_id = q.cooperative_id and v.target_id = q.id) as votes`;

/** Moderators of the question's cooperative see hidden rows (to restore them); nobody else. */
const seesHidden = (actor: Actor, coopId: string) => can(actor, CAMPUS.moderate) && actor.cooperativeId === coopId;

/** A question the actor may read, found by id alone (ids are unique; the cooperative is found). */
export async function getQuestion(tx: Tx, actor: Actor, id: string): Promise<Question> {
  authorize(actor, CAMPUS.read);
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<Row>`select ${QUESTION_COLUMNS} from campus_question q
    where q.id = ${id} and ${visibleTo(actor.cooperativeId, net)}`.execute(campusDb(tx));
  const row = r.rows[0];
  if (!row) throw new NotFoundError('Question');
  if (row.hidden_at && !seesHidden(actor, row.cooperative_id)) throw new NotFoundError('Question');
  return toQuestion(row);
}

export async function listAnswers(tx: Tx, actor: Actor, q: Question): Promise<Answer[]> {
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<{
    id: string;
    cooperative_id: string;
    author_user_id: string | null;
    author_label: string;
    body: string;
    hidden_at: Date | null;
    created_at: Date;
    votes: number | string;
    my_vote: boolean;
  }>`select a.id, a.cooperative_id, a.author_user_id, a.author_label, a.body, a.hidden_at, a.created_at,
      (select count(*) from campus_vote v where v.target_cooperative_id = a.cooperative_id and v.target_id = a.id) as votes,
      exists (select 1 from campus_vote v where v.target_id = a.id and v.cooperative_id = ${actor.cooperativeId}
        and v.user_id = ${actor.userId}) as my_vote
    from campus_answer a
    where a.question_cooperative_id = ${q.cooperativeId} and a.question_id = ${q.id}
      and (a.cooperative_id = ${actor.cooperativeId} or (a.visibility = 'network' and a.network_id = ${net}))
    order by a.created_at`.execute(campusDb(tx));
  return r.rows
    .filter((a) => !a.hidden_at || seesHidden(actor, a.cooperative_id))
    .map((a) => ({
      id: a.id,
      cooperativeId: a.cooperative_id,
      authorUserId: a.author_user_id,
      authorLabel: a.author_label,
      body: a.body,
      hidden: a.hidden_at !== null,
      accepted: q.acceptedAnswerId === a.id,
      votes: Number(a.votes),
      myVote: Boolean(a.my_vote),
      createdAt: new Date(a.created_at),
    }))
    .sort((x, y) => Number(y.accepted) - Number(x.accepted) || y.votes - x.votes || +x.createdAt - +y.createdAt);
}

export async function answerQuestion(
  tx: Tx,
  actor: Actor,
  questionId: string,
  body: string,
  opts: { authorLabel?: string; authorUserId?: string | null } = {},
): Promise<{ id: string }> {
  authorize(actor, CAMPUS.answer);
  const q = await getQuestion(tx, actor, questionId);
  if (q.hidden) throw new UserError('Cette question est masquée.');
  const text = label(body, 'body', 1, 50000, 'Réponse');
  const id = uuidv7();
  await campusDb(tx)
    .insertInto('campus_answer')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility: q.visibility,
      question_cooperative_id: q.cooperativeId,
      question_id: q.id,
      author_user_id: opts.authorUserId === undefined ? actor.userId : opts.authorUserId,
      author_label: opts.authorLabel ?? actor.label,
      body: text,
      hidden_at: null,
      hidden_by: null,
    })
    .execute();
  return { id };
}

/** The author of the question accepts one answer (accepting another replaces it; again: none). */
export async function acceptAnswer(tx: Tx, actor: Actor, questionId: string, answerId: string): Promise<void> {
  authorize(actor, CAMPUS.accept);
  const q = await getQuestion(tx, actor, questionId);
  if (q.cooperativeId !== actor.cooperativeId || !actor.userId || q.authorUserId !== actor.userId)
    throw new ForbiddenError('Seule la personne qui a posé la question peut accepter une réponse.');
  const answers = await listAnswers(tx, actor, q);
  const a = answers.find((x) => x.id === answerId && !x.hidden);
  if (!a) throw new NotFoundError('Réponse');
  const undo = q.acceptedAnswerId === a.id;
  await campusDb(tx)
    .updateTable('campus_question')
    .set({
      accepted_answer_id: undo ? null : a.id,
      accepted_answer_cooperative_id: undo ? null : a.cooperativeId,
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', q.id)
    .execute();
}

/** One vote per person and post; voting again withdraws it. Not for one's own post. */
export async function toggleVote(tx: Tx, actor: Actor, questionId: string, targetId: string): Promise<boolean> {
  authorize(actor, CAMPUS.vote);
  if (!actor.userId) throw new ForbiddenError();
  const q = await getQuestion(tx, actor, questionId);
  let targetCoop: string;
  let authorId: string | null;
  if (targetId === q.id) {
    targetCoop = q.cooperativeId;
    authorId = q.authorUserId;
  } else {
    const a = (await listAnswers(tx, actor, q)).find((x) => x.id === targetId && !x.hidden);
    if (!a) throw new NotFoundError('Réponse');
    targetCoop = a.cooperativeId;
    authorId = a.authorUserId;
  }
  if (authorId === actor.userId) throw new UserError('On ne vote pas pour son propre message.');
  const db = campusDb(tx);
  const del = await db
    .deleteFrom('campus_vote')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  if (Number(del.numDeletedRows) > 0) return false;
  await db
    .insertInto('campus_vote')
    .values({
      cooperative_id: actor.cooperativeId,
      user_id: actor.userId,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility: q.visibility,
      target_cooperative_id: targetCoop,
      target_id: targetId,
    })
    .execute();
  return true;
}

/** Edits keep the previous version in campus_revision. */
export async function editQuestion(tx: Tx, actor: Actor, id: string, input: QuestionInput): Promise<void> {
  const scope = authorize(actor, CAMPUS.edit);
  const q = await getQuestion(tx, actor, id);
  if (q.cooperativeId !== actor.cooperativeId) throw new ForbiddenError();
  if (scope === 'own' && q.authorUserId !== actor.userId) throw new ForbiddenError();
  const title = label(input.title, 'title', 5, 200, 'Titre');
  const body = label(input.body, 'body', 1, 50000, 'Question');
  const tags = normaliseTags(input.tags);
  const db = campusDb(tx);
  await db
    .insertInto('campus_revision')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      target_id: q.id,
      title: q.title,
      body: q.body,
      tags: q.tags,
      author_user_id: actor.userId,
    })
    .execute();
  await db
    .updateTable('campus_question')
    .set({ title, body, tags, updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', q.id)
    .execute();
}

export async function revisions(tx: Tx, actor: Actor, id: string) {
  const q = await getQuestion(tx, actor, id);
  return campusDb(tx)
    .selectFrom('campus_revision')
    .select(['id', 'title', 'body', 'tags', 'created_at'])
    .where('cooperative_id', '=', q.cooperativeId)
    .where('target_id', '=', q.id)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Moderation: hide or restore a question or an answer of the moderator's cooperative (audited). */
export async function setHidden(
  tx: Tx,
  actor: Actor,
  kind: 'question' | 'answer',
  id: string,
  hidden: boolean,
): Promise<void> {
  authorize(actor, CAMPUS.moderate);
  const db = campusDb(tx) as CampusTx;
  const table = kind === 'question' ? 'campus_question' : 'campus_answer';
  const r = await db
    .updateTable(table)
    .set({ hidden_at: hidden ? new Date() : null, hidden_by: hidden ? actor.userId : null })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(kind === 'question' ? 'Question' : 'Réponse');
  await audit(tx, actor, {
    action: hidden ? 'campus.hide' : 'campus.restore',
    targetType: `campus_${kind}`,
    targetId: id,
  });
}
