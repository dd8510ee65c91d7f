import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
export const bankRoutes = new Hono<AppEnv>();
