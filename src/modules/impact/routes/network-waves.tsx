// Network-wide survey waves (network staff, `impact.networkRead` + `impact.surveyManage`): the
// list and launch form (/impact/enquetes-reseau) and one wave's response rates per cooperative.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { fieldErrors, NotFoundError } from '../../../core/errors.ts';
import {
  launchNetworkWave,
  listNetworkWaves,
  networkWaveCooperatives,
  networkWaveRates,
} from '../network-waves.service.ts';
import { NetworkWavePage, NetworkWavesPage } from '../views/network-waves-page.tsx';

export const networkWaveRoutes = new Hono<AppEnv>();
const dbOf = (c: Ctx) => c.get('app').odb.db;

async function listPage(
  c: Ctx,
  launched: Parameters<typeof NetworkWavesPage>[0]['launched'],
  errors: Record<string, string> | null,
  form?: Record<string, string | string[]>,
) {
  const actor = actorOf(c);
  const cooperatives = await networkWaveCooperatives(dbOf(c), actor);
  const waves = await listNetworkWaves(dbOf(c), actor);
  return c.html(
    <NetworkWavesPage
      c={c}
      waves={waves}
      cooperatives={cooperatives}
      launched={launched}
      errors={errors}
      form={form}
    />,
    errors ? 400 : 200,
  );
}

networkWaveRoutes.get('/impact/enquetes-reseau', (c) => listPage(c, null, null));
networkWaveRoutes.post('/impact/enquetes-reseau', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  const cooperativeIds = (await formAll(c, 'cooperatives')).slice(0, 1000);
  const links = /^\d{1,5}$/.test((f.links ?? '0').trim()) ? Number(f.links ?? 0) : Number.NaN;
  const base = c.get('app').config.publicUrl.replace(/\/$/, '');
  const title = (f.title ?? '').trim().slice(0, 300);
  try {
    const r = await launchNetworkWave(dbOf(c), actor, {
      title,
      links,
      questionnaire: (f.questionnaire ?? 'who5').slice(0, 60),
      closesOn: (f.closes_on ?? '').trim().slice(0, 20),
      audience: (f.audience ?? '').slice(0, 20),
      publicUrl: base,
      cooperativeIds,
    });
    const launched = {
      title,
      cooperatives: r.cooperatives.map((co) => ({
        name: co.name,
        links: co.tokens.map((t) => `${base}/enquete/${t}`),
      })),
    };
    return listPage(c, launched, null);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return listPage(c, null, errors, { ...f, cooperatives: cooperativeIds });
  }
});

networkWaveRoutes.get('/impact/enquetes-reseau/:id', async (c) => {
  const v = await networkWaveRates(dbOf(c), actorOf(c), idParam(c, 'id', 'Vague'));
  if (!v) throw new NotFoundError('Vague');
  return c.html(<NetworkWavePage c={c} v={v} />);
});
