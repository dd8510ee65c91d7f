// The direction's payroll parameters form (/salaire/parametres): headcount band, commune and its
// versement mobilité rate, AT/MP rate, health plan. Every salary simulation and request uses them.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';
import { formValues } from '../../../web/forms.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { can } from '../../../core/authz.ts';
import { NotFoundError, UserError, fieldErrors } from '../../../core/errors.ts';
import { centsToDecimal } from '../../../core/money.ts';
import { LEDGER } from '../permissions.ts';
import { HEADCOUNT_BANDS, type PayrollParams } from './salary-engine.ts';
import { payrollSettings, savePayrollSettings } from './payroll-settings.service.ts';

export const payrollSettingsRoutes = new Hono<AppEnv>();
const PATH = '/salaire/parametres';
payrollSettingsRoutes.use(PATH, requireActor);

const pct = (bp: number) => (bp / 100).toFixed(2).replace('.', ',');
const valuesOf = (p: PayrollParams): Record<string, string> => ({
  headcountBand: p.headcountBand,
  commune: p.commune,
  mobilityRate: pct(p.mobilityRateBp),
  atmpRate: p.atmpRateBp === null ? '' : pct(p.atmpRateBp),
  healthPlan: centsToDecimal(p.healthPlanMonthlyCents, ','),
  healthEmployerShare: pct(p.healthEmployerShareBp),
});

function requireSettings(c: Ctx) {
  if (!can(actorOf(c), LEDGER.payrollSettings)) throw new NotFoundError('Page');
}

function Page(p: {
  c: Ctx;
  values: Record<string, string>;
  errors?: Record<string, string>;
  message?: string;
  saved: boolean;
}) {
  const v = p.values;
  const e = p.errors ?? {};
  return (
    <Layout c={p.c} title="Paramètres de paie">
      <PageHeader
        title="Paramètres de paie"
        help="Les simulations et les demandes de salaire de la coopérative utilisent ces paramètres : effectif, versement mobilité, taux AT/MP et mutuelle."
      />
      {p.saved ? null : (
        <p class="muted">Aucun paramètre enregistré : les simulations utilisent les valeurs par défaut affichées.</p>
      )}
      <Card>
        <form method="post" action={PATH} novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={Object.keys(e).length ? e : null} message={p.message} />
          <div class="form-grid">
            <Select
              label="Effectif de la coopérative (salarié·es)"
              name="headcountBand"
              value={v.headcountBand}
              options={HEADCOUNT_BANDS.map((b): [string, string] => [b, b])}
              error={e.headcountBand}
              hint="Plusieurs cotisations (FNAL, versement mobilité, formation) dépendent de l'effectif."
            />
            <Field
              label="Commune de l'établissement"
              name="commune"
              value={v.commune}
              error={e.commune}
              hint="Pour mémoire : c'est le taux ci-dessous qui compte."
            />
            <Field
              label="Taux du versement mobilité (%)"
              name="mobilityRate"
              value={v.mobilityRate}
              error={e.mobilityRate}
              inputmode="decimal"
              hint="Celui de la commune, sur urssaf.fr (par exemple 2,95 à Paris). Dû à partir de 11 salarié·es ; 0 sinon."
            />
            <Field
              label="Taux AT/MP de l'établissement (%)"
              name="atmpRate"
              value={v.atmpRate}
              error={e.atmpRate}
              inputmode="decimal"
              hint="Notifié chaque année par la Carsat (compte AT/MP sur net-entreprises). Vide : le taux collectif."
            />
            <Field
              label="Mutuelle : cotisation mensuelle totale (€)"
              name="healthPlan"
              value={v.healthPlan}
              error={e.healthPlan}
              inputmode="decimal"
              hint="Part employeur et part salarié ensemble, par personne et par mois."
            />
            <Field
              label="Part payée par la coopérative (%)"
              name="healthEmployerShare"
              value={v.healthEmployerShare}
              error={e.healthEmployerShare}
              inputmode="decimal"
              hint="Au moins 50 %."
            />
          </div>
          <p class="help">La retraite complémentaire (Agirc-Arrco) est calculée aux taux légaux, sans réglage.</p>
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </Layout>
  );
}

payrollSettingsRoutes.get(PATH, async (c) => {
  requireSettings(c);
  const actor = actorOf(c);
  const s = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => payrollSettings(trx, actor));
  return c.html(<Page c={c} values={valuesOf(s.params)} saved={s.saved} />);
});

payrollSettingsRoutes.post(PATH, async (c) => {
  requireSettings(c);
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => savePayrollSettings(trx, actor, f));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(<Page c={c} values={f} errors={fieldErrors(e) ?? {}} message={e.message} saved />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Paramètres de paie enregistrés : les prochaines simulations les utilisent.' });
  return c.redirect(PATH, 303);
});
