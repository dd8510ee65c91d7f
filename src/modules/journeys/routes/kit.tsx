// What every page of the accompaniment shares: the tenant transaction, and the checks that turn
// garbage in the address or the form (an id that is no UUID, a NUL byte, an absurd page number,
// an unknown filter) into a French answer (400 or 404) instead of a database error.
import type { Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Db, Tx } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';

export const dbOf = (c: Ctx): Db => c.get('app').odb.db;

/** Runs `fn` in a transaction of the actor's cooperative (row-level security on). */
export function tenant<T>(c: Ctx, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(dbOf(c), actor.cooperativeId, (tx) => fn(tx, actor));
}

export { badRequest, refuseNulBytes } from '../../../web/garbage.tsx';

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
