// What every page of the accompaniment shares: the tenant transaction, and the checks that turn
// garbage in the address or the form (an id that is no UUID, a NUL byte, an absurd page number,
// an unknown filter) into a French answer (400 or 404) instead of a database error.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { Card } from '../../../web/components.tsx';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Db, Tx } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
import { isUuid } from '../../../core/ids.ts';
import { NotFoundError } from '../../../core/errors.ts';

export const dbOf = (c: Ctx): Db => c.get('app').odb.db;

/** Runs `fn` in a transaction of the actor's cooperative (row-level security on). */
export function tenant<T>(c: Ctx, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(dbOf(c), actor.cooperativeId, (tx) => fn(tx, actor));
}

/** The `:name` parameter of the address, when it is a UUID; otherwise "introuvable" (404). */
export function uuidParam(c: Ctx, name: string, what: string): string {
  const v = c.req.param(name);
  if (!v || !isUuid(v)) throw new NotFoundError(what);
  return v;
}

/** A request the page cannot make sense of: 400 with a French explanation. */
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

/** `?page=`: absent is page 1; anything but a plain, reasonable number is refused. */
export function pageOf(c: Ctx): number | null {
  const p = c.req.query('page');
  if (p === undefined || p === '') return 1;
  return /^\d{1,6}$/.test(p) && Number(p) >= 1 ? Number(p) : null;
}

/** A filter of the address: absent or empty is "all"; a value outside `allowed` is refused. */
export function filterOf<T extends string>(c: Ctx, name: string, allowed: readonly T[]): T | '' | null {
  const v = c.req.query(name);
  if (v === undefined || v === '') return '';
  return (allowed as readonly string[]).includes(v) ? (v as T) : null;
}
