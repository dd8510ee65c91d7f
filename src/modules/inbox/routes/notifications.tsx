// Digest preferences, and the public unsubscribe link of every digest (no sign-in: the token in
// the address is the proof; a mail client may also POST it in one click, RFC 8058).
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { UserError } from '../../../core/errors.ts';
import { getPreference, setPreference } from '../digest.ts';
import { unsubscribe, unsubscribeTarget } from '../digest-run.ts';
import { PreferencesPage, UnsubscribeConfirm, UnsubscribeDone, InvalidLink } from '../views/preferences-page.tsx';
import { dbOf, returnPath, tenant } from './kit.tsx';

export const notificationRoutes = new Hono<AppEnv>();

notificationRoutes.get('/preferences-notifications', async (c) => {
  const pref = await tenant(c, (tx) => getPreference(tx, actorOf(c)));
  return c.html(<PreferencesPage c={c} frequency={pref.frequency} unsubscribed={pref.unsubscribed} />);
});

notificationRoutes.post('/preferences-notifications', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (tx) => setPreference(tx, actorOf(c), f.frequency ?? ''));
  } catch (e) {
    if (e instanceof UserError)
      return c.html(
        <PreferencesPage c={c} frequency={f.frequency ?? ''} unsubscribed={false} error={e.message} />,
        400,
      );
    throw e;
  }
  setFlash(c, { kind: 'success', text: 'Vos préférences sont enregistrées.' });
  return c.redirect(returnPath(c, '/preferences-notifications'), 303);
});

// --- public unsubscribe (token in the URL; CSRF-exempt prefix /public/…/token/) ------------
notificationRoutes.get('/public/desabonnement/token/:token', async (c) => {
  const token = c.req.param('token');
  try {
    const t = await unsubscribeTarget(dbOf(c), token);
    return c.html(<UnsubscribeConfirm c={c} email={t.email} action={`/public/desabonnement/token/${token}`} />);
  } catch (e) {
    if (e instanceof UserError) return c.html(<InvalidLink c={c} message={e.message} />, 404);
    throw e;
  }
});

notificationRoutes.post('/public/desabonnement/token/:token', async (c) => {
  try {
    await unsubscribe(dbOf(c), c.req.param('token'));
    return c.html(<UnsubscribeDone c={c} />);
  } catch (e) {
    if (e instanceof UserError) return c.html(<InvalidLink c={c} message={e.message} />, 404);
    throw e;
  }
});
