// What every inbox page shares: the tenant transaction, the return address of a form, and the
// checks that turn garbage (a NUL byte, an id that is no UUID) into a French 400 or 404 instead
// of a database error.
import type { Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Db } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
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

export { badRequest, refuseNulBytes } from '../../../web/garbage.tsx';
