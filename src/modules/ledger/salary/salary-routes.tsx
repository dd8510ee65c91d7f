// "Combien voulez-vous dépenser pour votre salaire ce mois-ci ?" — the salary simulation page.
// No write: the POST re-renders the page with the result, computed with the cooperative's payroll
// parameters (settings.payroll, read once per request).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';
import { actorOf } from '../../../web/context.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { formValues } from '../../../web/forms.ts';
import { requireActor } from '../../../web/middleware.ts';
import { parseCents, parseQuantityMilli } from '../../../core/money.ts';
import {
  simulateFromEmployerCost,
  simulateFromNet,
  SalaryInputError,
  MAX_MONTHLY_CENTS,
  FULL_TIME_HOURS_PER_MONTH,
  CONTRACT_LABELS,
  type ContractType,
  type SalarySimulation,
} from './salary-engine.ts';
import { cooperativePayrollParams } from './payroll-settings.service.ts';
import { payrollSettingsRoutes } from './payroll-settings-routes.tsx';
import { Breakdown } from './views/breakdown.tsx';
import { salaryRequestRoutes } from './salary-request-routes.tsx';

export const salaryRoutes = new Hono<AppEnv>();
salaryRoutes.use('/salaire/simulation', requireActor);

const PATH = '/salaire/simulation';
const AMOUNT_HELP = 'Indiquez un montant en euros, par exemple 2 500.';

type Values = { cout?: string; net?: string; heures?: string; contrat?: string; duree?: string };
type Errors = Partial<Record<'cout' | 'net' | 'heures' | 'duree', string>>;

function Page(p: { c: Ctx; values?: Values; errors?: Errors; message?: string | null; sim?: SalarySimulation | null }) {
  const v = p.values ?? {};
  const e = p.errors ?? {};
  return (
    <Layout c={p.c} title="Simulation de salaire">
      <PageHeader
        title="Simulation de salaire"
        help="Transformez l’argent disponible sur votre activité en salaire, ou partez du net que vous souhaitez recevoir."
        action={
          <a class="btn" href="/salaire">
            Demander mon salaire
          </a>
        }
      />
      <Card title="Votre salaire ce mois-ci">
        <form method="post" action={PATH} novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={Object.keys(e).length ? e : null} message={p.message} />
          <div class="form-grid">
            <Field
              label="Combien voulez-vous dépenser pour votre salaire ce mois-ci ?"
              name="cout"
              value={v.cout}
              error={e.cout}
              inputmode="decimal"
              placeholder="2 500"
              hint="Le coût total pour la coopérative, en euros : salaire brut et cotisations patronales."
            />
            <Field
              label="Ou bien : quel net souhaitez-vous recevoir ?"
              name="net"
              value={v.net}
              error={e.net}
              inputmode="decimal"
              placeholder="1 600"
              hint="Le montant versé sur votre compte, avant impôt sur le revenu. Remplissez l’un ou l’autre."
            />
            <Field
              label="Heures travaillées par mois (facultatif)"
              name="heures"
              value={v.heures}
              error={e.heures}
              inputmode="decimal"
              placeholder="151,67"
              hint="Laissez vide pour un temps plein (151,67 heures par mois)."
            />
            <Select
              label="Contrat"
              name="contrat"
              value={v.contrat ?? 'CDI'}
              options={Object.entries(CONTRACT_LABELS)}
            />
            <Field
              label="Durée du CDD en mois"
              name="duree"
              value={v.duree}
              error={e.duree}
              inputmode="numeric"
              placeholder="12"
              hint="Seulement pour un CDD : les indemnités de fin de contrat en dépendent."
            />
          </div>
          <button type="submit">Calculer</button>
        </form>
      </Card>
      {p.sim ? <Breakdown sim={p.sim} /> : null}
    </Layout>
  );
}

function parseAmount(raw: string | undefined): { cents: number | null; error?: string } {
  const s = (raw ?? '').trim();
  if (!s) return { cents: null };
  const cents = parseCents(s);
  if (cents === null || cents <= 0) return { cents: null, error: AMOUNT_HELP };
  if (cents > MAX_MONTHLY_CENTS) return { cents: null, error: 'Ce montant dépasse 100 000 € par mois : vérifiez-le.' };
  return { cents };
}

salaryRoutes.get(PATH, (c) => c.html(<Page c={c} />));
// The salary requests (/salaire…) live in their own file, mounted here.
salaryRoutes.route('/', salaryRequestRoutes);
salaryRoutes.route('/', payrollSettingsRoutes);

salaryRoutes.post(PATH, async (c) => {
  const f = await formValues(c);
  const values: Values = {
    cout: f.cout ?? '',
    net: f.net ?? '',
    heures: f.heures ?? '',
    contrat: f.contrat === 'CDD' ? 'CDD' : 'CDI',
    duree: f.duree ?? '',
  };
  const contract = values.contrat as ContractType;
  let cddMonths: number | undefined;
  const errors: Errors = {};
  const cost = parseAmount(values.cout);
  const net = parseAmount(values.net);
  if (cost.error) errors.cout = cost.error;
  if (net.error) errors.net = net.error;
  if (!cost.error && !net.error) {
    if (cost.cents === null && net.cents === null) errors.cout = AMOUNT_HELP;
    else if (cost.cents !== null && net.cents !== null)
      errors.net = 'Remplissez soit le coût pour la coopérative, soit le net souhaité, pas les deux.';
  }
  let hoursPerMonth: number | undefined;
  const h = (values.heures ?? '').trim();
  if (h) {
    const milli = parseQuantityMilli(h);
    if (milli === null || milli <= 0) errors.heures = "Indiquez un nombre d'heures, par exemple 120.";
    else if (milli / 1000 > FULL_TIME_HOURS_PER_MONTH + 0.01)
      errors.heures =
        'Au-delà de 151,67 heures par mois, ce sont des heures supplémentaires : laissez vide pour un temps plein.';
    else hoursPerMonth = milli / 1000;
  }
  if (contract === 'CDD') {
    const d = (values.duree ?? '').trim();
    if (!/^\d{1,2}$/.test(d) || Number(d) < 1 || Number(d) > 36)
      errors.duree = 'Indiquez la durée du CDD en mois, de 1 à 36.';
    else cddMonths = Number(d);
  }
  if (Object.keys(errors).length) return c.html(<Page c={c} values={values} errors={errors} />, 422);
  const actor = actorOf(c);
  const params = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    cooperativePayrollParams(trx, actor.cooperativeId),
  );
  try {
    const opts = { hoursPerMonth, contract, cddMonths, params };
    const sim =
      cost.cents !== null ? simulateFromEmployerCost(cost.cents, opts) : simulateFromNet(net.cents as number, opts);
    return c.html(<Page c={c} values={values} sim={sim} />);
  } catch (err) {
    if (!(err instanceof SalaryInputError)) throw err;
    const field = cost.cents !== null ? 'cout' : 'net';
    return c.html(<Page c={c} values={values} errors={{ [field]: err.message }} />, 422);
  }
});
