// The impact pages: the indicators dashboard and the SROI calculator, for signed-in members
// (each service checks its permission: an entrepreneur gets 403), and the public pages (no
// account): the survey answer page (/enquete/:token) and a funder's reports (/financeur/:token).
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { requireActor } from '../../../web/middleware.ts';
import { impactPageRoutes } from './pages.tsx';
import { surveyRoutes } from './surveys.tsx';
import { questionnaireRoutes } from './questionnaires.tsx';
import { qvtRoutes } from './qvt.tsx';
import { impactReportRoutes } from './reports.tsx';
import { impactReportFileRoutes } from './impact-reports.tsx';
import { impactChartRoutes } from './charts.tsx';
import { referentialRoutes } from './referential.tsx';
import { networkWaveRoutes } from './network-waves.tsx';

export const impactRoutes = new Hono<AppEnv>();
for (const p of ['/impact', '/impact/*']) impactRoutes.use(p, requireActor);
impactRoutes.route('/', impactPageRoutes);
impactRoutes.route('/', surveyRoutes);
impactRoutes.route('/', questionnaireRoutes);
impactRoutes.route('/', qvtRoutes);
impactRoutes.route('/', impactReportRoutes);
impactRoutes.route('/', impactReportFileRoutes);
impactRoutes.route('/', impactChartRoutes);
impactRoutes.route('/', referentialRoutes);
impactRoutes.route('/', networkWaveRoutes);
