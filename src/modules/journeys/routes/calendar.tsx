// The personal calendar feed: the page, a new secret link, and the feed itself (no sign-in:
// the token in the address is the secret).
import { shownPublicUrl } from '../../../web/public-url.ts';
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { hasFeed, renewFeedToken, calendarFeed } from '../calendar-feed.service.ts';
import { CalendarPage, CalendarLinkPage } from '../views/calendar-page.tsx';
import { dbOf, tenant } from './kit.tsx';

export const calendarRoutes = new Hono<AppEnv>();

calendarRoutes.get('/calendrier', async (c) => {
  const exists = await tenant(c, (tx, actor) => hasFeed(tx, actor));
  return c.html(<CalendarPage c={c} exists={exists} />);
});

calendarRoutes.post('/calendrier/lien', async (c) => {
  const token = await tenant(c, (tx, actor) => renewFeedToken(tx, actor));
  return c.html(<CalendarLinkPage c={c} url={`${shownPublicUrl(c)}/calendrier/${token}.ics`} />);
});

calendarRoutes.get('/calendrier/:file', async (c) => {
  const file = c.req.param('file');
  if (!file.endsWith('.ics')) return c.notFound();
  const body = await calendarFeed(dbOf(c), file.slice(0, -4), c.get('app').config.publicUrl);
  if (!body) return c.text('Calendrier introuvable.', 404);
  return c.body(body, 200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'private, max-age=300' });
});
