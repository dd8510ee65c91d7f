// Sessions live in the database (the app stays stateless): the cookie holds a random token,
// the table only its hash. Each session carries its own CSRF token.
import type { Db } from '../db/index.ts';
import { uuidv7 } from '../ids.ts';
import { hashToken, newToken } from './tokens.ts';
import { coreDb } from '../db/handles.ts';

export const SESSION_DAYS = 14;
export const IDLE_HOURS = 72;
/** Security changes (second factor, passkeys, password, e-mail, bank details) need the person to
 *  have proved who they are this recently: at sign-in, or again on the confirmation page. */
export const REAUTH_MINUTES = 10;

export interface SessionRow {
  id: string;
  userId: string;
  currentCooperativeId: string | null;
  secondFactorOk: boolean;
  csrfToken: string;
  reauthenticatedAt: Date | null;
}

export async function createSession(
  dbIn: Db,
  userId: string,
  opts: { ip: string | null; userAgent: string | null; secondFactorOk: boolean; cooperativeId: string | null },
) {
  const db = coreDb(dbIn);
  const token = newToken();
  const id = uuidv7();
  await db
    .insertInto('auth_session')
    .values({
      id,
      token_hash: hashToken(token),
      user_id: userId,
      current_cooperative_id: opts.cooperativeId,
      second_factor_ok: opts.secondFactorOk,
      csrf_token: newToken(18),
      ip: opts.ip,
      user_agent: opts.userAgent?.slice(0, 300) ?? null,
      expires_at: new Date(Date.now() + SESSION_DAYS * 86400_000),
      revoked_at: null,
      // A complete sign-in is a fresh proof of identity; one waiting for its second factor is not.
      reauthenticated_at: opts.secondFactorOk ? new Date() : null,
    })
    .execute();
  return { id, token };
}

export async function loadSession(dbIn: Db, token: string, now = new Date()): Promise<SessionRow | null> {
  const db = coreDb(dbIn);
  const r = await db
    .selectFrom('auth_session')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!r || r.revoked_at || new Date(r.expires_at) <= now) return null;
  if (now.getTime() - new Date(r.last_seen_at).getTime() > IDLE_HOURS * 3600_000) return null;
  // Touch at most once a minute: a page view should not always cost a write.
  if (now.getTime() - new Date(r.last_seen_at).getTime() > 60_000) {
    await db.updateTable('auth_session').set({ last_seen_at: now }).where('id', '=', r.id).execute();
  }
  return {
    id: r.id,
    userId: r.user_id,
    currentCooperativeId: r.current_cooperative_id,
    secondFactorOk: r.second_factor_ok,
    csrfToken: r.csrf_token,
    reauthenticatedAt: r.reauthenticated_at ? new Date(r.reauthenticated_at) : null,
  };
}

export async function listSessions(dbIn: Db, userId: string) {
  const db = coreDb(dbIn);
  return db
    .selectFrom('auth_session')
    .select(['id', 'ip', 'user_agent', 'created_at', 'last_seen_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export async function revokeSession(dbIn: Db, userId: string, sessionId: string): Promise<boolean> {
  const db = coreDb(dbIn);
  const r = await db
    .updateTable('auth_session')
    .set({ revoked_at: new Date() })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
export async function revokeOtherSessions(dbIn: Db, userId: string, keepId: string | null): Promise<void> {
  const db = coreDb(dbIn);
  let q = db
    .updateTable('auth_session')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepId) q = q.where('id', '!=', keepId);
  await q.execute();
}
/** The cooperative a person worked in last (their latest session's), if it is still one of
 *  theirs: a member of several cooperatives comes back where they left off. */
export async function lastCooperativeOf(dbIn: Db, userId: string, memberOf: string[]): Promise<string | null> {
  if (!memberOf.length) return null;
  const r = await coreDb(dbIn)
    .selectFrom('auth_session')
    .select('current_cooperative_id')
    .where('user_id', '=', userId)
    .where('current_cooperative_id', 'in', memberOf)
    .orderBy('last_seen_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.current_cooperative_id ?? memberOf[0];
}

export async function setSessionCooperative(dbIn: Db, sessionId: string, cooperativeId: string): Promise<void> {
  const db = coreDb(dbIn);
  await db
    .updateTable('auth_session')
    .set({ current_cooperative_id: cooperativeId, last_seen_at: new Date() })
    .where('id', '=', sessionId)
    .execute();
}
export async function markSecondFactor(dbIn: Db, sessionId: string, now = new Date()): Promise<void> {
  const db = coreDb(dbIn);
  await db
    .updateTable('auth_session')
    .set({ second_factor_ok: true, reauthenticated_at: now })
    .where('id', '=', sessionId)
    .execute();
}
/** The person proved again who they are (password, code or passkey on the confirmation page). */
export async function markReauthenticated(dbIn: Db, sessionId: string, now = new Date()): Promise<void> {
  const db = coreDb(dbIn);
  await db.updateTable('auth_session').set({ reauthenticated_at: now }).where('id', '=', sessionId).execute();
}
export function recentlyAuthenticated(s: Pick<SessionRow, 'reauthenticatedAt'> | null, now = new Date()): boolean {
  return !!s?.reauthenticatedAt && now.getTime() - s.reauthenticatedAt.getTime() <= REAUTH_MINUTES * 60_000;
}
