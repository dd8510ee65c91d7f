// The indicators dashboard: the cooperative's figures against the network median, with the
// 95 % interval of proportions and the people counted; small cells read "moins de 5 personnes".
// Network staff also see every cooperative, side by side. Network quartiles beside each figure;
// one line chart per indicator over the stored years, each downloadable as SVG.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, Csrf, PageHeader } from '../../../web/components.tsx';
import type { Dashboard } from '../dashboard.service.ts';
import { REFERENTIAL } from '../indicators.ts';
import { numberText, valueText } from './format.ts';
import { PercentBars } from './bar-chart.tsx';
import { TrendChart } from './line-chart.tsx';

export function DashboardPage(p: { c: Ctx; d: Dashboard }) {
  const { c, d } = p;
  const computed = new Date(d.computedAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' });
  return (
    <Layout c={c} title="Impact">
      <PageHeader
        title={`Indicateurs d’impact ${d.year}`}
        help="Calculés à partir des données de la plateforme. Un chiffre portant sur moins de 5 personnes n’est jamais affiché ; les proportions ont leur intervalle de confiance à 95 % (Wilson)."
        action={
          <a class="btn" href="/impact/sroi">
            Calculer un SROI
          </a>
        }
      />
      <p>
        <a href={`/impact/rapports/fse?annee=${d.year}`}>Rapport FSE (participants) {d.year}</a> ·{' '}
        <a href="/impact/rapports">Rapports et financeurs</a>
      </p>
      <form method="get" action="/impact" class="filters">
        <label for="annee">Année</label>{' '}
        <input id="annee" name="annee" type="number" min="2000" value={String(d.year)} inputmode="numeric" />{' '}
        <button class="btn secondary" type="submit">
          Afficher
        </button>
      </form>
      <Card title="Votre coopérative face au réseau">
        <p class="muted">Calculé le {computed}.</p>
        {c.req.query('recalcul') === '1' && (
          <p role="status">
            Le calcul est lancé pour toutes les coopératives ; rechargez la page dans quelques instants.
          </p>
        )}
        {d.network && (
          <form method="post" action={`/impact/recalcul?annee=${d.year}`}>
            <Csrf token={c.get('csrf')} />
            <button class="btn secondary" type="submit">
              Recalculer maintenant
            </button>
          </form>
        )}
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Indicateur</th>
              <th scope="col">Valeur</th>
              <th scope="col">Intervalle à 95 %</th>
              <th scope="col">Personnes</th>
              <th scope="col">Réseau : 1er quartile</th>
              <th scope="col">Médiane du réseau</th>
              <th scope="col">Réseau : 3e quartile</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {d.own.map((r) => (
              <tr>
                <td>{r.code}</td>
                <td title={REFERENTIAL.find((x) => x.code === r.code)?.definition}>{r.label}</td>
                <td class={r.suppressed ? 'muted' : 'num'}>{valueText(r)}</td>
                <td class="num">
                  {r.low === null ? '—' : `${numberText(r.low, r.unit)} – ${numberText(r.high, r.unit)}`}
                </td>
                <td class="num">{r.suppressed && r.n > 0 ? '< 5' : r.n}</td>
                <td class="num">{numberText(d.quartiles.get(r.code)?.q1 ?? null, r.unit)}</td>
                <td class="num">{numberText(d.medians.get(r.code) ?? null, r.unit)}</td>
                <td class="num">{numberText(d.quartiles.get(r.code)?.q3 ?? null, r.unit)}</td>
                <td>{r.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="En un coup d’œil">
        <PercentBars rows={d.own} medians={d.medians} />
        <p>
          <a href={`/impact/graphiques/barres.svg?annee=${d.year}`} download>
            Télécharger en SVG
          </a>
        </p>
      </Card>
      <Card title="Évolution sur les années">
        <p class="muted">
          Années dont les chiffres sont enregistrés ({d.trends[0]?.points.map((x) => x.year).join(', ') ?? d.year}).
          Médiane et quartiles du réseau à partir de 3 coopératives publiées.
        </p>
        <div class="charts">
          {d.trends.map((s) => (
            <figure>
              <figcaption>
                {s.code} — {s.label} ({s.unit})
              </figcaption>
              <TrendChart s={s} withNetwork={d.network !== null} />
              <a href={`/impact/graphiques/evolution-${s.code}.svg?annee=${d.year}`} download>
                Télécharger en SVG
              </a>
            </figure>
          ))}
        </div>
      </Card>
      {d.network && (
        <Card title="Toutes les coopératives du réseau">
          <div class="table-scroll">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Indicateur</th>
                  <th scope="col">Réseau</th>
                  {d.network.cooperatives.map((x) => (
                    <th scope="col">{x.cooperative.name}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {d.network.network.map((r, i) => (
                  <tr>
                    <th scope="row">
                      {r.code} {r.label}
                    </th>
                    <td class="num">
                      {valueText(r)} <span class="muted">(n = {r.n})</span>
                    </td>
                    {d.network!.cooperatives.map((x) => (
                      <td class="num">{valueText(x.rows[i]!)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      <Card title="Définitions">
        <dl>
          {REFERENTIAL.map((r) => (
            <>
              <dt>
                {r.code} — {r.label} ({r.unit})
              </dt>
              <dd>
                {r.definition} <span class="muted">Source : {r.source}.</span>
              </dd>
            </>
          ))}
        </dl>
      </Card>
    </Layout>
  );
}
