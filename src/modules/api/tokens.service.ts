// Personal API tokens: made for one user in one cooperative, with scopes and an expiry; only
// the SHA-256 of the token is stored (like sessions), so it is shown once, at creation. A token
// acts as its user: the actor is rebuilt from the user's current roles on every call, so a user
// who leaves the cooperative takes their tokens' power with them. Each token has its own rate
// limit, counted in the database per minute window (the app stays stateless).
import { sql } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { hashToken, newToken } from '../../core/auth/tokens.ts';
import { authorize } from '../../core/authz.ts';
import type { Db, Tx } from '../../core/db/handles.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { uuidv7, type CooperativeId, type UserId } from '../../core/ids.ts';
import { getUser } from '../../core/auth/users.ts';
import { membershipsOfUser } from '../directory/index.ts';
import { apiDb } from './db.ts';
import { API } from './permissions.ts';
import { isScope, type Scope } from './scopes.ts';

export const TOKEN_PREFIX = 'rad_';
export const DEFAULT_RATE_LIMIT = 120;
export const MAX_DAYS = 366;

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  rateLimitPerMinute: number;
  createdAt: Date;
}

export interface TokenInput {
  name: string;
  scopes: string[];
  /** Days of validity (1 to 366); null: no expiry is not offered, default 90. */
  days?: number | null;
  rateLimitPerMinute?: number;
}

function checkInput(input: TokenInput): { name: string; scopes: Scope[]; days: number; rate: number } {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100)
    throw new UserError('Donnez un nom au jeton (100 caractères au plus).', 'name');
  const scopes = [...new Set(input.scopes.map((s) => s.trim()).filter(Boolean))];
  if (!scopes.length) throw new UserError('Choisissez au moins une permission.', 'scopes');
  const bad = scopes.filter((s) => !isScope(s));
  if (bad.length) throw new UserError(`Permission inconnue : ${bad.join(', ')}.`, 'scopes');
  const days = input.days ?? 90;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)
    throw new UserError(`Durée de validité : de 1 à ${MAX_DAYS} jours.`, 'days');
  const rate = input.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT;
  if (!Number.isInteger(rate) || rate < 1 || rate > 100000)
    throw new UserError('Limite de requêtes par minute invalide.', 'rateLimitPerMinute');
  return { name, scopes: scopes as Scope[], days, rate };
}

/** Creates a token for the actor (a person's own token). Returns the token in clear: once. */
export async function createToken(
  tx: Tx,
  actor: Actor,
  input: TokenInput,
  now = new Date(),
): Promise<{ token: string; info: ApiToken }> {
  authorize(actor, API.tokens);
  if (!actor.userId) throw new ForbiddenError('Un jeton d’API appartient à une personne.');
  const v = checkInput(input);
  const token = `${TOKEN_PREFIX}${newToken(32)}`;
  const id = uuidv7();
  const db = apiDb(tx);
  await db
    .insertInto('api_token')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      user_id: actor.userId,
      name: v.name,
      token_hash: hashToken(token),
      prefix: token.slice(0, 10),
      scopes: v.scopes,
      expires_at: new Date(now.getTime() + v.days * 86400_000),
      revoked_at: null,
      last_used_at: null,
      rate_limit_per_minute: v.rate,
      window_start: null,
    })
    .execute();
  await audit(tx, actor, {
    action: 'api.token_created',
    targetType: 'api_token',
    targetId: id,
    data: { name: v.name, scopes: v.scopes, days: v.days },
  });
  const info = (await listTokens(tx, actor)).find((t) => t.id === id)!;
  return { token, info };
}

/** The actor's own tokens (revoked and expired ones included, newest first). */
export async function listTokens(tx: Tx, actor: Actor): Promise<ApiToken[]> {
  authorize(actor, API.tokens);
  if (!actor.userId) return [];
  const rows = await apiDb(tx)
    .selectFrom('api_token')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes as Scope[],
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
    rateLimitPerMinute: r.rate_limit_per_minute,
    createdAt: new Date(r.created_at),
  }));
}

/** Revokes one of the actor's own tokens (another person's token is not found). */
export async function revokeToken(tx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, API.tokens);
  const r = await apiDb(tx)
    .updateTable('api_token')
    .set({ revoked_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId ?? '00000000-0000-0000-0000-000000000000')
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new NotFoundError('Jeton');
  await audit(tx, actor, { action: 'api.token_revoked', targetType: 'api_token', targetId: id });
}

export interface TokenAuth {
  tokenId: string;
  scopes: Scope[];
  actor: Actor;
  rateLimitPerMinute: number;
}

/** The token's holder, or null (unknown, revoked, expired, or the user no longer a member).
 *  A lookup by hash before any cooperative is known: the system reads it, like a session. */
export async function authenticateToken(
  odb: { db: Db },
  token: string,
  ip: string | null,
  now = new Date(),
): Promise<TokenAuth | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const r = await apiDb(odb.db)
    .selectFrom('api_token')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!r || r.revoked_at || (r.expires_at && new Date(r.expires_at) <= now)) return null;
  const user = await getUser(odb.db, r.user_id);
  if (!user) return null;
  const m = (await membershipsOfUser(odb.db, r.user_id)).find((x) => x.cooperativeId === r.cooperative_id);
  if (!m?.roles.length) return null;
  return {
    tokenId: r.id,
    scopes: r.scopes as Scope[],
    rateLimitPerMinute: r.rate_limit_per_minute,
    actor: {
      userId: user.id as UserId,
      cooperativeId: r.cooperative_id as CooperativeId,
      roles: m.roles,
      label: `${user.displayName} (API)`,
      ip,
      ...(m.organisationType ? { organisationType: m.organisationType } : {}),
    },
  };
}

/** Counts one call in the token's current minute; returns what is left (negative: refused). */
export async function consumeRateLimit(
  odb: { db: Db },
  auth: Pick<TokenAuth, 'tokenId' | 'actor' | 'rateLimitPerMinute'>,
  now = new Date(),
): Promise<{ remaining: number; resetSeconds: number }> {
  const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const r = await apiDb(odb.db)
    .updateTable('api_token')
    .set({
      window_count: sql<number>`case when window_start = ${windowStart} then window_count + 1 else 1 end`,
      window_start: windowStart,
      last_used_at: now,
    })
    .where('cooperative_id', '=', auth.actor.cooperativeId)
    .where('id', '=', auth.tokenId)
    .returning('window_count')
    .executeTakeFirstOrThrow();
  return {
    remaining: auth.rateLimitPerMinute - Number(r.window_count),
    resetSeconds: Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000),
  };
}
