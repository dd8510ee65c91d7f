// The inbox's pages, one file per business area. Guards first: signing in for the members'
// pages, and the refusal of NUL bytes everywhere (public links included).
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { requireActor } from '../../../web/middleware.ts';
import { refuseNulBytes } from './kit.tsx';
import { todoRoutes } from './todo.tsx';
import { validationRoutes } from './validation.tsx';
import { notificationRoutes } from './notifications.tsx';
import { deadlineRoutes } from './deadlines.tsx';

export { homeRoutes } from './home.tsx';

export const inboxRoutes = new Hono<AppEnv>();

const MEMBERS_ONLY = [
  '/mode-simplifie',
  '/a-faire/*',
  '/validation',
  '/validation/*',
  '/preferences-notifications',
  '/calendrier-admin',
  '/calendrier-admin/*',
];
const PUBLIC = ['/public/desabonnement/*', '/public/calendrier-admin/*'];

for (const p of MEMBERS_ONLY) inboxRoutes.use(p, requireActor, refuseNulBytes);
for (const p of PUBLIC) inboxRoutes.use(p, refuseNulBytes);

for (const r of [todoRoutes, validationRoutes, notificationRoutes, deadlineRoutes]) inboxRoutes.route('/', r);
