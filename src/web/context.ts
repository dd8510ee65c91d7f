// What every request handler can reach: the database, configuration, and who is asking.
import { type BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import type { OpenDb } from '../core/db/index.ts';
import type { Config } from '../core/config.ts';
import type { Actor, Membership } from '../core/actor.ts';
import type { Db } from '../core/db/handles.ts';
import type { NavItem } from './nav.ts';
import type { User } from '../core/auth/users.ts';
import type { SessionRow } from '../core/auth/sessions.ts';
import type { Transport } from '../core/mail.ts';

export interface AppServices {
  odb: OpenDb;
  config: Config;
  mailTransport?: Transport;
}
/** What the assembly (src/app) gives every request: services, the navigation of all modules,
 *  and how to find a user's memberships (the directory module answers; this kit knows no module). */
export interface AppContext extends AppServices {
  nav: NavItem[];
  membershipsOfUser(db: Db, userId: string): Promise<Membership[]>;
}

export interface Flash {
  kind: 'success' | 'error' | 'info';
  text: string;
}

export type AppEnv = {
  Variables: {
    app: AppContext;
    session: SessionRow | null;
    user: User | null;
    memberships: Membership[];
    actor: Actor | null;
    csrf: string;
    flash: Flash | null;
  };
};
export type Ctx = Context<AppEnv>;

/** The client's address, for rate limits and the audit log. The socket's address, unless it is
 *  a proxy listed in TRUSTED_PROXIES: then X-Forwarded-For is read from the right, skipping the
 *  trusted hops, so a client cannot choose its address by sending the header itself. */
export function clientIp(c: Ctx): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const socket = plainIp(env?.incoming?.socket?.remoteAddress);
  const trusted = c.get('app')?.config.trustedProxies;
  if (!trusted || !socket || !isTrusted(trusted, socket)) return socket;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => plainIp(h.trim()))
    .filter((h): h is string => !!h);
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrusted(trusted, hops[i])) return hops[i];
  return hops[0] ?? socket;
}

/** A valid IP address without the IPv4-mapped prefix (`::ffff:10.0.0.1` → `10.0.0.1`), or null. */
function plainIp(v: string | undefined): string | null {
  if (!v) return null;
  const ip = v.startsWith('::ffff:') && isIP(v.slice(7)) === 4 ? v.slice(7) : v;
  return isIP(ip) ? ip : null;
}
function isTrusted(list: BlockList, ip: string): boolean {
  return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** The signed-in person of a page behind requireActor. */
export function userOf(c: Ctx): User {
  const u = c.get('user');
  if (!u) throw new Error('user missing: route not behind requireActor');
  return u;
}
/** The session of a page behind requireActor. */
export function sessionOf(c: Ctx): SessionRow {
  const s = c.get('session');
  if (!s) throw new Error('session missing: route not behind requireActor');
  return s;
}

/** The signed-in actor of a page that requires one (the auth middleware guarantees it). */
export function actorOf(c: Ctx): Actor {
  const a = c.get('actor');
  if (!a) throw new Error('actor missing: route not behind requireActor');
  return a;
}
