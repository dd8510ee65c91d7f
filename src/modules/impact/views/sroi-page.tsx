// The SROI calculator: one outcome (quantity × financial proxy, less deadweight, displacement and
// attribution, drop-off each later year, discounted), its present value and ratio, and the
// sensitivity table next to the ratio.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, Csrf, Field, FormErrorSummary, PageHeader } from '../../../web/components.tsx';
import { ASSUMPTION_LABELS, type SroiResult } from '../kit/sroi.ts';
import { euroText, ratioText } from './format.ts';
import type { SavedScenario } from '../sroi-scenarios.ts';

export const SROI_FIELDS = [
  'name',
  'investment',
  'discount_rate',
  'quantity',
  'proxy',
  'deadweight',
  'displacement',
  'attribution',
  'drop_off',
  'duration_years',
] as const;
export type SroiForm = Record<(typeof SROI_FIELDS)[number], string>;

export function SroiPage(p: {
  c: Ctx;
  form: SroiForm;
  result: SroiResult | null;
  error: string | null;
  scenarios?: SavedScenario[];
  notice?: string | null;
  title?: string;
  titleError?: string;
}) {
  const { c, form, result, error } = p;
  return (
    <Layout c={c} title="Calcul SROI">
      <PageHeader
        title="Retour social sur investissement (SROI)"
        help="Pour un effet : quantité × valeur monétaire, moins l’effet d’aubaine, le déplacement et l’attribution, avec une érosion chaque année suivante, actualisé (3,5 % par an par défaut). Le ratio est la valeur actuelle divisée par l’investissement."
      />
      <Card title="Scénario">
        <form method="post" action="/impact/sroi" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary message={error} />
          <Field label="Effet" name="name" value={form.name} />
          <Field label="Investissement (€)" name="investment" value={form.investment} inputmode="decimal" required />
          <Field
            label="Nombre de personnes concernées"
            name="quantity"
            value={form.quantity}
            inputmode="decimal"
            required
          />
          <Field
            label="Valeur monétaire par personne et par an (€)"
            name="proxy"
            value={form.proxy}
            inputmode="decimal"
            required
          />
          <Field
            label="Effet d’aubaine (%)"
            name="deadweight"
            value={form.deadweight}
            inputmode="decimal"
            hint="Ce qui serait arrivé de toute façon."
          />
          <Field label="Déplacement (%)" name="displacement" value={form.displacement} inputmode="decimal" />
          <Field
            label="Attribution à d’autres acteurs (%)"
            name="attribution"
            value={form.attribution}
            inputmode="decimal"
          />
          <Field label="Érosion annuelle (%)" name="drop_off" value={form.drop_off} inputmode="decimal" />
          <Field label="Durée (années)" name="duration_years" value={form.duration_years} inputmode="numeric" />
          <Field label="Taux d’actualisation (%)" name="discount_rate" value={form.discount_rate} inputmode="decimal" />
          <button class="btn" type="submit">
            Calculer
          </button>
          <Field
            label="Nom du scénario (pour l’enregistrer)"
            name="scenario_title"
            value={p.title}
            error={p.titleError}
          />
          <button class="btn secondary" type="submit" name="save" value="1">
            Calculer et enregistrer le scénario
          </button>
        </form>
      </Card>
      {p.notice ? <p class="flash flash-ok">{p.notice}</p> : null}
      <ScenarioList scenarios={p.scenarios ?? []} />
      {result && (
        <Card title="Résultat">
          <p>
            Valeur actuelle des bénéfices : <strong id="sroi-pv">{euroText(result.present_value)}</strong>
            <br />
            SROI : <strong id="sroi-ratio">{ratioText(result.ratio)}</strong>
          </p>
          <table class="data">
            <caption>Sensibilité : chaque hypothèse variée seule, côté pessimiste et côté optimiste</caption>
            <thead>
              <tr>
                <th scope="col">Hypothèse</th>
                <th scope="col">Valeur actuelle (pessimiste)</th>
                <th scope="col">Ratio</th>
                <th scope="col">Valeur actuelle (optimiste)</th>
                <th scope="col">Ratio</th>
              </tr>
            </thead>
            <tbody>
              {result.sensitivity.map((s) => (
                <tr>
                  <th scope="row">{ASSUMPTION_LABELS[s.assumption]}</th>
                  <td class="num">{euroText(s.low)}</td>
                  <td class="num">{ratioText(s.ratio_low)}</td>
                  <td class="num">{euroText(s.high)}</td>
                  <td class="num">{ratioText(s.ratio_high)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </Layout>
  );
}

const FIELD_LABELS: Record<(typeof SROI_FIELDS)[number], string> = {
  name: 'Effet',
  investment: 'Investissement (€)',
  quantity: 'Personnes concernées',
  proxy: 'Valeur monétaire par personne et par an (€)',
  deadweight: 'Effet d’aubaine (%)',
  displacement: 'Déplacement (%)',
  attribution: 'Attribution (%)',
  drop_off: 'Érosion annuelle (%)',
  duration_years: 'Durée (années)',
  discount_rate: 'Taux d’actualisation (%)',
};

function ScenarioList(p: { scenarios: SavedScenario[] }) {
  if (!p.scenarios.length) return null;
  return (
    <Card title="Scénarios enregistrés">
      <form method="get" action="/impact/sroi/comparer">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Comparer</th>
              <th scope="col">Scénario</th>
              <th scope="col">Valeur actuelle</th>
              <th scope="col">SROI</th>
            </tr>
          </thead>
          <tbody>
            {p.scenarios.map((s) => (
              <tr>
                <td>
                  <input type="checkbox" name="s" value={s.id} aria-label={`Comparer ${s.title}`} />
                </td>
                <th scope="row">
                  <a href={`/impact/sroi?scenario=${s.id}`}>{s.title}</a>
                </th>
                <td class="num">{euroText(s.presentValue)}</td>
                <td class="num">{ratioText(s.ratio)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button class="btn secondary" type="submit">
          Comparer les scénarios cochés
        </button>
      </form>
    </Card>
  );
}

export function SroiComparePage(p: { c: Ctx; scenarios: SavedScenario[] }) {
  const { c, scenarios } = p;
  return (
    <Layout c={c} title="Comparer des scénarios SROI" wide>
      <PageHeader title="Comparer des scénarios SROI" />
      <table class="data">
        <thead>
          <tr>
            <th scope="col">Hypothèse</th>
            {scenarios.map((s) => (
              <th scope="col">{s.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {SROI_FIELDS.map((f) => (
            <tr>
              <th scope="row">{FIELD_LABELS[f]}</th>
              {scenarios.map((s) => (
                <td class="num">{s.form[f] ?? ''}</td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">Valeur actuelle</th>
            {scenarios.map((s) => (
              <td class="num">{euroText(s.presentValue)}</td>
            ))}
          </tr>
          <tr>
            <th scope="row">SROI</th>
            {scenarios.map((s) => (
              <td class="num">{ratioText(s.ratio)}</td>
            ))}
          </tr>
        </tbody>
      </table>
      <p>
        <a href="/impact/sroi">Retour au calcul</a>
      </p>
    </Layout>
  );
}
