// The dashboard (GET /impact?annee=YYYY) and the SROI calculator (GET/POST /impact/sroi).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { authorize } from '../../../core/authz.ts';
import { todayParis } from '../../../core/dates.ts';
import { sroiFor } from '../indicators.service.ts';
import { impactDashboard } from '../dashboard.service.ts';
import { IMPACT } from '../permissions.ts';
import { SroiInputError, type SroiResult } from '../kit/sroi.ts';
import { DashboardPage } from '../views/dashboard-page.tsx';
import { SroiPage, SROI_FIELDS, type SroiForm } from '../views/sroi-page.tsx';

export const impactPageRoutes = new Hono<AppEnv>();
const dbOf = (c: Ctx) => c.get('app').odb.db;

function yearOf(c: Ctx): number | null {
  const current = Number(todayParis().slice(0, 4));
  const q = c.req.query('annee');
  if (q === undefined || q === '') return current;
  if (!/^\d{4}$/.test(q)) return null;
  const y = Number(q);
  return y >= 2000 && y <= current + 1 ? y : null;
}

impactPageRoutes.get('/impact', async (c) => {
  const actor = actorOf(c);
  authorize(actor, IMPACT.indicatorsRead);
  const year = yearOf(c);
  if (year === null) return c.text('Année invalide.', 400);
  const d = await impactDashboard(dbOf(c), actor, year);
  return c.html(<DashboardPage c={c} d={d} />);
});

const DEFAULTS: SroiForm = {
  name: 'Retour à l’emploi',
  investment: '150000',
  discount_rate: '3.5',
  quantity: '40',
  proxy: '12000',
  deadweight: '25',
  displacement: '0',
  attribution: '20',
  drop_off: '10',
  duration_years: '3',
};

impactPageRoutes.get('/impact/sroi', (c) => {
  authorize(actorOf(c), IMPACT.sroiCompute);
  return c.html(<SroiPage c={c} form={DEFAULTS} result={null} error={null} />);
});

/** Percent fields on the form are typed as percents ("25" or "25,5"); the kit takes fractions. */
const frac = (s: string) => {
  const t = s.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) throw new SroiInputError('Les taux s’écrivent en pourcentage, par exemple 25 ou 3,5.');
  const [i, d = ''] = t.split('.');
  // Divide by 100 by moving the decimal point: exact, no float.
  const digits = (i!.padStart(3, '0') + d).replace(/^0+(?=\d)/, '');
  const intPart = digits.length > d.length + 2 ? digits.slice(0, digits.length - d.length - 2) : '0';
  const fracPart = digits.slice(-(d.length + 2)).padStart(d.length + 2, '0');
  return `${intPart}.${fracPart}`;
};
const amount = (s: string) =>
  s
    .trim()
    .replace(/\s|\u00a0|\u202f/g, '')
    .replace(',', '.');

impactPageRoutes.post('/impact/sroi', async (c) => {
  authorize(actorOf(c), IMPACT.sroiCompute);
  const f = await formValues(c);
  const form = Object.fromEntries(SROI_FIELDS.map((k) => [k, (f[k] ?? '').slice(0, 40)])) as SroiForm;
  let result: SroiResult | null = null;
  let error: string | null = null;
  try {
    result = sroiFor(actorOf(c), {
      investment: amount(form.investment),
      discount_rate: frac(form.discount_rate),
      outcomes: [
        {
          name: form.name,
          quantity: amount(form.quantity),
          proxy: amount(form.proxy),
          deadweight: frac(form.deadweight),
          displacement: frac(form.displacement),
          attribution: frac(form.attribution),
          drop_off: frac(form.drop_off),
          duration_years: Number(form.duration_years),
        },
      ],
    });
  } catch (e) {
    if (!(e instanceof SroiInputError)) throw e;
    error = e.message;
  }
  return c.html(<SroiPage c={c} form={form} result={result} error={error} />, error ? 400 : 200);
});
