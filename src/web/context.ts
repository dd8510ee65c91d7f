// What every request handler can reach: the database, configuration, and who is asking.
import type { Context } from 'hono';
import type { OpenDb } from '../core/db/index.ts';
import type { Config } from '../core/config.ts';
import type { Actor, Membership } from '../core/actor.ts';
import type { LegacyDb as Db } from '../core/db/index.ts';
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

export function clientIp(c: Ctx): string | null {
  // Behind a proxy, X-Forwarded-For's first hop; otherwise the socket address.
  const xf = c.req.header('x-forwarded-for');
  if (xf) return xf.split(',')[0].trim();
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
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
