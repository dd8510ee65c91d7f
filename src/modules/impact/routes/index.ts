// The impact pages: the indicators dashboard and the SROI calculator, for signed-in members
// (each service checks its permission: an entrepreneur gets 403), and the public survey answer
// page (/enquete/:token, no account).
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { requireActor } from '../../../web/middleware.ts';
import { impactPageRoutes } from './pages.tsx';
import { surveyRoutes } from './surveys.tsx';
import { questionnaireRoutes } from './questionnaires.tsx';
import { qvtRoutes } from './qvt.tsx';
import { impactReportRoutes } from './reports.tsx';

export const impactRoutes = new Hono<AppEnv>();
for (const p of ['/impact', '/impact/*']) impactRoutes.use(p, requireActor);
impactRoutes.route('/', impactPageRoutes);
impactRoutes.route('/', surveyRoutes);
impactRoutes.route('/', questionnaireRoutes);
impactRoutes.route('/', qvtRoutes);
impactRoutes.route('/', impactReportRoutes);
