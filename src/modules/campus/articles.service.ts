// The knowledge base: how-tos, templates and legal notes written in a cooperative (draft), submitted
// for review, published in the cooperative by support or direction, and promoted by network staff
// to the whole network with their attribution (cooperative and author). Every edit is a version
// (campus_article_version); the versions can be compared line by line. An accepted answer becomes
// a draft in one action. Reads are scoped to the actor's cooperative (published articles, one's own
// drafts, the review queue for reviewers) and the promoted articles of its network.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { getCooperative } from '../directory/index.ts';
import { kbDb } from './knowledge-db.ts';
import { CAMPUS_KB } from './knowledge-permissions.ts';
import type { ArticleKind, ArticleStatus } from './knowledge-schema.ts';
import { CAMPUS } from './permissions.ts';
import { getQuestion, listAnswers, networkOf } from './questions.service.ts';
import type { Visibility } from './schema.ts';
import { normaliseTags } from './tags.ts';

export const ARTICLE_KINDS: Record<ArticleKind, string> = {
  howto: 'Mode d’emploi',
  template: 'Modèle',
  legal: 'Note juridique',
};
export const ARTICLE_STATUSES: Record<ArticleStatus, string> = {
  draft: 'Brouillon',
  review: 'En relecture',
  published: 'Publié',
};

export interface ArticleInput {
  kind: string;
  title: string;
  body: string;
  tags: string | string[];
}

export interface Article {
  id: string;
  cooperativeId: string;
  cooperativeName: string;
  visibility: Visibility;
  kind: ArticleKind;
  status: ArticleStatus;
  title: string;
  body: string;
  tags: string[];
  authorUserId: string | null;
  authorLabel: string;
  version: number;
  reviewNote: string | null;
  promotedAt: Date | null;
  sourceQuestionId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ArticleVersion {
  version: number;
  kind: ArticleKind;
  title: string;
  body: string;
  tags: string[];
  editorLabel: string;
  createdAt: Date;
}

type Row = {
  id: string;
  cooperative_id: string;
  cooperative_name: string;
  visibility: Visibility;
  kind: ArticleKind;
  status: ArticleStatus;
  title: string;
  body: string;
  tags: string[];
  author_user_id: string | null;
  author_label: string;
  version: number;
  review_note: string | null;
  promoted_at: Date | null;
  source_question_id: string | null;
  created_at: Date;
  updated_at: Date;
};
const toArticle = (r: Row): Article => ({
  id: r.id,
  cooperativeId: r.cooperative_id,
  cooperativeName: r.cooperative_name,
  visibility: r.visibility,
  kind: r.kind,
  status: r.status,
  title: r.title,
  body: r.body,
  tags: r.tags,
  authorUserId: r.author_user_id,
  authorLabel: r.author_label,
  version: Number(r.version),
  reviewNote: r.review_note,
  promotedAt: r.promoted_at ? new Date(r.promoted_at) : null,
  sourceQuestionId: r.source_question_id,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const COLUMNS = sql`a.id, a.cooperative_id, a.cooperative_name, a.visibility, a.kind, a.status, a.title, a.body, a.tags,
  a.author_user_id, a.author_label, a.version, a.review_note, a.promoted_at, a.source_question_id, a.created_at,
  a.updated_at`;

/** Where-clause: the articles the actor may read. In the own cooperative: published ones, one's
 *  own drafts, and for reviewers those submitted for review; elsewhere: promoted ones. */
const readable = (actor: Actor, net: string) => sql<boolean>`(
  (a.cooperative_id = ${actor.cooperativeId} and (a.status = 'published' or a.author_user_id = ${actor.userId}
    ${can(actor, CAMPUS_KB.articleReview) ? sql`or a.status = 'review'` : sql``}))
  or (a.visibility = 'network' and a.network_id = ${net} and a.status = 'published'))`;

function parseInput(input: ArticleInput) {
  if (!Object.hasOwn(ARTICLE_KINDS, input.kind)) throw new UserError('Choisissez un type d’article.', 'kind');
  const title = input.title.trim();
  if (title.length < 5) throw new UserError('Titre : 5 caractères au moins.', 'title');
  if (title.length > 200) throw new UserError('Titre : 200 caractères au plus.', 'title');
  const body = input.body.trim();
  if (body.length < 1) throw new UserError('Écrivez le contenu de l’article.', 'body');
  if (body.length > 100000) throw new UserError('Article trop long (100 000 caractères au plus).', 'body');
  return { kind: input.kind as ArticleKind, title, body, tags: normaliseTags(input.tags) };
}

/** A new draft in the actor's cooperative (version 1). */
export async function createArticle(
  tx: Tx,
  actor: Actor,
  input: ArticleInput,
  opts: { sourceQuestion?: { cooperativeId: string; id: string } } = {},
): Promise<{ id: string }> {
  authorize(actor, CAMPUS_KB.articleWrite);
  const v = parseInput(input);
  const id = uuidv7();
  const net = await networkOf(tx, actor.cooperativeId);
  const db = kbDb(tx);
  await db
    .insertInto('campus_article')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: net,
      visibility: 'cooperative',
      kind: v.kind,
      status: 'draft',
      title: v.title,
      body: v.body,
      tags: v.tags,
      author_user_id: actor.userId,
      author_label: actor.label,
      cooperative_name: (await getCooperative(tx, actor.cooperativeId))?.name ?? '',
      version: 1,
      review_note: null,
      reviewed_by: null,
      reviewed_at: null,
      promoted_by: null,
      promoted_at: null,
      source_question_cooperative_id: opts.sourceQuestion?.cooperativeId ?? null,
      source_question_id: opts.sourceQuestion?.id ?? null,
    })
    .execute();
  await db
    .insertInto('campus_article_version')
    .values({
      cooperative_id: actor.cooperativeId,
      article_id: id,
      version: 1,
      network_id: net,
      visibility: 'cooperative',
      kind: v.kind,
      title: v.title,
      body: v.body,
      tags: v.tags,
      editor_user_id: actor.userId,
      editor_label: actor.label,
    })
    .execute();
  return { id };
}

export async function getArticle(tx: Tx, actor: Actor, id: string): Promise<Article> {
  authorize(actor, CAMPUS.read);
  if (!isUuid(id)) throw new NotFoundError('Article');
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<Row>`select ${COLUMNS} from campus_article a
    where a.id = ${id} and ${readable(actor, net)}`.execute(kbDb(tx));
  if (!r.rows[0]) throw new NotFoundError('Article');
  return toArticle(r.rows[0]);
}

/** The article of the actor's own cooperative, locked, that the actor may change. */
async function ownArticle(tx: Tx, actor: Actor, id: string): Promise<Article> {
  const a = await getArticle(tx, actor, id);
  if (a.cooperativeId !== actor.cooperativeId)
    throw new ForbiddenError('Cet article appartient à une autre coopérative.');
  return a;
}

/** Changes the text: a new version, whoever edits (the author, or a reviewer). */
export async function editArticle(tx: Tx, actor: Actor, id: string, input: ArticleInput): Promise<number> {
  authorize(actor, CAMPUS_KB.articleWrite);
  const a = await ownArticle(tx, actor, id);
  const mine = actor.userId !== null && a.authorUserId === actor.userId;
  if (!mine && !can(actor, CAMPUS_KB.articleReview))
    throw new ForbiddenError('Seuls l’auteur et l’équipe de relecture modifient cet article.');
  const v = parseInput(input);
  const db = kbDb(tx);
  const upd = await db
    .updateTable('campus_article')
    .set((eb) => ({
      kind: v.kind,
      title: v.title,
      body: v.body,
      tags: v.tags,
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', a.id)
    .returning(['version', 'visibility', 'network_id'])
    .executeTakeFirstOrThrow();
  await db
    .insertInto('campus_article_version')
    .values({
      cooperative_id: actor.cooperativeId,
      article_id: a.id,
      version: upd.version,
      network_id: upd.network_id,
      visibility: upd.visibility,
      kind: v.kind,
      title: v.title,
      body: v.body,
      tags: v.tags,
      editor_user_id: actor.userId,
      editor_label: actor.label,
    })
    .execute();
  return upd.version;
}

/** The author submits a draft for review. */
export async function submitArticle(tx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, CAMPUS_KB.articleWrite);
  const a = await ownArticle(tx, actor, id);
  if (a.authorUserId === null || a.authorUserId !== actor.userId)
    throw new ForbiddenError('Seul l’auteur soumet son article à la relecture.');
  if (a.status !== 'draft') throw new UserError('Cet article n’est pas un brouillon.');
  await setStatus(tx, actor, a.id, { status: 'review', review_note: null });
}

/** Support or direction publish an article submitted for review, or send it back with a note. */
export async function reviewArticle(
  tx: Tx,
  actor: Actor,
  id: string,
  decision: 'publish' | 'reject',
  note = '',
): Promise<void> {
  authorize(actor, CAMPUS_KB.articleReview);
  const a = await ownArticle(tx, actor, id);
  if (a.status !== 'review') throw new UserError('Cet article n’attend pas de relecture.');
  const text = note.trim();
  if (decision === 'reject' && text.length < 2) throw new UserError('Dites à l’auteur ce qu’il faut revoir.', 'note');
  if (text.length > 2000) throw new UserError('Note trop longue (2 000 caractères au plus).', 'note');
  await setStatus(tx, actor, a.id, {
    status: decision === 'publish' ? 'published' : 'draft',
    review_note: text || null,
    reviewed_by: actor.userId,
    reviewed_at: new Date(),
  });
  await audit(tx, actor, {
    action: decision === 'publish' ? 'campus.article.publish' : 'campus.article.reject',
    targetType: 'campus_article',
    targetId: a.id,
  });
}

async function setStatus(
  tx: Tx,
  actor: Actor,
  id: string,
  set: { status: ArticleStatus; review_note: string | null; reviewed_by?: string | null; reviewed_at?: Date },
) {
  await kbDb(tx)
    .updateTable('campus_article')
    .set({ ...set, updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
}

/** Network staff promote a published article of the cooperative they act in to the whole
 *  network (or withdraw it); its versions follow, so the history stays readable everywhere. */
export async function promoteArticle(tx: Tx, actor: Actor, id: string, promote = true): Promise<void> {
  authorize(actor, CAMPUS_KB.articlePromote);
  const a = await ownArticle(tx, actor, id);
  if (a.status !== 'published') throw new UserError('Seul un article publié peut être promu au réseau.');
  const visibility: Visibility = promote ? 'network' : 'cooperative';
  const db = kbDb(tx);
  await db
    .updateTable('campus_article')
    .set({
      visibility,
      promoted_at: promote ? new Date() : null,
      promoted_by: promote ? actor.userId : null,
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', a.id)
    .execute();
  await db
    .updateTable('campus_article_version')
    .set({ visibility })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('article_id', '=', a.id)
    .execute();
  await audit(tx, actor, {
    action: promote ? 'campus.article.promote' : 'campus.article.unpromote',
    targetType: 'campus_article',
    targetId: a.id,
  });
}

export async function articleVersions(tx: Tx, actor: Actor, id: string): Promise<ArticleVersion[]> {
  const a = await getArticle(tx, actor, id);
  const rows = await kbDb(tx)
    .selectFrom('campus_article_version')
    .select(['version', 'kind', 'title', 'body', 'tags', 'editor_label', 'created_at'])
    .where('cooperative_id', '=', a.cooperativeId)
    .where('article_id', '=', a.id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: Number(r.version),
    kind: r.kind,
    title: r.title,
    body: r.body,
    tags: r.tags,
    editorLabel: r.editor_label,
    createdAt: new Date(r.created_at),
  }));
}

export type DiffLine = { op: '=' | '+' | '-'; text: string };

/** Line diff (longest common subsequence); long texts fall back to old then new. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 4_000_000)
    return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: '=', text: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: '-', text: a[i++] });
    else out.push({ op: '+', text: b[j++] });
  }
  while (i < a.length) out.push({ op: '-', text: a[i++] });
  while (j < b.length) out.push({ op: '+', text: b[j++] });
  return out;
}

/** The accepted answer of a question the actor can read becomes a draft how-to, in one action. */
export async function articleFromAnswer(tx: Tx, actor: Actor, questionId: string): Promise<{ id: string }> {
  authorize(actor, CAMPUS_KB.articleWrite);
  const q = await getQuestion(tx, actor, questionId);
  const accepted = (await listAnswers(tx, actor, q)).find((x) => x.accepted && !x.hidden);
  if (!accepted) throw new UserError('Cette question n’a pas de réponse acceptée.');
  const body = `${accepted.body}\n\n---\n\n*D’après la réponse de ${accepted.authorLabel} à la question « ${q.title} » du campus.*`;
  return createArticle(
    tx,
    actor,
    { kind: 'howto', title: q.title.length >= 5 ? q.title : `Réponse : ${q.title}`, body, tags: q.tags },
    { sourceQuestion: { cooperativeId: q.cooperativeId, id: q.id } },
  );
}

export interface ArticleFilters {
  kind?: ArticleKind;
  /** `reseau`: promoted ones only; `relecture`: the review queue; `mes-brouillons`: one's drafts. */
  view?: 'network' | 'review' | 'drafts';
  text?: string;
}

export interface ArticleRow {
  id: string;
  title: string;
  kind: ArticleKind;
  status: ArticleStatus;
  visibility: Visibility;
  cooperativeName: string;
  authorLabel: string;
  tags: string[];
  promotedAt: Date | null;
  updatedAt: Date;
}

const toRow = (r: Row): ArticleRow => ({
  id: r.id,
  title: r.title,
  kind: r.kind,
  status: r.status,
  visibility: r.visibility,
  cooperativeName: r.cooperative_name,
  authorLabel: r.author_label,
  tags: r.tags,
  promotedAt: r.promoted_at ? new Date(r.promoted_at) : null,
  updatedAt: new Date(r.updated_at),
});

/** Full text (French configuration) and trigram similarity of the title, as for the questions. */
const scoreSql = (text: string) => sql<number>`(
  2 * coalesce(ts_rank(to_tsvector('fr', a.title || ' ' || a.body),
    cast(nullif(replace(cast(plainto_tsquery('fr', ${text}) as text), '&', '|'), '') as tsquery)), 0)
  + greatest(similarity(search_key(a.title), search_key(${text})),
             word_similarity(search_key(${text}), search_key(a.title))))`;

export async function listArticles(tx: Tx, actor: Actor, f: ArticleFilters = {}): Promise<ArticleRow[]> {
  authorize(actor, CAMPUS.read);
  const net = await networkOf(tx, actor.cooperativeId);
  const text = f.text?.trim().slice(0, 200) ?? '';
  const r = await sql<Row>`select ${COLUMNS} from campus_article a
    where ${readable(actor, net)}
      ${f.kind ? sql`and a.kind = ${f.kind}` : sql``}
      ${f.view === 'network' ? sql`and a.visibility = 'network'` : sql``}
      ${f.view === 'review' ? sql`and a.status = 'review' and a.cooperative_id = ${actor.cooperativeId}` : sql``}
      ${f.view === 'drafts' ? sql`and a.status <> 'published' and a.author_user_id = ${actor.userId} and a.cooperative_id = ${actor.cooperativeId}` : sql``}
      ${f.view ? sql`` : sql`and a.status = 'published'`}
      ${text ? sql`and ${scoreSql(text)} >= 0.2` : sql``}
    order by ${text ? sql`${scoreSql(text)} desc,` : sql``} a.promoted_at desc nulls last, a.updated_at desc
    limit 100`.execute(kbDb(tx));
  return r.rows.map(toRow);
}

/** Published articles matching the words, for the campus search page. */
export async function searchArticles(tx: Tx, actor: Actor, text: string, limit = 5): Promise<ArticleRow[]> {
  if (!text.trim()) return [];
  return (await listArticles(tx, actor, { text })).slice(0, limit);
}

/** Articles promoted to the network since an instant (the inbox's weekly line). */
export async function promotedSince(tx: Tx, actor: Actor, since: Date): Promise<ArticleRow[]> {
  authorize(actor, CAMPUS.read);
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<Row>`select ${COLUMNS} from campus_article a
    where a.visibility = 'network' and a.network_id = ${net} and a.status = 'published' and a.promoted_at >= ${since}
    order by a.promoted_at desc limit 20`.execute(kbDb(tx));
  return r.rows.map(toRow);
}
