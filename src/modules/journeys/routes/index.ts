// The accompaniment's pages, one file per business area. Guards first: signing in for the
// members' pages, and the refusal of NUL bytes everywhere (public pages included). Static
// addresses are mounted before the ones they would otherwise match (`/accompagnement/nouveau`
// before `/accompagnement/:id`).
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { requireActor } from '../../../web/middleware.ts';
import { refuseNulBytes } from './kit.tsx';
import { caseloadRoutes } from './caseload.tsx';
import { stageSettingsRoutes } from './stage-settings.tsx';
import { journeyRoutes } from './journey.tsx';
import { appointmentRoutes } from './appointments.tsx';
import { slotRoutes } from './slots.tsx';
import { calendarRoutes } from './calendar.tsx';
import { workshopRoutes } from './workshops.tsx';
import { infoMeetingRoutes } from './info-meetings.tsx';
import { publicInfoMeetingRoutes } from './public-info-meetings.tsx';

export const journeysRoutes = new Hono<AppEnv>();

const MEMBERS_ONLY = [
  '/accompagnement',
  '/accompagnement/*',
  '/mon-parcours',
  '/rendez-vous',
  '/rendez-vous/*',
  '/creneaux',
  '/creneaux/*',
  '/calendrier',
  '/calendrier/lien',
  '/ateliers',
  '/ateliers/*',
  '/reunions',
  '/reunions/*',
  '/documents-parcours/*',
];
const PUBLIC = ['/calendrier/*', '/reunions-information', '/reunions-information/*'];

for (const p of MEMBERS_ONLY) journeysRoutes.use(p, requireActor, refuseNulBytes);
for (const p of PUBLIC) journeysRoutes.use(p, refuseNulBytes);

for (const r of [
  caseloadRoutes,
  stageSettingsRoutes,
  journeyRoutes,
  appointmentRoutes,
  slotRoutes,
  calendarRoutes,
  workshopRoutes,
  infoMeetingRoutes,
  publicInfoMeetingRoutes,
])
  journeysRoutes.route('/', r);
