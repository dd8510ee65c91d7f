// What every inbox page shares: the tenant transaction, the return address of a form, and the
// checks that turn garbage (a NUL byte, an id that is no UUID) into a French 400 or 404 instead
// of a database error.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { Card } from '../../../web/components.tsx';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Db } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
import { isUuid } from '../../../core/ids.ts';
import { NotFoundError } from '../../../core/errors.ts';
import type { TenantTx } from '../db.ts';

export const dbOf = (c: Ctx): Db => c.get('app').odb.db;

/** Runs `fn` in a transaction of the actor's cooperative (row-level security on). */
export function tenant<T>(c: Ctx, fn: (tx: TenantTx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(dbOf(c), actor.cooperativeId, (tx) => fn(tx, actor));
}

/** `?retour=`: a path of this site only (never another site, never `//host`). */
export function returnPath(c: Ctx, fallback = '/'): string {
  const r = c.req.query('retour');
  return r && /^\/(?![/\\])[^\s\\]*$/.test(r) ? r : fallback;
}

/** The `:name` parameter of the address, when it is a UUID; otherwise "introuvable" (404). */
export function uuidParam(c: Ctx, name: string, what: string): string {
  const v = c.req.param(name);
  if (!v || !isUuid(v)) throw new NotFoundError(what);
  return v;
}

export function badRequest(c: Ctx, message: string) {
  return c.html(
    <PublicLayout c={c} title="Demande invalide">
      <Card title="Demande invalide">
        <p>{message}</p>
        <a class="btn" href="/">
          Retour à l'accueil
        </a>
      </Card>
    </PublicLayout>,
    400,
  );
}

const hasNul = (s: string) => s.includes('\u0000');

/** Refuses a NUL byte anywhere in the address or in a form field: PostgreSQL cannot store it,
 *  and no person types one. */
export const refuseNulBytes: MiddlewareHandler<AppEnv> = async (c, next) => {
  let url = c.req.url;
  try {
    url = decodeURIComponent(url);
  } catch {
    return badRequest(c, "L'adresse de la page est mal formée.");
  }
  if (hasNul(url)) return badRequest(c, "L'adresse contient un caractère interdit.");
  const type = c.req.header('content-type') ?? '';
  if (c.req.method === 'POST' && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    const body = await c.req.parseBody({ all: true });
    for (const [k, v] of Object.entries(body))
      for (const x of Array.isArray(v) ? v : [v])
        if (hasNul(k) || (typeof x === 'string' && hasNul(x)))
          return badRequest(c, 'Le formulaire contient un caractère interdit : retapez le texte sans le coller.');
  }
  await next();
};
