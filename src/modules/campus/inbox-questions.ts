// The campus in the to-do inbox (and so in the digest, never one e-mail per event): new answers
// and comments on the questions I follow, mentions of me, and unanswered questions in my
// expertise (campus_expertise). Computed from state: opening the question (the "seen" mark of
// follow.service.ts) or an answer makes an item disappear.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { can } from '../../core/authz.ts';
import { registerInboxProvider, type InboxItem } from '../inbox/index.ts';
import { campusDb } from './db.ts';
import { CAMPUS } from './permissions.ts';
import { networkOf } from './questions.service.ts';

/** Unanswered questions older than this no longer reach the experts' inbox. */
export const EXPERTISE_DAYS = 30;
export const EXPERTISE_ITEMS = 5;

const short = (t: string) => (t.length > 80 ? `${t.slice(0, 80)}…` : t);
const plural = (n: number, one: string, many: string) => (n > 1 ? `${n} ${many}` : one);

export async function campusInboxItems(tx: Tx, actor: Actor): Promise<InboxItem[]> {
  if (!actor.userId || !can(actor, CAMPUS.read)) return [];
  const uid = actor.userId;
  const coop = actor.cooperativeId;
  const net = await networkOf(tx, coop);
  const db = campusDb(tx);
  const vis = (a: string) =>
    sql`(${sql.ref(`${a}.cooperative_id`)} = ${coop} or (${sql.ref(`${a}.visibility`)} = 'network' and ${sql.ref(`${a}.network_id`)} = ${net}))`;
  const items: InboxItem[] = [];

  const followed = await sql<{
    id: string;
    title: string;
    mine: boolean;
    answers: string;
    first_answer: string | null;
    comments: string;
    first_comment: string | null;
  }>`with f as (
      select f.question_cooperative_id, f.question_id, coalesce(f.seen_at, f.created_at) as since
      from campus_follow f where f.cooperative_id = ${coop} and f.user_id = ${uid} and f.following
    ), news as (
      select q.id, q.title, q.author_user_id = ${uid} as mine,
        (select count(*) from campus_answer a where a.question_cooperative_id = q.cooperative_id and a.question_id = q.id
          and a.hidden_at is null and a.author_user_id is distinct from ${uid} and a.created_at > f.since and ${vis('a')}) as answers,
        (select a.id from campus_answer a where a.question_cooperative_id = q.cooperative_id and a.question_id = q.id
          and a.hidden_at is null and a.author_user_id is distinct from ${uid} and a.created_at > f.since and ${vis('a')}
          order by a.created_at limit 1) as first_answer,
        (select count(*) from campus_comment c where c.question_cooperative_id = q.cooperative_id and c.question_id = q.id
          and c.hidden_at is null and c.author_user_id is distinct from ${uid} and c.created_at > f.since and ${vis('c')}) as comments,
        (select c.id from campus_comment c where c.question_cooperative_id = q.cooperative_id and c.question_id = q.id
          and c.hidden_at is null and c.author_user_id is distinct from ${uid} and c.created_at > f.since and ${vis('c')}
          order by c.created_at limit 1) as first_comment
      from f join campus_question q on q.cooperative_id = f.question_cooperative_id and q.id = f.question_id
      where q.hidden_at is null and ${vis('q')}
    )
    select * from news where answers > 0 or comments > 0 limit 20`.execute(db);
  for (const r of followed.rows) {
    const answers = Number(r.answers);
    const comments = Number(r.comments);
    const what = [
      ...(answers ? [plural(answers, 'une nouvelle réponse', 'nouvelles réponses')] : []),
      ...(comments ? [plural(comments, 'un nouveau commentaire', 'nouveaux commentaires')] : []),
    ].join(' et ');
    const href = r.first_answer
      ? `/campus/${r.id}#reponse-${r.first_answer}`
      : `/campus/${r.id}#commentaire-${r.first_comment}`;
    items.push({
      key: `campus.follow:${r.id}`,
      kind: r.mine ? 'campus.answer' : 'campus.follow',
      urgency: r.mine && answers ? 'medium' : 'low',
      dueDate: null,
      title: `${what.charAt(0).toUpperCase()}${what.slice(1)} ${r.mine ? 'à votre question' : 'sur'} « ${short(r.title)} »`,
      why: r.mine ? 'Vous avez posé cette question sur le campus.' : 'Vous suivez cette question du campus.',
      action: { label: answers ? 'Lire la réponse' : 'Lire le commentaire', href },
      link: href,
    });
  }

  const mentions = await sql<{ id: string; question_id: string; title: string; anchor: string; author_label: string }>`
    select m.id, m.question_id, q.title, m.anchor, m.author_label
    from campus_mention m
    join campus_question q on q.cooperative_id = m.question_cooperative_id and q.id = m.question_id
    left join campus_follow f on f.cooperative_id = ${coop} and f.user_id = ${uid} and f.question_id = m.question_id
    where m.mentioned_cooperative_id = ${coop} and m.mentioned_user_id = ${uid} and ${vis('m')}
      and q.hidden_at is null and ${vis('q')} and m.created_at > coalesce(f.seen_at, '-infinity'::timestamptz)
    order by m.created_at limit 20`.execute(db);
  for (const m of mentions.rows) {
    const href = `/campus/${m.question_id}${m.anchor === 'question' ? '' : `#${m.anchor}`}`;
    items.push({
      key: `campus.mention:${m.id}`,
      kind: 'campus.mention',
      urgency: 'medium',
      dueDate: null,
      title: `${m.author_label} vous a mentionné·e : « ${short(m.title)} »`,
      why: 'On vous a cité sur le campus : votre avis est attendu.',
      action: { label: 'Voir le message', href },
      link: href,
    });
  }

  const expertise = await db
    .selectFrom('campus_expertise')
    .select('tags')
    .where('cooperative_id', '=', coop)
    .where('user_id', '=', uid)
    .executeTakeFirst();
  if (expertise?.tags.length) {
    const since = new Date(Date.now() - EXPERTISE_DAYS * 86400_000);
    const open = await sql<{ id: string; title: string; tags: string[] }>`
      select q.id, q.title, q.tags from campus_question q
      where q.hidden_at is null and ${vis('q')} and q.tags && ${sql.val(expertise.tags)}::text[]
        and q.author_user_id is distinct from ${uid} and q.created_at > ${since}
        and not exists (select 1 from campus_answer a where a.question_cooperative_id = q.cooperative_id
          and a.question_id = q.id and a.hidden_at is null)
        and not exists (select 1 from campus_follow f where f.cooperative_id = ${coop} and f.user_id = ${uid}
          and f.question_id = q.id)
      order by q.created_at desc limit ${EXPERTISE_ITEMS}`.execute(db);
    for (const q of open.rows) {
      const tag = q.tags.find((t) => expertise.tags.includes(t));
      items.push({
        key: `campus.expertise:${q.id}`,
        kind: 'campus.expertise',
        urgency: 'low',
        dueDate: null,
        title: `Une question sans réponse dans votre domaine : « ${short(q.title)} »`,
        why: `Vous êtes personne ressource pour « ${tag} » ; personne n’a encore répondu.`,
        action: { label: 'Répondre', href: `/campus/${q.id}` },
        link: `/campus/${q.id}`,
      });
    }
  }
  return items;
}

registerInboxProvider({ name: 'campus', items: (trx, actor) => campusInboxItems(trx, actor) });
