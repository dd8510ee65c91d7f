import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { todayParis } from '../../../core/dates.ts';
import { formatEuros } from '../../../core/money.ts';
import { activitiesFor } from '../../directory/index.ts';
import { addVehicle, listVehicles, addMileageTrip, yearKm } from '../expense.service.ts';
import { scaleFor, scaleYears } from '../mileage.ts';
import { tenant, badRequest } from './kit.ts';

export const mileageRoutes = new Hono<AppEnv>();

// ── mileage ────────────────────────────────────────────────────────────────────────────────

async function mileagePage(
  c: Ctx,
  forms: {
    vehicle?: { v: Record<string, string>; e: Record<string, string> };
    trip?: { v: Record<string, string>; e: Record<string, string> };
  } = {},
) {
  const year = Number(todayParis().slice(0, 4));
  const [vehicles, acts] = await tenant(c, async (trx, a) => {
    const vs = await listVehicles(trx, a);
    return [
      await Promise.all(vs.map(async (v) => ({ ...v, km: await yearKm(trx, a, v.id, year) }))),
      (await activitiesFor(trx, a)).filter((x) => !x.closedAt),
    ] as const;
  });
  const scale = scaleYears().includes(year) ? scaleFor(year) : null;
  const tv: Record<string, string> = {
    date: todayParis(),
    vehicleId: vehicles.length === 1 ? vehicles[0].id : '',
    activityId: acts.length === 1 ? acts[0].id : '',
    ...(forms.trip?.v ?? {}),
  };
  const te = forms.trip?.e ?? {};
  const vv = forms.vehicle?.v ?? {};
  const ve = forms.vehicle?.e ?? {};
  const status = forms.trip || forms.vehicle ? 400 : 200;
  return c.html(
    <Layout c={c} title="Indemnités kilométriques" wide>
      <PageHeader
        title="Indemnités kilométriques"
        help="Vos trajets professionnels avec votre voiture, remboursés au barème officiel. Le barème dépend du total de kilomètres de l'année : chaque trajet est calculé sur ce total."
      />
      {vehicles.length ? (
        <Card title="Ajouter un trajet">
          <form method="post" action="/indemnites-kilometriques/trajet" novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={forms.trip ? te : null} message={te._} />
            <div class="form-grid">
              <Field label="Date" name="date" type="date" value={tv.date} error={te.date} required />
              <Select
                label="Véhicule"
                name="vehicleId"
                value={tv.vehicleId}
                error={te.vehicleId}
                options={[
                  ['', '—'],
                  ...vehicles.map((v) => [v.id, `${v.label} (${v.fiscalHp} CV)`] as [string, string]),
                ]}
              />
              <Field
                label="Trajet et motif"
                name="description"
                value={tv.description}
                error={te.description}
                placeholder="Lyon → Grenoble, rendez-vous client"
                required
              />
              <Field
                label="Distance (km, aller et retour)"
                name="distanceKm"
                value={tv.distanceKm}
                error={te.distanceKm}
                inputmode="numeric"
                required
              />
              <Select
                label="Activité"
                name="activityId"
                value={tv.activityId}
                error={te.activityId}
                options={[['', '—'], ...acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string])]}
              />
            </div>
            <button type="submit">Ajouter le trajet</button>
          </form>
          <p>
            Les trajets s'ajoutent à votre <a href="/notes-de-frais">note de frais du mois</a>.
          </p>
        </Card>
      ) : null}
      <Card title="Mes véhicules">
        {vehicles.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Véhicule</th>
                <th>Puissance</th>
                <th class="num">km en {year}</th>
              </tr>
            </thead>
            <tbody>
              {vehicles.map((v) => (
                <tr>
                  <td data-label="Véhicule">{v.label}</td>
                  <td data-label="Puissance">{v.fiscalHp} CV</td>
                  <td data-label="km" class="num">
                    {v.km}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>Ajoutez d'abord votre véhicule.</p>
        )}
        <form method="post" action="/indemnites-kilometriques/vehicule" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={forms.vehicle ? ve : null} />
          <div class="form-grid">
            <Field label="Véhicule" name="label" value={vv.label} error={ve.label} placeholder="Clio grise" required />
            <Field
              label="Puissance fiscale (CV, case P.6 de la carte grise)"
              name="fiscalHp"
              value={vv.fiscalHp}
              error={ve.fiscalHp}
              inputmode="numeric"
              required
            />
          </div>
          <button type="submit" class="btn-secondary">
            Ajouter le véhicule
          </button>
        </form>
      </Card>
      {scale ? (
        <Card title={`Barème ${scale.year} (voitures)`}>
          <table class="data">
            <thead>
              <tr>
                <th>Puissance</th>
                <th>Jusqu'à {scale.bands[0]} km</th>
                <th>
                  De {scale.bands[0] + 1} à {scale.bands[1]} km
                </th>
                <th>Au-delà de {scale.bands[1]} km</th>
              </tr>
            </thead>
            <tbody>
              {scale.cars.map((r) => (
                <tr>
                  <td data-label="Puissance">{r.label}</td>
                  {r.rates.map((x, i) => (
                    <td data-label={['≤ 5 000 km', '5 001 – 20 000 km', '> 20 000 km'][i]}>
                      d × {String(x.a / 1000).replace('.', ',')}
                      {x.b ? ` + ${x.b} €` : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">{scale.source}</p>
        </Card>
      ) : null}
    </Layout>,
    status,
  );
}
mileageRoutes.get('/indemnites-kilometriques', (c) => mileagePage(c));
mileageRoutes.post('/indemnites-kilometriques/vehicule', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (trx, a) =>
      addVehicle(trx, a, { label: f.label ?? '', fiscalHp: /^\d+$/.test(f.fiscalHp ?? '') ? Number(f.fiscalHp) : NaN }),
    );
  } catch (e) {
    return mileagePage(c, { vehicle: { v: f, e: badRequest(e) } });
  }
  setFlash(c, { kind: 'success', text: 'Véhicule ajouté.' });
  return c.redirect('/indemnites-kilometriques');
});
mileageRoutes.post('/indemnites-kilometriques/trajet', async (c) => {
  const f = await formValues(c);
  let amount = 0;
  try {
    const t = await tenant(c, (trx, a) =>
      addMileageTrip(trx, a, {
        date: f.date ?? '',
        vehicleId: f.vehicleId ?? '',
        activityId: f.activityId ?? '',
        description: f.description ?? '',
        distanceKm: /^\d+$/.test(f.distanceKm ?? '') ? Number(f.distanceKm) : NaN,
      }),
    );
    amount = t.amountCents;
  } catch (e) {
    return mileagePage(c, { trip: { v: f, e: badRequest(e) } });
  }
  setFlash(c, { kind: 'success', text: `Trajet ajouté : ${formatEuros(amount)}.` });
  return c.redirect('/indemnites-kilometriques');
});
