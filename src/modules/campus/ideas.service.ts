// Ideas (innovation from the local to the national level): a member proposes an idea to the
// cooperative or the network, peers vote (one vote each, not on one's own idea) and comment; the
// cooperative's staff or the network staff acting in it move its status new → studied → adopted
// → done (audited). The network page lists the ideas adopted in the other cooperatives.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { getCooperative } from '../directory/index.ts';
import { kbDb } from './knowledge-db.ts';
import { CAMPUS_KB } from './knowledge-permissions.ts';
import type { IdeaStatus } from './knowledge-schema.ts';
import { CAMPUS } from './permissions.ts';
import { defaultVisibility, networkOf } from './questions.service.ts';
import type { Visibility } from './schema.ts';

export const IDEA_STATUSES: Record<IdeaStatus, string> = {
  new: 'Nouvelle',
  studied: 'À l’étude',
  adopted: 'Adoptée',
  done: 'Réalisée',
};

export interface Idea {
  id: string;
  cooperativeId: string;
  cooperativeName: string;
  visibility: Visibility;
  title: string;
  body: string;
  status: IdeaStatus;
  authorUserId: string | null;
  authorLabel: string;
  votes: number;
  myVote: boolean;
  comments: number;
  statusAt: Date | null;
  createdAt: Date;
}

export interface IdeaComment {
  id: string;
  authorLabel: string;
  body: string;
  createdAt: Date;
}

type Row = {
  id: string;
  cooperative_id: string;
  cooperative_name: string;
  visibility: Visibility;
  title: string;
  body: string;
  status: IdeaStatus;
  author_user_id: string | null;
  author_label: string;
  votes: string | number;
  my_vote: boolean;
  comments: string | number;
  status_at: Date | null;
  created_at: Date;
};

const toIdea = (r: Row): Idea => ({
  id: r.id,
  cooperativeId: r.cooperative_id,
  cooperativeName: r.cooperative_name,
  visibility: r.visibility,
  title: r.title,
  body: r.body,
  status: r.status,
  authorUserId: r.author_user_id,
  authorLabel: r.author_label,
  votes: Number(r.votes),
  myVote: Boolean(r.my_vote),
  comments: Number(r.comments),
  statusAt: r.status_at ? new Date(r.status_at) : null,
  createdAt: new Date(r.created_at),
});

const visible = (alias: string, coopId: string, net: string) =>
  sql<boolean>`(${sql.ref(`${alias}.cooperative_id`)} = ${coopId} or (${sql.ref(`${alias}.visibility`)} = 'network'
    and ${sql.ref(`${alias}.network_id`)} = ${net}))`;

const columns = (actor: Actor, net: string) => sql`i.id, i.cooperative_id, i.cooperative_name, i.visibility, i.title,
  i.body, i.status, i.author_user_id, i.author_label, i.status_at, i.created_at,
  (select count(*) from campus_idea_vote v where v.idea_cooperative_id = i.cooperative_id and v.idea_id = i.id
    and ${visible('v', actor.cooperativeId, net)}) as votes,
  exists (select 1 from campus_idea_vote v where v.idea_id = i.id and v.cooperative_id = ${actor.cooperativeId}
    and v.user_id = ${actor.userId}) as my_vote,
  (select count(*) from campus_idea_comment m where m.idea_cooperative_id = i.cooperative_id and m.idea_id = i.id
    and ${visible('m', actor.cooperativeId, net)}) as comments`;

export async function proposeIdea(
  tx: Tx,
  actor: Actor,
  input: { title: string; body: string; visibility?: string },
): Promise<{ id: string }> {
  authorize(actor, CAMPUS_KB.ideaPropose);
  const title = input.title.trim();
  if (title.length < 5) throw new UserError('Titre : 5 caractères au moins.', 'title');
  if (title.length > 200) throw new UserError('Titre : 200 caractères au plus.', 'title');
  const body = input.body.trim();
  if (body.length > 20000) throw new UserError('Description trop longue (20 000 caractères au plus).', 'body');
  let visibility: Visibility;
  if (!input.visibility) visibility = await defaultVisibility(tx, actor.cooperativeId);
  else if (input.visibility === 'cooperative' || input.visibility === 'network') visibility = input.visibility;
  else throw new UserError('Visibilité inconnue.', 'visibility');
  const id = uuidv7();
  await kbDb(tx)
    .insertInto('campus_idea')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility,
      title,
      body,
      status: 'new',
      author_user_id: actor.userId,
      author_label: actor.label,
      cooperative_name: (await getCooperative(tx, actor.cooperativeId))?.name ?? '',
      status_by: null,
      status_at: null,
    })
    .execute();
  return { id };
}

export async function getIdea(tx: Tx, actor: Actor, id: string): Promise<Idea> {
  authorize(actor, CAMPUS.read);
  if (!isUuid(id)) throw new NotFoundError('Idée');
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<Row>`select ${columns(actor, net)} from campus_idea i
    where i.id = ${id} and ${visible('i', actor.cooperativeId, net)}`.execute(kbDb(tx));
  if (!r.rows[0]) throw new NotFoundError('Idée');
  return toIdea(r.rows[0]);
}

/** The ideas the actor's cooperative may read; `elsewhere`: adopted or done in the network's
 *  other cooperatives (the page « Idées adoptées ailleurs »). */
export async function listIdeas(
  tx: Tx,
  actor: Actor,
  f: { status?: IdeaStatus; elsewhere?: boolean } = {},
): Promise<Idea[]> {
  authorize(actor, CAMPUS.read);
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<Row>`select ${columns(actor, net)} from campus_idea i
    where ${visible('i', actor.cooperativeId, net)}
      ${f.status ? sql`and i.status = ${f.status}` : sql``}
      ${f.elsewhere ? sql`and i.cooperative_id <> ${actor.cooperativeId} and i.visibility = 'network' and i.status in ('adopted', 'done')` : sql``}
    order by ${f.elsewhere ? sql`i.status_at desc nulls last,` : sql``} votes desc, i.created_at desc
    limit 200`.execute(kbDb(tx));
  return r.rows.map(toIdea);
}

/** One vote per person and idea; voting again withdraws it. Not on one's own idea. */
export async function toggleIdeaVote(tx: Tx, actor: Actor, id: string): Promise<boolean> {
  authorize(actor, CAMPUS_KB.ideaPropose);
  if (!actor.userId) throw new ForbiddenError();
  const idea = await getIdea(tx, actor, id);
  if (idea.authorUserId === actor.userId) throw new UserError('On ne vote pas pour sa propre idée.');
  const db = kbDb(tx);
  const del = await db
    .deleteFrom('campus_idea_vote')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .where('idea_id', '=', idea.id)
    .executeTakeFirst();
  if (Number(del.numDeletedRows) > 0) return false;
  await db
    .insertInto('campus_idea_vote')
    .values({
      cooperative_id: actor.cooperativeId,
      user_id: actor.userId,
      idea_cooperative_id: idea.cooperativeId,
      idea_id: idea.id,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility: idea.visibility,
    })
    .execute();
  return true;
}

export async function commentIdea(tx: Tx, actor: Actor, id: string, body: string): Promise<{ id: string }> {
  authorize(actor, CAMPUS_KB.ideaPropose);
  const idea = await getIdea(tx, actor, id);
  const text = body.trim();
  if (text.length < 1) throw new UserError('Écrivez votre commentaire.', 'body');
  if (text.length > 5000) throw new UserError('Commentaire trop long (5 000 caractères au plus).', 'body');
  const cid = uuidv7();
  await kbDb(tx)
    .insertInto('campus_idea_comment')
    .values({
      cooperative_id: actor.cooperativeId,
      id: cid,
      idea_cooperative_id: idea.cooperativeId,
      idea_id: idea.id,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility: idea.visibility,
      author_user_id: actor.userId,
      author_label: actor.label,
      body: text,
    })
    .execute();
  return { id: cid };
}

export async function ideaComments(tx: Tx, actor: Actor, idea: Idea): Promise<IdeaComment[]> {
  authorize(actor, CAMPUS.read);
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<{ id: string; author_label: string; body: string; created_at: Date }>`
    select m.id, m.author_label, m.body, m.created_at from campus_idea_comment m
    where m.idea_cooperative_id = ${idea.cooperativeId} and m.idea_id = ${idea.id}
      and ${visible('m', actor.cooperativeId, net)}
    order by m.created_at`.execute(kbDb(tx));
  return r.rows.map((m) => ({
    id: m.id,
    authorLabel: m.author_label,
    body: m.body,
    createdAt: new Date(m.created_at),
  }));
}

/** The cooperative's staff (or the network staff acting in it) set the status of its ideas. */
export async function setIdeaStatus(tx: Tx, actor: Actor, id: string, status: string): Promise<void> {
  authorize(actor, CAMPUS_KB.ideaStatus);
  if (!Object.hasOwn(IDEA_STATUSES, status)) throw new UserError('Statut inconnu.', 'status');
  const idea = await getIdea(tx, actor, id);
  if (idea.cooperativeId !== actor.cooperativeId)
    throw new ForbiddenError('Le statut d’une idée est fixé par sa coopérative.');
  await kbDb(tx)
    .updateTable('campus_idea')
    .set({ status: status as IdeaStatus, status_by: actor.userId, status_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', idea.id)
    .execute();
  await audit(tx, actor, {
    action: 'campus.idea.status',
    targetType: 'campus_idea',
    targetId: idea.id,
    data: { from: idea.status, to: status },
  });
}
