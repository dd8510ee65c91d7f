// The SROI calculator: one outcome (quantity × financial proxy, less deadweight, displacement and
// attribution, drop-off each later year, discounted), its present value and ratio, and the
// sensitivity table next to the ratio.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, Csrf, Field, FormErrorSummary, PageHeader } from '../../../web/components.tsx';
import { ASSUMPTION_LABELS, type SroiResult } from '../kit/sroi.ts';
import { euroText, ratioText } from './format.ts';

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

export function SroiPage(p: { c: Ctx; form: SroiForm; result: SroiResult | null; error: string | null }) {
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
        </form>
      </Card>
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
