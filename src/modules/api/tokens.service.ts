// API tokens, with scopes and an expiry; only the SHA-256 of the token is stored (like
// sessions), so it is shown once, at creation. A personal token is made for one user in one
// cooperative and acts as its user: the actor is rebuilt from the user's current roles on every
// call, so a user who leaves the cooperative takes their tokens' power with them. An
// application token (app-tokens.service.ts) belongs to the cooperative and acts with the role
// fixed at its creation, under its own audit label. Each token has its own rate limit, counted
// in the database per minute window (the app stays stateless).
import { sql } from 'kysely';
import type { Actor, Role } from '../../core/actor.ts';
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
/** The roles an application token may act with: staff roles of the cooperative, never a
 *  person's own (entrepreneur) nor the network's. */
export const APPLICATION_ROLES = ['accountant', 'support', 'director'] as const satisfies readonly Role[];
export type ApplicationRole = (typeof APPLICATION_ROLES)[number];
export const isApplicationRole = (r: string): r is ApplicationRole =>
  (APPLICATION_ROLES as readonly string[]).includes(r);
/** How an application token's calls are named in the audit trail. */
export const applicationLabel = (name: string) => `application : ${name}`;
export const DEFAULT_RATE_LIMIT = 120;
export const MAX_DAYS = 366;

export interface ApiToken {
  id: string;
  kind: 'personal' | 'application';
  /** The role of an application token; null for a personal one (it has its user's roles). */
  role: Role | null;
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

export function checkInput(input: TokenInput): { name: string; scopes: Scope[]; days: number; rate: number } {
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
  const { token, id } = await storeToken(
    tx,
    actor,
    v,
    { kind: 'personal', user_id: actor.userId, role: null, created_by: null },
    now,
  );
  const info = (await listTokens(tx, actor)).find((t) => t.id === id)!;
  return { token, info };
}

/** Stores a new token of the actor's cooperative (only its hash and first characters) and
 *  audits its creation; returns it in clear, once. */
export async function storeToken(
  tx: Tx,
  actor: Actor,
  v: ReturnType<typeof checkInput>,
  owner: { kind: 'personal' | 'application'; user_id: string | null; role: Role | null; created_by: string | null },
  now: Date,
): Promise<{ token: string; id: string }> {
  const token = `${TOKEN_PREFIX}${newToken(32)}`;
  const id = uuidv7();
  await apiDb(tx)
    .insertInto('api_token')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      ...owner,
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
  const application = owner.kind === 'application';
  await audit(tx, actor, {
    action: application ? 'api.application_token_created' : 'api.token_created',
    targetType: 'api_token',
    targetId: id,
    data: { name: v.name, ...(application ? { role: owner.role } : {}), scopes: v.scopes, days: v.days },
  });
  return { token, id };
}

type TokenRow = Awaited<ReturnType<typeof tokenRows>>[number];
/** The cooperative's tokens of one kind (and of one user for personal ones), newest first. */
export function tokenRows(tx: Tx, cooperativeId: string, who: { userId: string } | 'application') {
  let q = apiDb(tx).selectFrom('api_token').selectAll().where('cooperative_id', '=', cooperativeId);
  q =
    who === 'application'
      ? q.where('kind', '=', 'application')
      : q.where('kind', '=', 'personal').where('user_id', '=', who.userId);
  return q.orderBy('created_at', 'desc').execute();
}
export const tokenOut = (r: TokenRow): ApiToken => ({
  id: r.id,
  kind: r.kind,
  role: (r.role as Role | null) ?? null,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as Scope[],
  expiresAt: r.expires_at ? new Date(r.expires_at) : null,
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  rateLimitPerMinute: r.rate_limit_per_minute,
  createdAt: new Date(r.created_at),
});

/** The actor's own tokens (revoked and expired ones included, newest first). */
export async function listTokens(tx: Tx, actor: Actor): Promise<ApiToken[]> {
  authorize(actor, API.tokens);
  if (!actor.userId) return [];
  return (await tokenRows(tx, actor.cooperativeId, { userId: actor.userId })).map(tokenOut);
}

/** Revokes one of the actor's own tokens (another person's token is not found). */
export async function revokeToken(tx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, API.tokens);
  const r = await apiDb(tx)
    .updateTable('api_token')
    .set({ revoked_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId ?? '00000000-0000-0000-0000-000000000000')
    .where('kind', '=', 'personal')
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
 *  A lookup by hash before any cooperative is known: the system reads it, like a session.
 *  An application token acts with its fixed role, no user, and the label « application : nom ». */
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
  const base = { tokenId: r.id, scopes: r.scopes as Scope[], rateLimitPerMinute: r.rate_limit_per_minute };
  if (r.kind === 'application') {
    if (!r.role || !isApplicationRole(r.role)) return null;
    return {
      ...base,
      actor: {
        userId: null,
        cooperativeId: r.cooperative_id as CooperativeId,
        roles: [r.role],
        label: applicationLabel(r.name),
        ip,
      },
    };
  }
  if (!r.user_id) return null;
  const user = await getUser(odb.db, r.user_id);
  if (!user) return null;
  const m = (await membershipsOfUser(odb.db, r.user_id)).find((x) => x.cooperativeId === r.cooperative_id);
  if (!m?.roles.length) return null;
  return {
    ...base,
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
