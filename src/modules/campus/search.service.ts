// Similar questions and the search page: one query ranks French full-text (the `fr`
// configuration: stems, accents removed) and trigram similarity of the accent-free title (typos,
// word order, a title half typed), over the questions the actor's cooperative may read.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { campusDb } from './db.ts';
import { CAMPUS } from './permissions.ts';
import { networkOf, visibleTo } from './questions.service.ts';

export interface Similar {
  id: string;
  title: string;
  score: number;
  answered: boolean;
}

/** Below this score a question is not shown as similar (page, search and CLI alike). */
export const MIN_SCORE = 0.2;

/** The ranking shared by the page, the search and `radieuse campus similar`:
 *  2 × full-text rank (any word of the query, stemmed) + trigram similarity of titles. */
const scoreSql = (text: string) => sql<number>`(
  2 * coalesce(ts_rank(to_tsvector('fr', q.title || ' ' || q.body),
    cast(nullif(replace(cast(plainto_tsquery('fr', ${text}) as text), '&', '|'), '') as tsquery)), 0)
  + greatest(similarity(search_key(q.title), search_key(${text})),
             word_similarity(search_key(${text}), search_key(q.title)))
)`;

export async function similarQuestions(
  tx: Tx,
  actor: Actor,
  title: string,
  opts: { limit?: number; minScore?: number } = {},
): Promise<Similar[]> {
  authorize(actor, CAMPUS.read);
  const text = title.trim().slice(0, 200);
  if (text.length < 3) return [];
  const limit = Math.min(Math.max(opts.limit ?? 5, 1), 50);
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<{ id: string; title: string; score: number; accepted_answer_id: string | null }>`
    select q.id, q.title, q.accepted_answer_id, ${scoreSql(text)} as score
    from campus_question q
    where q.hidden_at is null and ${visibleTo(actor.cooperativeId, net)}
    order by score desc, q.created_at desc
    limit ${limit}`.execute(campusDb(tx));
  return r.rows
    .map((x) => ({
      id: x.id,
      title: x.title,
      score: Math.round(Number(x.score) * 1000) / 1000,
      answered: !!x.accepted_answer_id,
    }))
    .filter((x) => x.score >= (opts.minScore ?? MIN_SCORE));
}

export const PAGE_SIZE = 20;

export interface SearchFilters {
  text?: string;
  tag?: string;
  status?: 'answered' | 'unanswered';
  category?: string;
  page: number;
}

export interface SearchRow {
  id: string;
  title: string;
  tags: string[];
  visibility: string;
  cooperativeId: string;
  authorLabel: string;
  answers: number;
  accepted: boolean;
  createdAt: Date;
}

export async function searchQuestions(
  tx: Tx,
  actor: Actor,
  f: SearchFilters,
): Promise<{ rows: SearchRow[]; more: boolean }> {
  authorize(actor, CAMPUS.read);
  const net = await networkOf(tx, actor.cooperativeId);
  const text = f.text?.trim() ?? '';
  const offset = (f.page - 1) * PAGE_SIZE;
  const r = await sql<{
    id: string;
    title: string;
    tags: string[];
    visibility: string;
    cooperative_id: string;
    author_label: string;
    answers: string | number;
    accepted_answer_id: string | null;
    created_at: Date;
  }>`select q.id, q.title, q.tags, q.visibility, q.cooperative_id, q.author_label, q.accepted_answer_id, q.created_at,
      (select count(*) from campus_answer a where a.question_cooperative_id = q.cooperative_id
         and a.question_id = q.id and a.hidden_at is null) as answers
    from campus_question q
    where q.hidden_at is null and ${visibleTo(actor.cooperativeId, net)}
      ${f.tag ? sql`and ${f.tag} = any(q.tags)` : sql``}
      ${f.category ? sql`and q.category = ${f.category}` : sql``}
      ${f.status === 'answered' ? sql`and q.accepted_answer_id is not null` : sql``}
      ${f.status === 'unanswered' ? sql`and q.accepted_answer_id is null` : sql``}
      ${text ? sql`and ${scoreSql(text)} >= ${MIN_SCORE}` : sql``}
    order by ${text ? sql`${scoreSql(text)} desc,` : sql``} q.created_at desc
    limit ${PAGE_SIZE + 1} offset ${offset}`.execute(campusDb(tx));
  const rows = r.rows.slice(0, PAGE_SIZE).map((x) => ({
    id: x.id,
    title: x.title,
    tags: x.tags,
    visibility: x.visibility,
    cooperativeId: x.cooperative_id,
    authorLabel: x.author_label,
    answers: Number(x.answers),
    accepted: !!x.accepted_answer_id,
    createdAt: new Date(x.created_at),
  }));
  return { rows, more: r.rows.length > PAGE_SIZE };
}
