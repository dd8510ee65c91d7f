// Resource persons: a member declares expertise tags (campus_expertise), peers endorse them (one
// endorsement per person and tag, never oneself), support and network staff designate resource
// persons of the cooperative or of the network (a badge), and a designated person may offer free
// slots through the journeys module. The directory « Qui peut m'aider sur… » ranks people by
// their tags with the campus's approach: trigram similarity of accent-free words plus French
// full text. Every read is scoped to the actor's cooperative and the network rows of its network.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import { ForbiddenError, hasRole, type Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { getCooperative, getMember } from '../directory/index.ts';
import { JOURNEYS, freeSlots, offerPeerSlot, type Slot } from '../journeys/index.ts';
import { kbDb } from './knowledge-db.ts';
import { CAMPUS_KB } from './knowledge-permissions.ts';
import { CAMPUS } from './permissions.ts';
import { networkOf } from './questions.service.ts';
import type { Visibility } from './schema.ts';
import { normaliseTags } from './tags.ts';

export interface Helper {
  cooperativeId: string;
  cooperativeName: string;
  userId: string;
  displayName: string;
  tags: string[];
  badge: Visibility | null;
  endorsements: number;
  acceptedAnswers: number;
  score: number;
}

export interface ExpertTag {
  tag: string;
  endorsements: number;
  endorsedByMe: boolean;
}

export interface ExpertAnswer {
  answerId: string;
  questionId: string;
  questionTitle: string;
  accepted: boolean;
  createdAt: Date;
}

export interface ExpertProfile {
  cooperativeId: string;
  cooperativeName: string;
  userId: string;
  displayName: string;
  badge: Visibility | null;
  tags: ExpertTag[];
  endorsers: string[];
  answers: ExpertAnswer[];
  /** Free slots the person offers; only to members of the same cooperative (journeys' slots). */
  slots: Slot[] | null;
  isMe: boolean;
}

/** Where-clause on an alias: rows the actor's cooperative may read. */
const visible = (alias: string, coopId: string, net: string) =>
  sql<boolean>`(${sql.ref(`${alias}.cooperative_id`)} = ${coopId} or (${sql.ref(`${alias}.visibility`)} = 'network'
    and ${sql.ref(`${alias}.network_id`)} = ${net}))`;

const coopNames = async (tx: Tx, ids: string[]) => {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) out.set(id, (await getCooperative(tx, id))?.name ?? '');
  return out;
};

/** One's own expertise tags (replaces them). Shared with the network, like the answers. */
export async function setExpertise(tx: Tx, actor: Actor, input: string | string[]): Promise<string[]> {
  authorize(actor, CAMPUS.expertise);
  if (!actor.userId) throw new ForbiddenError();
  // « Signature électronique, facturation » → two tags (words of a phrase are joined by hyphens).
  const tags = normaliseTags(typeof input === 'string' ? input.split(/[,;]+/) : input);
  await kbDb(tx)
    .insertInto('campus_expertise')
    .values({
      cooperative_id: actor.cooperativeId,
      user_id: actor.userId,
      network_id: await networkOf(tx, actor.cooperativeId),
      display_name: actor.label,
      tags,
    })
    .onConflict((oc) =>
      oc
        .columns(['cooperative_id', 'user_id'])
        .doUpdateSet({ tags, display_name: actor.label, updated_at: new Date() }),
    )
    .execute();
  return tags;
}

/** Support, direction and network staff designate (or undesignate: scope null) a member of their
 *  cooperative as resource person of the cooperative; only network staff of the network. */
export async function designateResourcePerson(
  tx: Tx,
  actor: Actor,
  userId: string,
  scope: Visibility | null,
): Promise<void> {
  authorize(actor, CAMPUS_KB.designate);
  if (scope === 'network' && !hasRole(actor, 'network_admin'))
    throw new ForbiddenError('Seule l’équipe du réseau désigne les personnes ressources du réseau.');
  if (!isUuid(userId)) throw new NotFoundError('Membre');
  const member = await getMember(tx, actor, userId);
  const db = kbDb(tx);
  const net = await networkOf(tx, actor.cooperativeId);
  if (scope === null) {
    await db
      .deleteFrom('campus_resource_person')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('user_id', '=', userId)
      .execute();
  } else {
    await db
      .insertInto('campus_expertise')
      .values({
        cooperative_id: actor.cooperativeId,
        user_id: userId,
        network_id: net,
        display_name: member.displayName,
        tags: [],
      })
      .onConflict((oc) => oc.columns(['cooperative_id', 'user_id']).doNothing())
      .execute();
    await db
      .insertInto('campus_resource_person')
      .values({
        cooperative_id: actor.cooperativeId,
        user_id: userId,
        network_id: net,
        visibility: 'network',
        scope,
        designated_by: actor.userId,
      })
      .onConflict((oc) => oc.columns(['cooperative_id', 'user_id']).doUpdateSet({ scope, designated_by: actor.userId }))
      .execute();
  }
  await audit(tx, actor, {
    action: scope ? 'campus.resource.designate' : 'campus.resource.undesignate',
    targetType: 'user_account',
    targetId: userId,
    data: { scope },
  });
}

/** Endorses (or, again, withdraws the endorsement of) one tag of a peer's expertise. */
export async function toggleEndorsement(
  tx: Tx,
  actor: Actor,
  personCoopId: string,
  personUserId: string,
  tag: string,
): Promise<boolean> {
  authorize(actor, CAMPUS_KB.endorse);
  if (!actor.userId) throw new ForbiddenError();
  const p = await expertiseRow(tx, actor, personCoopId, personUserId);
  if (personUserId === actor.userId) throw new UserError('On ne se recommande pas soi-même.');
  if (!p.tags.includes(tag)) throw new UserError('Cette compétence n’est pas dans son profil.', 'tag');
  const db = kbDb(tx);
  const del = await db
    .deleteFrom('campus_endorsement')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('endorser_user_id', '=', actor.userId)
    .where('person_cooperative_id', '=', personCoopId)
    .where('person_user_id', '=', personUserId)
    .where('tag', '=', tag)
    .executeTakeFirst();
  if (Number(del.numDeletedRows) > 0) return false;
  await db
    .insertInto('campus_endorsement')
    .values({
      cooperative_id: actor.cooperativeId,
      endorser_user_id: actor.userId,
      person_cooperative_id: personCoopId,
      person_user_id: personUserId,
      tag,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility: p.visibility,
      endorser_label: actor.label,
    })
    .execute();
  return true;
}

async function expertiseRow(tx: Tx, actor: Actor, coopId: string, userId: string) {
  if (!isUuid(coopId) || !isUuid(userId)) throw new NotFoundError('Personne');
  const net = await networkOf(tx, actor.cooperativeId);
  const r = await sql<{ display_name: string; tags: string[]; visibility: Visibility }>`
    select e.display_name, e.tags, e.visibility from campus_expertise e
    where e.cooperative_id = ${coopId} and e.user_id = ${userId} and ${visible('e', actor.cooperativeId, net)}`.execute(
    kbDb(tx),
  );
  const row = r.rows[0];
  if (!row) throw new NotFoundError('Personne');
  return row;
}

/** A person's profile: tags with their endorsements, badge, answers (accepted first), slots. */
export async function getExpertProfile(tx: Tx, actor: Actor, coopId: string, userId: string): Promise<ExpertProfile> {
  authorize(actor, CAMPUS.read);
  const row = await expertiseRow(tx, actor, coopId, userId);
  const net = await networkOf(tx, actor.cooperativeId);
  const db = kbDb(tx);
  const endorsements = await sql<{ tag: string; endorser_user_id: string; endorser_label: string; mine: boolean }>`
    select d.tag, d.endorser_user_id, d.endorser_label,
      (d.cooperative_id = ${actor.cooperativeId} and d.endorser_user_id = ${actor.userId}) as mine
    from campus_endorsement d
    where d.person_cooperative_id = ${coopId} and d.person_user_id = ${userId}
      and ${visible('d', actor.cooperativeId, net)}
    order by d.created_at`.execute(db);
  const badge = await sql<{ scope: Visibility }>`select r.scope from campus_resource_person r
    where r.cooperative_id = ${coopId} and r.user_id = ${userId} and ${visible('r', actor.cooperativeId, net)}`.execute(
    db,
  );
  const answers = await sql<{ id: string; question_id: string; title: string; accepted: boolean; created_at: Date }>`
    select a.id, a.question_id, q.title, coalesce(q.accepted_answer_id = a.id, false) as accepted, a.created_at
    from campus_answer a join campus_question q on q.cooperative_id = a.question_cooperative_id and q.id = a.question_id
    where a.cooperative_id = ${coopId} and a.author_user_id = ${userId} and a.hidden_at is null and q.hidden_at is null
      and ${visible('a', actor.cooperativeId, net)} and ${visible('q', actor.cooperativeId, net)}
    order by coalesce(q.accepted_answer_id = a.id, false) desc, a.created_at desc
    limit 50`.execute(db);
  const sameCoop = coopId === actor.cooperativeId;
  const tags = row.tags.map((tag) => {
    const forTag = endorsements.rows.filter((e) => e.tag === tag);
    return { tag, endorsements: forTag.length, endorsedByMe: forTag.some((e) => e.mine) };
  });
  return {
    cooperativeId: coopId,
    cooperativeName: (await getCooperative(tx, coopId))?.name ?? '',
    userId,
    displayName: row.display_name,
    badge: badge.rows[0]?.scope ?? null,
    tags: tags.sort((x, y) => y.endorsements - x.endorsements),
    endorsers: [...new Set(endorsements.rows.map((e) => e.endorser_label))],
    answers: answers.rows.map((a) => ({
      answerId: a.id,
      questionId: a.question_id,
      questionTitle: a.title,
      accepted: Boolean(a.accepted),
      createdAt: new Date(a.created_at),
    })),
    slots:
      sameCoop && badge.rows.length && can(actor, JOURNEYS.slotList)
        ? await freeSlots(tx, actor, { supportUserId: userId })
        : null,
    isMe: sameCoop && userId === actor.userId,
  };
}

/** Whether the actor is a designated resource person of their cooperative. */
async function isResourcePerson(tx: Tx, actor: Actor): Promise<boolean> {
  if (!actor.userId) return false;
  const r = await kbDb(tx)
    .selectFrom('campus_resource_person')
    .select('scope')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return !!r;
}

/** A designated resource person offers a free slot to the peers of the cooperative. */
export async function offerResourceSlot(
  tx: Tx,
  actor: Actor,
  input: { date: string; start: string; end: string; place?: string | null; videoUrl?: string | null },
): Promise<string> {
  authorize(actor, CAMPUS_KB.slotOffer);
  if (!(await isResourcePerson(tx, actor)))
    throw new ForbiddenError('Seules les personnes ressources désignées proposent des créneaux.');
  return offerPeerSlot(tx, actor, input);
}

/** « Qui peut m'aider sur… »: people whose tags match the words (any order, accents or typos),
 *  designated persons and endorsed tags first on equal match; without words, everyone. */
export async function findHelpers(
  tx: Tx,
  actor: Actor,
  text: string,
  opts: { limit?: number } = {},
): Promise<Helper[]> {
  authorize(actor, CAMPUS.read);
  const q = text.trim().slice(0, 100);
  const net = await networkOf(tx, actor.cooperativeId);
  const limit = Math.min(Math.max(opts.limit ?? 30, 1), 100);
  const tagText = sql`replace(array_to_string(e.tags, ' '), '-', ' ')`;
  const score = q
    ? sql<number>`(coalesce((select max(greatest(similarity(search_key(replace(t, '-', ' ')), search_key(${q})),
          word_similarity(search_key(${q}), search_key(replace(t, '-', ' ')))))
        from unnest(e.tags) t), 0)
      + coalesce(ts_rank(to_tsvector('fr', ${tagText}),
          cast(nullif(replace(cast(plainto_tsquery('fr', ${q}) as text), '&', '|'), '') as tsquery)), 0))`
    : sql<number>`0`;
  const r = await sql<{
    cooperative_id: string;
    user_id: string;
    display_name: string;
    tags: string[];
    scope: Visibility | null;
    endorsements: string | number;
    accepted: string | number;
    score: number;
  }>`select * from (
      select e.cooperative_id, e.user_id, e.display_name, e.tags, rp.scope,
        (select count(*) from campus_endorsement d where d.person_cooperative_id = e.cooperative_id
          and d.person_user_id = e.user_id and ${visible('d', actor.cooperativeId, net)}) as endorsements,
        (select count(*) from campus_question q where q.accepted_answer_cooperative_id = e.cooperative_id
          and q.hidden_at is null and ${visible('q', actor.cooperativeId, net)}
          and exists (select 1 from campus_answer a where a.cooperative_id = e.cooperative_id
            and a.id = q.accepted_answer_id and a.author_user_id = e.user_id)) as accepted,
        ${score} as score
      from campus_expertise e
      left join campus_resource_person rp on rp.cooperative_id = e.cooperative_id and rp.user_id = e.user_id
        and ${visible('rp', actor.cooperativeId, net)}
      where ${visible('e', actor.cooperativeId, net)} and (cardinality(e.tags) > 0 or rp.scope is not null)
    ) x
    ${q ? sql`where x.score >= 0.3` : sql``}
    order by ${q ? sql`round(cast(x.score as numeric), 1) desc,` : sql``} (x.scope is not null) desc,
      x.endorsements desc, x.accepted desc, x.display_name
    limit ${limit}`.execute(kbDb(tx));
  const names = await coopNames(
    tx,
    r.rows.map((x) => x.cooperative_id),
  );
  return r.rows.map((x) => ({
    cooperativeId: x.cooperative_id,
    cooperativeName: names.get(x.cooperative_id) ?? '',
    userId: x.user_id,
    displayName: x.display_name,
    tags: x.tags,
    badge: x.scope,
    endorsements: Number(x.endorsements),
    acceptedAnswers: Number(x.accepted),
    score: Math.round(Number(x.score) * 1000) / 1000,
  }));
}

/** The actor's own tags (for the form). */
export async function myExpertise(tx: Tx, actor: Actor): Promise<{ tags: string[]; badge: Visibility | null }> {
  authorize(actor, CAMPUS.expertise);
  if (!actor.userId) return { tags: [], badge: null };
  const db = kbDb(tx);
  const e = await db
    .selectFrom('campus_expertise')
    .select('tags')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  const rp = await db
    .selectFrom('campus_resource_person')
    .select('scope')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return { tags: e?.tags ?? [], badge: rp?.scope ?? null };
}
