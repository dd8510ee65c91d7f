// Webhooks of the cooperative (directors): subscriptions, their secret, the delivery log with
// replay, enabling and disabling. The services authorize (API.webhooks).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors, NotFoundError } from '../../../core/errors.ts';
import {
  createSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  replayDelivery,
  setSubscriptionEnabled,
} from '../webhooks.service.ts';
import { WebhookPage, WebhooksPage } from '../views/webhooks.tsx';

export const webhookRoutes = new Hono<AppEnv>();
webhookRoutes.use('/webhooks', requireActor);
webhookRoutes.use('/webhooks/*', requireActor);

const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(c.get('app').odb.db, actorOf(c).cooperativeId, fn);

async function listPage(c: Ctx, values?: Record<string, string>, errors?: Record<string, string> | null) {
  const subs = await tenant(c, (tx) => listSubscriptions(tx, actorOf(c)));
  return c.html(<WebhooksPage c={c} subs={subs} values={values} errors={errors} />, errors ? 400 : 200);
}
webhookRoutes.get('/webhooks', (c) => listPage(c));
webhookRoutes.post('/webhooks', async (c) => {
  const f = await formValues(c);
  const events = await formAll(c, 'events');
  try {
    const s = await tenant(c, (tx) =>
      createSubscription(tx, actorOf(c), { url: f.url ?? '', events, description: f.description }),
    );
    setFlash(c, { kind: 'success', text: 'Webhook créé. Copiez son secret pour vérifier les signatures.' });
    return c.redirect(`/webhooks/${s.id}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return listPage(c, f, errors);
  }
});
webhookRoutes.get('/webhooks/:id', async (c) => {
  const id = idParam(c, 'id', 'Webhook');
  const r = await tenant(c, async (tx) => {
    const s = await getSubscription(tx, actorOf(c), id);
    if (!s) throw new NotFoundError('Webhook');
    return { s, deliveries: await listDeliveries(tx, actorOf(c), id) };
  });
  return c.html(<WebhookPage c={c} sub={r.s} deliveries={r.deliveries} />);
});
for (const [path, enabled] of [
  ['activer', true],
  ['desactiver', false],
] as const)
  webhookRoutes.post(`/webhooks/:id/${path}`, async (c) => {
    const id = idParam(c, 'id', 'Webhook');
    await tenant(c, (tx) => setSubscriptionEnabled(tx, actorOf(c), id, enabled));
    setFlash(c, { kind: 'success', text: enabled ? 'Webhook réactivé.' : 'Webhook désactivé.' });
    return c.redirect(`/webhooks/${id}`, 303);
  });
webhookRoutes.post('/webhooks/:id/envois/:delivery/rejouer', async (c) => {
  const id = idParam(c, 'id', 'Webhook');
  const delivery = idParam(c, 'delivery', 'Envoi');
  await tenant(c, async (tx) => {
    if (!(await getSubscription(tx, actorOf(c), id))) throw new NotFoundError('Webhook');
    await replayDelivery(tx, actorOf(c), delivery);
  });
  setFlash(c, { kind: 'success', text: 'Envoi programmé : il part dans la minute.' });
  return c.redirect(`/webhooks/${id}`, 303);
});
