// The marketplace's pages: the public side (no account) and "Ma vitrine".
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { publicMarketRoutes } from './public.tsx';
import { vitrineRoutes } from './vitrine.tsx';
import { charterRoutes, cooperationRoutes } from './cooperation.tsx';

export const marketRoutes = new Hono<AppEnv>();
marketRoutes.route('/', charterRoutes);
marketRoutes.route('/', publicMarketRoutes);
// Before "Ma vitrine": /ma-vitrine/cotraitance is not an activity.
marketRoutes.route('/', cooperationRoutes);
marketRoutes.route('/', vitrineRoutes);
