import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
export const learningRoutes = new Hono<AppEnv>();
export const publicLearningRoutes = new Hono<AppEnv>();
