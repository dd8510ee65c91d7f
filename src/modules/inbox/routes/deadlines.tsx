// The administrative calendar: the page of one's deadlines, a new secret address, and the ICS
// feed itself (no sign-in: the token in the address is the secret).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { addMonths, todayParis } from '../../../core/dates.ts';
import { deadlines, renewCalendarToken, hasCalendarFeed, calendarByToken } from '../calendar.ts';
import { DeadlinesPage } from '../views/deadlines-page.tsx';
import { dbOf, tenant } from './kit.tsx';

export const deadlineRoutes = new Hono<AppEnv>();

/** How far ahead the page looks. */
const PAGE_MONTHS = 3;

async function deadlinesPage(c: Ctx, feedUrl?: string) {
  const actor = actorOf(c);
  const from = todayParis();
  const { items, hasFeed } = await tenant(c, async (tx) => ({
    items: await deadlines(tx, actor, from, addMonths(from, PAGE_MONTHS)),
    hasFeed: await hasCalendarFeed(tx, actor),
  }));
  return c.html(<DeadlinesPage c={c} items={items} hasFeed={hasFeed} feedUrl={feedUrl} />);
}

deadlineRoutes.get('/calendrier-admin', (c) => deadlinesPage(c));

deadlineRoutes.post('/calendrier-admin/lien', async (c) => {
  const token = await tenant(c, (tx, actor) => renewCalendarToken(tx, actor));
  return deadlinesPage(c, `${c.get('app').config.publicUrl}/public/calendrier-admin/token/${token}`);
});

deadlineRoutes.get('/public/calendrier-admin/token/:token', async (c) => {
  const ics = await calendarByToken(dbOf(c), c.req.param('token'), todayParis(), c.get('app').config.publicUrl);
  if (!ics) return c.text('Calendrier introuvable.', 404);
  return c.body(ics, 200, { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=900' });
});
