// Actions on the "À faire" list: snooze an item, mark an invoice sent by other means, switch the
// beginner mode.
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { addDays, formatDate, todayParis } from '../../../core/dates.ts';
import { UserError } from '../../../core/errors.ts';
import { markSent } from '../../sales/index.ts';
import { snoozeItem } from '../inbox.service.ts';
import { setBeginnerMode } from '../beginner.ts';
import { badRequest, dbOf, returnPath, tenant } from './kit.tsx';

export const todoRoutes = new Hono<AppEnv>();

/** How long "Plus tard" hides an item by default, and at most. */
const DEFAULT_SNOOZE_DAYS = 7;
const MAX_SNOOZE_DAYS = 365;

todoRoutes.post('/a-faire/reporter', async (c) => {
  const f = await formValues(c);
  const raw = f.days ?? String(DEFAULT_SNOOZE_DAYS);
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_SNOOZE_DAYS)
    return badRequest(c, `Reportez d'un jour à ${MAX_SNOOZE_DAYS} jours.`);
  const days = Number(raw);
  const today = todayParis();
  try {
    await tenant(c, (tx, actor) => snoozeItem(tx, actor, f.key ?? '', addDays(today, days), today));
  } catch (e) {
    // The key comes from the page itself: a wrong one is a forged request, not a typing error.
    if (e instanceof UserError) return badRequest(c, e.message);
    throw e;
  }
  setFlash(c, {
    kind: 'success',
    text: `C'est noté : cet élément reviendra le ${formatDate(addDays(today, days))} s'il est toujours à faire.`,
  });
  return c.redirect('/', 303);
});

todoRoutes.post('/a-faire/factures/:id/envoyee', async (c) => {
  const id = idParam(c, 'id', 'Facture');
  await tenant(c, (tx, actor) => markSent(tx, actor, id));
  setFlash(c, { kind: 'success', text: 'Facture marquée comme envoyée.' });
  return c.redirect('/', 303);
});

// --- beginner mode (simplified screens: advanced fields folded under "Plus d'options") --------
todoRoutes.post('/mode-simplifie', async (c) => {
  const f = await formValues(c);
  const on = f.beginnerMode === 'on';
  await setBeginnerMode(dbOf(c), actorOf(c), on);
  setFlash(c, {
    kind: 'success',
    text: on
      ? "Mode simplifié activé : les options avancées sont rangées sous « Plus d'options »."
      : 'Mode simplifié désactivé : toutes les options sont affichées.',
  });
  return c.redirect(returnPath(c), 303);
});
