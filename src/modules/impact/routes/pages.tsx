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
import { SroiComparePage, SroiPage, SROI_FIELDS, type SroiForm } from '../views/sroi-page.tsx';
import { withTenant } from '../../../core/db/tenant.ts';
import { UserError } from '../../../core/errors.ts';
import type { Tx } from '../../../core/db/handles.ts';
import { getScenario, listScenarios, saveScenario, scenarioInput } from '../sroi-scenarios.ts';

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

const scenariosOf = (c: Ctx) => {
  const actor = actorOf(c);
  return withTenant(dbOf(c), actor.cooperativeId, (tx) => listScenarios(tx as unknown as Tx, actor));
};

impactPageRoutes.get('/impact/sroi', async (c) => {
  const actor = actorOf(c);
  authorize(actor, IMPACT.sroiCompute);
  const id = c.req.query('scenario');
  if (id !== undefined) {
    const s = await withTenant(dbOf(c), actor.cooperativeId, (tx) => getScenario(tx as unknown as Tx, actor, id));
    const form = Object.fromEntries(SROI_FIELDS.map((k) => [k, String(s.form[k] ?? '')])) as SroiForm;
    const { result, error } = compute(c, form);
    return c.html(
      <SroiPage c={c} form={form} result={result} error={error} scenarios={await scenariosOf(c)} title={s.title} />,
    );
  }
  return c.html(<SroiPage c={c} form={DEFAULTS} result={null} error={null} scenarios={await scenariosOf(c)} />);
});

impactPageRoutes.get('/impact/sroi/comparer', async (c) => {
  const actor = actorOf(c);
  const ids = c.req.queries('s') ?? [];
  const scenarios = await withTenant(dbOf(c), actor.cooperativeId, async (tx) => {
    const out = [];
    for (const id of ids.slice(0, 6)) out.push(await getScenario(tx as unknown as Tx, actor, id));
    return out;
  });
  authorize(actor, IMPACT.sroiCompute);
  return c.html(<SroiComparePage c={c} scenarios={scenarios} />);
});

function compute(c: Ctx, form: SroiForm): { result: SroiResult | null; error: string | null } {
  let result: SroiResult | null = null;
  let error: string | null = null;
  try {
    result = sroiFor(actorOf(c), scenarioInput(form));
  } catch (e) {
    if (!(e instanceof SroiInputError)) throw e;
    error = e.message;
  }
  return { result, error };
}

impactPageRoutes.post('/impact/sroi', async (c) => {
  const actor = actorOf(c);
  authorize(actor, IMPACT.sroiCompute);
  const f = await formValues(c);
  const form = Object.fromEntries(SROI_FIELDS.map((k) => [k, (f[k] ?? '').slice(0, 40)])) as SroiForm;
  const { result, error } = compute(c, form);
  const title = (f.scenario_title ?? '').slice(0, 300);
  let notice: string | null = null;
  let titleError: string | undefined;
  if (result && f.save === '1') {
    try {
      await withTenant(dbOf(c), actor.cooperativeId, (tx) =>
        saveScenario(tx as unknown as Tx, actor, {
          title,
          form,
          presentValue: result.present_value,
          ratio: result.ratio,
        }),
      );
      notice = `Scénario « ${title.trim()} » enregistré.`;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      titleError = e.message;
    }
  }
  return c.html(
    <SroiPage
      c={c}
      form={form}
      result={result}
      error={error}
      scenarios={await scenariosOf(c)}
      notice={notice}
      title={title}
      titleError={titleError}
    />,
    error || titleError ? 400 : 200,
  );
});
