// Every page of the directory, assembled for module.ts.
import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { activityRoutes } from './routes/activities.tsx';
import { auditRoutes } from './routes/audit.tsx';
import { cooperativeRoutes } from './routes/cooperative.tsx';
import { identityRoutes } from './routes/identity.tsx';
import { memberRoutes } from './routes/members.tsx';

export const directoryRoutes = new Hono<AppEnv>();
for (const r of [cooperativeRoutes, memberRoutes, activityRoutes, auditRoutes, identityRoutes])
  directoryRoutes.route('/', r);
