// Moderation and trust. Any member reports a post with a reason; after REPORTS_TO_HIDE reports
// from different people since its last review, the post is hidden pending review. Moderators of
// the post's cooperative (support, direction) hide and restore; network staff also moderate the
// network-wide posts of the other cooperatives of their network. Such a write happens in a
// transaction of the post's cooperative, opened here after the checks: row-level security keeps
// isolating everything else. Every moderation action goes to the audit log of the post's
// cooperative. New accounts have daily limits.
import { sql } from 'kysely';
import type { Db, Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { audit } from '../../core/audit.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { CooperativeId } from '../../core/ids.ts';
import { campusDb } from './db.ts';
import { CAMPUS } from './permissions.ts';
import type { PostKind } from './qa-schema.ts';
import { networkOf } from './questions.service.ts';

/** Distinct reports (since the last review) that hide a post until a moderator looks at it. */
export const REPORTS_TO_HIDE = 3;
/** New accounts: at most so many posts a day during their first days. */
export const NEW_ACCOUNT_DAYS = 7;
export const NEW_ACCOUNT_LIMITS = { question: 3, answer: 10, comment: 20 } as const;

const TABLE = { question: 'campus_question', answer: 'campus_answer', comment: 'campus_comment' } as const;
const WHAT = { question: 'Question', answer: 'Réponse', comment: 'Commentaire' } as const;

/** Refuses a post beyond the daily limit of an account younger than NEW_ACCOUNT_DAYS. */
export async function checkRateLimit(tx: Tx, actor: Actor, kind: PostKind): Promise<void> {
  if (!actor.userId) return;
  const db = campusDb(tx);
  const u = await db.selectFrom('user_account').select('created_at').where('id', '=', actor.userId).executeTakeFirst();
  if (!u || Date.now() - new Date(u.created_at).getTime() > NEW_ACCOUNT_DAYS * 86400_000) return;
  const since = new Date(Date.now() - 86400_000);
  const n = await db
    .selectFrom(TABLE[kind])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('author_user_id', '=', actor.userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  const limit = NEW_ACCOUNT_LIMITS[kind];
  if (Number(n.n) >= limit) {
    const what = { question: 'questions', answer: 'réponses', comment: 'commentaires' }[kind];
    throw new UserError(
      `Pendant les ${NEW_ACCOUNT_DAYS} premiers jours d’un compte, le campus accepte ${limit} ${what} par jour. Vous pourrez publier à nouveau demain.`,
      'body',
    );
  }
}

interface Located {
  kind: PostKind;
  id: string;
  cooperativeId: string;
  networkId: string;
  visibility: 'cooperative' | 'network';
  questionId: string;
  hidden: boolean;
  reviewedAt: Date | null;
}

/** A post the actor's cooperative may read, whatever its kind and cooperative. */
async function locate(tx: Tx, actor: Actor, kind: PostKind, id: string): Promise<Located> {
  const net = await networkOf(tx, actor.cooperativeId);
  const qid = kind === 'question' ? sql`id` : sql`question_id`;
  const r = await sql<{
    id: string;
    cooperative_id: string;
    network_id: string;
    visibility: 'cooperative' | 'network';
    question_id: string;
    hidden_at: Date | null;
    reviewed_at: Date | null;
  }>`select id, cooperative_id, network_id, visibility, ${qid} as question_id, hidden_at, reviewed_at
    from ${sql.table(TABLE[kind])}
    where id = ${id} and (cooperative_id = ${actor.cooperativeId} or (visibility = 'network' and network_id = ${net}))`.execute(
    campusDb(tx),
  );
  const row = r.rows[0];
  if (!row) throw new NotFoundError(WHAT[kind]);
  return {
    kind,
    id: row.id,
    cooperativeId: row.cooperative_id,
    networkId: row.network_id,
    visibility: row.visibility,
    questionId: row.question_id,
    hidden: row.hidden_at !== null,
    reviewedAt: row.reviewed_at ? new Date(row.reviewed_at) : null,
  };
}

/** Who may moderate a located post: its cooperative's moderators, or network staff for a
 *  network-wide post of their network. */
async function mayModerate(tx: Tx, actor: Actor, p: Located): Promise<boolean> {
  if (p.cooperativeId === actor.cooperativeId) return can(actor, CAMPUS.moderate);
  if (!can(actor, CAMPUS.moderateNetwork) || p.visibility !== 'network') return false;
  return p.networkId === (await networkOf(tx, actor.cooperativeId));
}

async function writeHidden(
  tx: Tx,
  actor: Actor,
  p: Located,
  hidden: boolean,
  data: Record<string, unknown>,
): Promise<void> {
  const now = new Date();
  const r = await sql`update ${sql.table(TABLE[p.kind])}
    set hidden_at = ${hidden ? now : null}, hidden_by = ${hidden ? actor.userId : null},
      reviewed_at = ${hidden && !actor.userId ? sql`reviewed_at` : now}
    where cooperative_id = ${p.cooperativeId} and id = ${p.id}`.execute(campusDb(tx));
  if (Number(r.numAffectedRows ?? 0) === 0) throw new NotFoundError(WHAT[p.kind]);
  await audit(
    tx,
    { ...actor, cooperativeId: p.cooperativeId as CooperativeId },
    {
      action: hidden ? 'campus.hide' : 'campus.restore',
      targetType: `campus_${p.kind}`,
      targetId: p.id,
      data,
    },
  );
}

/**
 * Hides or restores a post (question, answer, comment). For a post of another cooperative of the
 * network, the write and its audit entry are made in a transaction of that cooperative, after the
 * checks made in the actor's own.
 */
export async function moderatePost(db: Db, actor: Actor, kind: PostKind, id: string, hidden: boolean): Promise<void> {
  if (!can(actor, CAMPUS.moderate) && !can(actor, CAMPUS.moderateNetwork)) authorize(actor, CAMPUS.moderate);
  const p = await withTenant(db, actor.cooperativeId, async (tx) => {
    const located = await locate(tx, actor, kind, id);
    if (!(await mayModerate(tx, actor, located)))
      throw new ForbiddenError('Ce message relève de la modération de sa coopérative.');
    if (located.cooperativeId === actor.cooperativeId) await writeHidden(tx, actor, located, hidden, {});
    return located;
  });
  if (p.cooperativeId !== actor.cooperativeId)
    await withTenant(db, p.cooperativeId, (tx) =>
      writeHidden(tx, actor, p, hidden, { moderatorCooperativeId: actor.cooperativeId, network: true }),
    );
}

/** Reports a post; the REPORTS_TO_HIDE-th distinct report since its last review hides it. */
export async function reportPost(
  db: Db,
  actor: Actor,
  kind: PostKind,
  id: string,
  reason: string,
): Promise<{ hidden: boolean }> {
  authorize(actor, CAMPUS.report);
  const userId = actor.userId;
  if (!userId) throw new ForbiddenError();
  const text = reason.trim();
  if (text.length < 3) throw new UserError('Dites en quelques mots ce qui ne va pas.', 'reason');
  if (text.length > 500) throw new UserError('500 caractères au plus.', 'reason');
  const r = await withTenant(db, actor.cooperativeId, async (tx) => {
    const p = await locate(tx, actor, kind, id);
    if (p.hidden) return { p, count: 0 };
    const trx = campusDb(tx);
    const already = await trx
      .selectFrom('campus_report')
      .select('id')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('reporter_user_id', '=', userId)
      .where('target_id', '=', p.id)
      .where('created_at', '>', p.reviewedAt ?? new Date(0))
      .executeTakeFirst();
    if (!already)
      await trx
        .insertInto('campus_report')
        .values({
          cooperative_id: actor.cooperativeId,
          id: uuidv7(),
          network_id: await networkOf(tx, actor.cooperativeId),
          visibility: p.visibility,
          target_cooperative_id: p.cooperativeId,
          target_kind: kind,
          target_id: p.id,
          question_id: p.questionId,
          reporter_user_id: userId,
          reason: text,
        })
        .execute();
    await audit(tx, actor, {
      action: 'campus.report',
      targetType: `campus_${kind}`,
      targetId: p.id,
      data: { reason: text },
    });
    const c = await sql<{ n: string }>`select count(distinct (cooperative_id, reporter_user_id)) as n from campus_report
      where target_cooperative_id = ${p.cooperativeId} and target_id = ${p.id}
        and created_at > ${p.reviewedAt ?? new Date(0)}`.execute(trx);
    return { p, count: Number(c.rows[0]?.n ?? 0) };
  });
  if (r.count < REPORTS_TO_HIDE) return { hidden: false };
  // Hidden pending review, in the post's own cooperative, by the campus itself.
  const system: Actor = {
    userId: null,
    cooperativeId: r.p.cooperativeId as CooperativeId,
    roles: [],
    label: 'Campus (signalements)',
  };
  await withTenant(db, r.p.cooperativeId, (tx) => writeHidden(tx, system, r.p, true, { reports: r.count, auto: true }));
  return { hidden: true };
}

export interface ReviewItem {
  kind: PostKind;
  id: string;
  cooperativeId: string;
  questionId: string;
  excerpt: string;
  authorLabel: string;
  hidden: boolean;
  reports: { reason: string; at: Date }[];
}

/** What waits for the actor's review: reported (since last review) or hidden posts they may moderate. */
export async function reviewQueue(tx: Tx, actor: Actor): Promise<ReviewItem[]> {
  if (!can(actor, CAMPUS.moderate) && !can(actor, CAMPUS.moderateNetwork)) authorize(actor, CAMPUS.moderate);
  const net = await networkOf(tx, actor.cooperativeId);
  const own = can(actor, CAMPUS.moderate);
  const network = can(actor, CAMPUS.moderateNetwork);
  const scope = (alias: string) =>
    sql`(${own ? sql`${sql.ref(`${alias}.cooperative_id`)} = ${actor.cooperativeId}` : sql`false`} or ${
      network
        ? sql`(${sql.ref(`${alias}.visibility`)} = 'network' and ${sql.ref(`${alias}.network_id`)} = ${net})`
        : sql`false`
    })`;
  const r = await sql<{
    kind: PostKind;
    id: string;
    cooperative_id: string;
    question_id: string;
    body: string;
    author_label: string;
    hidden_at: Date | null;
    reasons: { reason: string; at: string }[] | null;
  }>`with posts as (
      select 'question' as kind, q.id, q.cooperative_id, q.id as question_id, q.title as body, q.author_label,
        q.hidden_at, q.reviewed_at from campus_question q where ${scope('q')}
      union all select 'answer', a.id, a.cooperative_id, a.question_id, a.body, a.author_label, a.hidden_at, a.reviewed_at
        from campus_answer a where ${scope('a')}
      union all select 'comment', c.id, c.cooperative_id, c.question_id, c.body, c.author_label, c.hidden_at, c.reviewed_at
        from campus_comment c where ${scope('c')}
    )
    select p.kind, p.id, p.cooperative_id, p.question_id, p.body, p.author_label, p.hidden_at,
      (select json_agg(json_build_object('reason', r.reason, 'at', r.created_at) order by r.created_at)
        from campus_report r where r.target_cooperative_id = p.cooperative_id and r.target_id = p.id
          and r.created_at > coalesce(p.reviewed_at, '-infinity'::timestamptz)) as reasons
    from posts p
    where p.hidden_at is not null or exists (select 1 from campus_report r where r.target_cooperative_id = p.cooperative_id
      and r.target_id = p.id and r.created_at > coalesce(p.reviewed_at, '-infinity'::timestamptz))
    order by p.hidden_at desc nulls last limit 100`.execute(campusDb(tx));
  return r.rows.map((x) => ({
    kind: x.kind,
    id: x.id,
    cooperativeId: x.cooperative_id,
    questionId: x.question_id,
    excerpt: x.body.length > 200 ? `${x.body.slice(0, 200)}…` : x.body,
    authorLabel: x.author_label,
    hidden: x.hidden_at !== null,
    reports: (x.reasons ?? []).map((y) => ({ reason: y.reason, at: new Date(y.at) })),
  }));
}

/** Marks a reported post reviewed and kept (its reports so far no longer count). */
export async function dismissReports(db: Db, actor: Actor, kind: PostKind, id: string): Promise<void> {
  return moderatePost(db, actor, kind, id, false);
}
