// What every route of /api/v1 is made of: bearer authentication with the per-token rate limit,
// the scope check declared with the route, RFC 9457 problems, the tenant transaction, cursors.
// Shared by routes/v1.ts and the route files it registers (routes/v1-*.ts).
import { createRoute, type RouteConfig, type z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { withTenant } from '../../../core/db/tenant.ts';
import { UserError } from '../../../core/errors.ts';
import type { AppEnv } from '../../../web/context.ts';
import { clientIp } from '../../../web/context.ts';
import * as S from '../schemas.ts';
import type { Scope } from '../scopes.ts';
import { authenticateToken, consumeRateLimit, type TokenAuth } from '../tokens.service.ts';

export type ApiEnv = { Variables: AppEnv['Variables'] & { auth: TokenAuth } };
export type ApiCtx = Context<ApiEnv>;

export const PROBLEM_BASE = 'https://radieuse.fr/problems/';
export const PROBLEM_TYPE = 'application/problem+json';

export function problem(
  _c: Context,
  status: number,
  kind: string,
  title: string,
  detail?: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = { type: `${PROBLEM_BASE}${kind}`, title, status, ...(detail ? { detail } : {}), ...extra };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': PROBLEM_TYPE, 'cache-control': 'no-store', ...headers },
  });
}

// --- authentication, rate limit, scopes -------------------------------------------------------

export const bearer: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const h = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  const challenge = { 'www-authenticate': 'Bearer realm="radieuse"' };
  if (!m)
    return problem(c, 401, 'unauthenticated', 'Jeton d’API requis', 'En-tête Authorization: Bearer …', {}, challenge);
  const odb = c.get('app').odb;
  const auth = await authenticateToken(odb, m[1], clientIp(c as never));
  if (!auth)
    return problem(c, 401, 'unauthenticated', 'Jeton invalide', 'Jeton inconnu, révoqué ou expiré.', {}, challenge);
  const rl = await consumeRateLimit(odb, auth);
  const rlHeaders = {
    'ratelimit-limit': String(auth.rateLimitPerMinute),
    'ratelimit-remaining': String(Math.max(0, rl.remaining)),
    'ratelimit-reset': String(rl.resetSeconds),
  };
  if (rl.remaining < 0)
    return problem(
      c,
      429,
      'rate-limited',
      'Trop de requêtes',
      'Limite de requêtes par minute de ce jeton atteinte.',
      {},
      {
        ...rlHeaders,
        'retry-after': String(rl.resetSeconds),
      },
    );
  c.set('auth', auth);
  await next();
  for (const [k, v] of Object.entries(rlHeaders)) c.res.headers.set(k, v);
};

export function requireScope(scope: Scope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!c.get('auth').scopes.includes(scope))
      return problem(
        c,
        403,
        'insufficient-scope',
        'Permission du jeton insuffisante',
        `Ce jeton n’a pas la permission ${scope}.`,
      );
    await next();
  };
}

export const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_TYPE]: { schema: S.Problem } },
});
export const COMMON_ERRORS = {
  401: problemResponse('Jeton absent, invalide, révoqué ou expiré'),
  403: problemResponse('Permission du jeton ou rôle de son titulaire insuffisant'),
  429: problemResponse('Limite de requêtes du jeton atteinte'),
};

/** A route with its scope: declared in the document (security) and checked (middleware). */
export function route<R extends Omit<RouteConfig, 'security' | 'middleware'>>(
  scope: Scope,
  r: R,
  /** More route middleware after the scope check, e.g. `uploadBodyLimit`: the front door finds
   *  an upload limit among the matched route's own handlers, so it must be one of them. */
  more: MiddlewareHandler<ApiEnv>[] = [],
) {
  const full = {
    ...r,
    security: [{ bearer: [scope] }],
    middleware: [requireScope(scope), ...more],
    responses: { ...COMMON_ERRORS, ...r.responses },
  };
  return createRoute(full as unknown as R & { path: string });
}

/** The services' transaction, as withTenant gives it. */
export type Tx = Parameters<Parameters<typeof withTenant>[2]>[0];
export const tenant = <T>(c: ApiCtx, fn: (tx: Tx) => Promise<T>) =>
  withTenant(c.get('app').odb.db, c.get('auth').actor.cooperativeId, (tx) => fn(tx));
export const actor = (c: ApiCtx) => c.get('auth').actor;

// --- cursors ----------------------------------------------------------------------------------

export function readCursor(_c: ApiCtx, cursor: string | undefined): number {
  if (!cursor) return 1;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { p?: unknown };
    if (Number.isSafeInteger(v.p) && (v.p as number) >= 1 && (v.p as number) <= 100_000) return v.p as number;
  } catch {
    /* falls through */
  }
  throw new UserError('Curseur invalide.', 'cursor');
}
export const nextCursor = (page: number, limit: number, total: number) =>
  page * limit < total ? Buffer.from(JSON.stringify({ p: page + 1 })).toString('base64url') : null;

export const notFound = (what: string) => problemResponse(`${what} introuvable (ou d’une autre coopérative)`);
export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
export const fileName = (n: string) => n.replace(/[^A-Za-z0-9_-]/g, '_');

// --- keyset cursors ---------------------------------------------------------------------------

export const encodeKey = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TEXT = /^.{0,300}$/;
/** The key of the last row seen, each field matching its pattern, or a 422 problem. */
export function decodeKey<K extends string>(
  cursor: string | undefined,
  fields: Record<K, RegExp>,
): Record<K, string> | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>;
    const ok = (Object.entries(fields) as [K, RegExp][]).every(
      ([f, re]) => typeof v?.[f] === 'string' && re.test(v[f]),
    );
    if (ok) return v as Record<K, string>;
  } catch {
    /* falls through */
  }
  throw new UserError('Curseur invalide.', 'cursor');
}
