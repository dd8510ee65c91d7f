// The salary simulation in plain words: employer cost → gross → net, line by line.
import { formatEuros } from '../../../../core/money.ts';
import { Card } from '../../../../web/components.tsx';
import type { SalarySimulation } from '../salary-engine.ts';

const pct = (bp: number) => `${(bp / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })} %`;

export function Breakdown(p: { sim: SalarySimulation }) {
  const { sim } = p;
  const params = sim.input.params;
  return (
    <Card title="Votre simulation">
      <div class="grid">
        <div class="figure">
          <span class="figure-label">Ce que vous coûtez à la coopérative</span>
          <span class="figure-value">{formatEuros(sim.employerCostCents)}</span>
        </div>
        <div class="figure">
          <span class="figure-label">Votre salaire brut</span>
          <span class="figure-value">{formatEuros(sim.grossCents)}</span>
        </div>
        <div class="figure figure-ok">
          <span class="figure-label">Ce que vous recevez sur votre compte (net avant impôt)</span>
          <span class="figure-value">{formatEuros(sim.netBeforeTaxCents)}</span>
        </div>
      </div>
      <table class="data" aria-label="Détail du calcul">
        <thead>
          <tr>
            <th scope="col">Étape</th>
            <th scope="col" class="num">
              Montant par mois
            </th>
          </tr>
        </thead>
        <tbody>
          {sim.lines.map((l) => (
            <tr class={`salary-${l.kind}`}>
              {l.kind === 'total' ? (
                <th scope="row">{l.label}</th>
              ) : (
                <td>{l.kind === 'detail' ? <span class="muted">{l.label}</span> : <>− {l.label}</>}</td>
              )}
              <td class="num" data-label="Montant">
                {l.kind === 'minus' ? (
                  `− ${formatEuros(l.amountCents)}`
                ) : l.kind === 'detail' ? (
                  <span class="muted">{formatEuros(l.amountCents)}</span>
                ) : (
                  <strong>{formatEuros(l.amountCents)}</strong>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="help">
        Cotisations sociales au total : {formatEuros(sim.employerContributionsCents + sim.employeeContributionsCents)}{' '}
        par mois ({formatEuros(sim.employerContributionsCents)} payées par la coopérative,{' '}
        {formatEuros(sim.employeeContributionsCents)} retenues sur votre brut).
        {sim.input.hoursPerMonth !== null
          ? ` Temps partiel : ${String(sim.input.hoursPerMonth).replace('.', ',')} heures par mois.`
          : ' Temps plein.'}
        {sim.input.contract === 'CDD' ? ` CDD de ${sim.input.cddMonths} mois.` : ' CDI.'}
      </p>
      <p class="muted">
        Estimation avec les règles officielles de l’URSSAF (modèle social de mon-entreprise.urssaf.fr)
        {params
          ? ` et les paramètres de la coopérative : effectif ${params.headcountBand}, versement mobilité ${pct(params.mobilityRateBp)}${params.commune ? ` (${params.commune})` : ''}, taux AT/MP ${params.atmpRateBp === null ? 'collectif' : pct(params.atmpRateBp)}, mutuelle ${formatEuros(params.healthPlanMonthlyCents)} par mois payée à ${pct(params.healthEmployerShareBp)} par la coopérative`
          : ''}
        . L’impôt sur le revenu (prélèvement à la source) n’est pas déduit. Le bulletin de paie définitif est établi par
        le service paie.
      </p>
    </Card>
  );
}
