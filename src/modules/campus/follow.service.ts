// Following a question and mentioning people. A follow is a row of the follower's cooperative;
// it also holds the "seen" mark: opening the question clears what the inbox says about it. The
// author follows their question, answerers and commenters the question they answered.
// A mention (`@prenom.nom`) resolves only to people who can see the question: members of the
// writer's cooperative, and, on a network-wide question, people of the network met on the campus
// (authors of network-wide posts, resource persons). Anyone else: the mention does nothing.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { uuidv7 } from '../../core/ids.ts';
import { membershipsOfUser } from '../directory/index.ts';
import { campusDb } from './db.ts';
import { CAMPUS } from './permissions.ts';
import { getQuestion, networkOf, type Question } from './questions.service.ts';

/** Follows (or stops following) a question the actor can read. */
export async function setFollowing(tx: Tx, actor: Actor, questionId: string, following: boolean): Promise<void> {
  authorize(actor, CAMPUS.follow);
  if (!actor.userId) throw new ForbiddenError();
  const q = await getQuestion(tx, actor, questionId);
  await upsertFollow(tx, actor, q, { following });
}

async function upsertFollow(tx: Tx, actor: Actor, q: Question, set: { following?: boolean; seen?: boolean }) {
  if (!actor.userId) return;
  const now = new Date();
  const update: { following?: boolean; seen_at?: Date } = {};
  if (set.following !== undefined) update.following = set.following;
  if (set.seen) update.seen_at = now;
  await campusDb(tx)
    .insertInto('campus_follow')
    .values({
      cooperative_id: actor.cooperativeId,
      user_id: actor.userId,
      question_cooperative_id: q.cooperativeId,
      question_id: q.id,
      following: set.following ?? false,
      seen_at: now,
    })
    .onConflict((oc) =>
      Object.keys(update).length
        ? oc.columns(['cooperative_id', 'user_id', 'question_id']).doUpdateSet(update)
        : oc.columns(['cooperative_id', 'user_id', 'question_id']).doNothing(),
    )
    .execute();
}

/** The author and each person who answers or comments follow the question (inner use). */
export async function autoFollow(tx: Tx, actor: Actor, q: Question): Promise<void> {
  await upsertFollow(tx, actor, q, { following: true, seen: true });
}

/** Opening a question marks it seen: its answers, comments and mentions leave the inbox. */
export async function markSeen(tx: Tx, actor: Actor, q: Question): Promise<void> {
  authorize(actor, CAMPUS.read);
  await upsertFollow(tx, actor, q, { seen: true });
}

export async function isFollowing(tx: Tx, actor: Actor, questionId: string): Promise<boolean> {
  authorize(actor, CAMPUS.read);
  if (!actor.userId) return false;
  const r = await campusDb(tx)
    .selectFrom('campus_follow')
    .select('following')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .where('question_id', '=', questionId)
    .executeTakeFirst();
  return !!r?.following;
}

/** `Élise Martin-Roux` → `elise.martin.roux` (what one types after @). */
export function handleOf(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

/** The handles written in a text: `@prenom.nom` (not inside an e-mail address). */
export function mentionedHandles(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(^|[^\w@.])@([A-Za-zÀ-ÿ0-9][\wÀ-ÿ.-]*[A-Za-zÀ-ÿ0-9])/g)) found.add(handleOf(m[2]));
  return [...found].slice(0, 10);
}

export interface Mentionable {
  userId: string;
  cooperativeId: string;
  name: string;
  handle: string;
}

const handleSql = (col: ReturnType<typeof sql.ref>) =>
  sql<string>`trim(both '.' from regexp_replace(search_key(${col}), '[^a-z0-9]+', '.', 'g'))`;

/** The people a handle may designate for this question, seen from the actor's cooperative. */
export async function resolveMentions(tx: Tx, actor: Actor, q: Question, handles: string[]): Promise<Mentionable[]> {
  authorize(actor, CAMPUS.read);
  if (!handles.length) return [];
  const db = campusDb(tx);
  const out = new Map<string, Mentionable>();
  // Members of the actor's cooperative (membership read through the directory's service).
  const users = await db
    .selectFrom('user_account')
    .select(['id', 'display_name'])
    .where(handleSql(sql.ref('display_name')), 'in', handles)
    .where('disabled_at', 'is', null)
    .limit(50)
    .execute();
  for (const u of users) {
    const ms = await membershipsOfUser(tx, u.id);
    if (ms.some((m) => m.cooperativeId === actor.cooperativeId))
      out.set(u.id, {
        userId: u.id,
        cooperativeId: actor.cooperativeId,
        name: u.display_name,
        handle: handleOf(u.display_name),
      });
  }
  // On a network-wide question: people of the network met on the campus.
  if (q.visibility === 'network') {
    const net = await networkOf(tx, actor.cooperativeId);
    const r = await sql<{ user_id: string; cooperative_id: string; name: string }>`
      select distinct on (user_id) user_id, cooperative_id, name from (
        select author_user_id as user_id, cooperative_id, author_label as name from campus_question
          where visibility = 'network' and network_id = ${net} and author_user_id is not null
        union all select author_user_id, cooperative_id, author_label from campus_answer
          where visibility = 'network' and network_id = ${net} and author_user_id is not null
        union all select user_id, cooperative_id, display_name from campus_expertise
          where visibility = 'network' and network_id = ${net}
      ) p where ${handleSql(sql.ref('name'))} in (${sql.join(handles)})
      order by user_id limit 50`.execute(db);
    for (const p of r.rows)
      if (!out.has(p.user_id))
        out.set(p.user_id, {
          userId: p.user_id,
          cooperativeId: p.cooperative_id,
          name: p.name,
          handle: handleOf(p.name),
        });
  }
  return [...out.values()].filter((m) => m.userId !== actor.userId);
}

/** Records the mentions of a text just posted (inner use, after the post's own authorization). */
export async function recordMentions(tx: Tx, actor: Actor, q: Question, text: string, anchor: string): Promise<number> {
  const people = await resolveMentions(tx, actor, q, mentionedHandles(text));
  if (!people.length) return 0;
  const net = await networkOf(tx, actor.cooperativeId);
  await campusDb(tx)
    .insertInto('campus_mention')
    .values(
      people.map((p) => ({
        cooperative_id: actor.cooperativeId,
        id: uuidv7(),
        network_id: net,
        visibility: q.visibility,
        question_cooperative_id: q.cooperativeId,
        question_id: q.id,
        anchor,
        mentioned_cooperative_id: p.cooperativeId,
        mentioned_user_id: p.userId,
        author_label: actor.label,
      })),
    )
    .execute();
  return people.length;
}
