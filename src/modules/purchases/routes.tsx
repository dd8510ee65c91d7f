import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
export const purchasesRoutes = new Hono<AppEnv>();
