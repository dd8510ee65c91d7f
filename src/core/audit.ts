// Append-only audit log, chained per cooperative: each entry stores the keyed hash (HMAC-SHA-256
// with a key derived from RADIEUSE_SECRET) of itself and of the previous entry, so editing or
// deleting any past row breaks `verifyAuditChain` (one cooperative) and `auditChainProblems`
// (every cooperative, for `radieuse check`) — and, the key being outside the database, a
// database superuser cannot recompute the chain after rewriting it.
import { createHmac } from 'node:crypto';
import { loadConfig } from './config.ts';
import { sql } from 'kysely';
import type { Tx } from './db/tenant.ts';
import type { Db } from './db/index.ts';
import type { Actor } from './actor.ts';
import { uuidv7 } from './ids.ts';
import { coreDb } from './db/handles.ts';

export interface AuditInput {
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}
const GENESIS = '0'.repeat(64);

/** Keys sorted, undefined dropped: the exact bytes that are hashed. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

let keyCache: { secret: string; key: Buffer } | null = null;
let configuredSecret: string | undefined;
/** The chain key, derived from the application secret (never stored in the database); the
 *  environment is read once per process. */
export function auditKey(secret?: string): Buffer {
  if (secret === undefined) {
    if (configuredSecret === undefined) configuredSecret = loadConfig().secret;
    return auditKey(configuredSecret);
  }
  if (keyCache?.secret !== secret)
    keyCache = { secret, key: createHmac('sha256', secret).update('radieuse audit chain v1').digest() };
  return keyCache.key;
}

function entryHash(e: {
  prev_hash: string;
  seq: number;
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  data: unknown;
}): string {
  return createHmac('sha256', auditKey())
    .update(canonical({ ...e, at: e.at }))
    .digest('hex');
}

export async function audit(tx: Tx, actor: Actor, input: AuditInput): Promise<void> {
  await auditMany(tx, actor, [input]);
}

/** Rows per insert: 13 parameters a row, well under PostgreSQL's 65,535. */
const CHUNK = 1000;

/** Appends several entries, chained in the order given: one lock and one read of the chain's
 *  head for the lot (bank matching records hundreds of payments in one statement's import). */
export async function auditMany(tx: Tx, actor: Actor, inputs: AuditInput[]): Promise<void> {
  if (!inputs.length) return;
  const trx = coreDb(tx);
  // One writer per cooperative at a time keeps the chain linear.
  await sql`select pg_advisory_xact_lock(hashtext(${`audit:${actor.cooperativeId}`}))`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const at = new Date().toISOString();
  let seq = last?.seq ?? 0;
  let prev = last?.hash ?? GENESIS;
  const rows = inputs.map((input) => {
    const row = {
      seq: ++seq,
      id: uuidv7(),
      at,
      actor_user_id: actor.userId,
      actor_label: actor.label,
      action: input.action,
      target_type: input.targetType ?? null,
      target_id: input.targetId ?? null,
      ip: actor.ip ?? null,
      data: input.data ?? {},
      prev_hash: prev,
    };
    prev = entryHash(row);
    return { cooperative_id: actor.cooperativeId, ...row, data: JSON.stringify(row.data), hash: prev };
  });
  for (let i = 0; i < rows.length; i += CHUNK)
    await trx
      .insertInto('audit_log')
      .values(rows.slice(i, i + CHUNK))
      .execute();
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  brokenAt?: number;
  reason?: string;
}

/** One cooperative's chain: how many entries, and the first break if any (the audit page, backups). */
export async function verifyAuditChain(dbIn: Db | Tx, cooperativeId: string): Promise<AuditVerification> {
  const db = coreDb(dbIn);
  let prev = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('cooperative_id', '=', cooperativeId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(1000)
      .execute();
    if (!rows.length) break;
    for (const r of rows) {
      if (r.seq !== expectedSeq)
        return { ok: false, count, brokenAt: expectedSeq, reason: `entrée ${expectedSeq} manquante` };
      const recomputed = entryHash({
        prev_hash: r.prev_hash,
        seq: r.seq,
        id: r.id,
        at: new Date(r.at).toISOString(),
        actor_user_id: r.actor_user_id,
        actor_label: r.actor_label,
        action: r.action,
        target_type: r.target_type,
        target_id: r.target_id,
        ip: r.ip,
        data: r.data,
      });
      if (r.prev_hash !== prev)
        return { ok: false, count, brokenAt: r.seq, reason: `chaînage rompu à l'entrée ${r.seq}` };
      if (recomputed !== r.hash) return { ok: false, count, brokenAt: r.seq, reason: `entrée ${r.seq} modifiée` };
      prev = r.hash;
      expectedSeq++;
      count++;
      after = r.seq;
    }
  }
  return { ok: true, count };
}

/** A break in an audit chain, as `radieuse check` reports it. */
export interface AuditProblem {
  kind: 'audit_chain';
  cooperativeId: string;
  /** The first entry that does not verify (missing, unchained or modified). */
  seq: number | null;
  detail: string;
}

/** Verifies the chain of one cooperative, or of every cooperative that has entries; [] when intact.
 *  Run as the owner (outside tenant transactions) to see every cooperative. */
export async function auditChainProblems(dbIn: Db | Tx, cooperativeId?: string): Promise<AuditProblem[]> {
  const db = coreDb(dbIn);
  const ids = cooperativeId
    ? [cooperativeId]
    : (await db.selectFrom('audit_log').select('cooperative_id').distinct().orderBy('cooperative_id').execute()).map(
        (r) => r.cooperative_id,
      );
  const problems: AuditProblem[] = [];
  for (const id of ids) {
    const s = await verifyAuditChain(db, id);
    if (!s.ok)
      problems.push({
        kind: 'audit_chain',
        cooperativeId: id,
        seq: s.brokenAt ?? null,
        detail: `journal d'audit : ${s.reason} (sur ${s.count} entrées vérifiées avant)`,
      });
  }
  return problems;
}

/** One page of a cooperative's audit log, newest first, with the total (the audit page). */
export async function listAuditEntries(
  tx: Tx,
  cooperativeId: string,
  page: { page: number; pageSize: number },
): Promise<{ total: number; rows: AuditEntry[] }> {
  const trx = coreDb(tx);
  const rows = await trx
    .selectFrom('audit_log')
    .select(['seq', 'at', 'actor_label', 'action', 'target_type', 'target_id', 'ip'])
    .where('cooperative_id', '=', cooperativeId)
    .orderBy('seq', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  const total = await trx
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', cooperativeId)
    .executeTakeFirstOrThrow();
  return { total: Number(total.n), rows: rows.map((r) => ({ ...r, at: new Date(r.at) })) };
}
export interface AuditEntry {
  seq: number;
  at: Date;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
}

/** One audit entry reduced to what an aggregate needs: no label, no IP, no data. */
export interface AuditActionEntry {
  action: string;
  targetType: string | null;
  targetId: string | null;
  actorUserId: string | null;
  at: Date;
}
/** A cooperative's audit entries with one of `actions` in [from, to) (oldest first), for
 *  aggregates computed by services that already checked the caller's permission (the impact
 *  module's support-team load). */
export async function auditActionsBetween(
  tx: Tx,
  cooperativeId: string,
  actions: readonly string[],
  range: { from: Date; to: Date },
): Promise<AuditActionEntry[]> {
  if (!actions.length) return [];
  const rows = await coreDb(tx)
    .selectFrom('audit_log')
    .select(['action', 'target_type', 'target_id', 'actor_user_id', 'at'])
    .where('cooperative_id', '=', cooperativeId)
    .where('action', 'in', [...actions])
    .where('at', '>=', range.from)
    .where('at', '<', range.to)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    actorUserId: r.actor_user_id,
    at: new Date(r.at),
  }));
}
