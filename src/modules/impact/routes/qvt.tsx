// The QVT lab (/impact/qvt): directors see their cooperative, network staff the network.
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { qvtBarometer } from '../qvt.service.ts';
import { QvtPage } from '../views/qvt-page.tsx';

export const qvtRoutes = new Hono<AppEnv>();
qvtRoutes.get('/impact/qvt', async (c) => {
  const v = await qvtBarometer(c.get('app').odb.db, actorOf(c));
  return c.html(<QvtPage c={c} v={v} />);
});
