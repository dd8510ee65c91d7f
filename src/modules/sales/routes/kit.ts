import type { Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { hasRole, type Actor } from '../../../core/actor.ts';

export const db = (c: Ctx) => c.get('app').odb.db;
export const tenant = <T>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(db(c), actorOf(c).cooperativeId, fn);
export const isValidator = (a: Actor) => hasRole(a, 'support', 'director', 'accountant');
