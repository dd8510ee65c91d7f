// The ESF participants report on screen: the three tables as published (hidden cells read
// « moins de 5 »), with downloads in CSV and XLSX and, for network staff, the network scope.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, PageHeader } from '../../../web/components.tsx';
import type { EsfReportFor } from '../esf-report.service.ts';

const cellText = (v: number | null) => (v === null ? 'moins de 5' : v.toLocaleString('fr-FR'));

export function EsfReportPage(p: { c: Ctx; r: EsfReportFor; canNetwork: boolean }) {
  const { r } = p;
  const q = `annee=${r.year}${r.scope === 'network' ? '&portee=reseau' : ''}`;
  return (
    <Layout c={p.c} title="Rapport FSE" wide>
      <PageHeader
        title={`Rapport FSE — participants ${r.year}`}
        help="Les personnes entrées dans l'accompagnement (CAPE ou CESA) dans l'année, et celles qui en sont sorties. Un nombre portant sur moins de 5 personnes n'est jamais publié, ni aucun nombre qui permettrait de le retrouver par soustraction."
      />
      <form method="get" action="/impact/rapports/fse" class="filters">
        <label for="annee">Année</label>{' '}
        <input id="annee" name="annee" type="number" min="2000" value={String(r.year)} inputmode="numeric" />{' '}
        {p.canNetwork ? (
          <>
            <label for="portee">Périmètre</label>{' '}
            <select id="portee" name="portee">
              <option value="" selected={r.scope === 'cooperative'}>
                Ma coopérative
              </option>
              <option value="reseau" selected={r.scope === 'network'}>
                Tout le réseau
              </option>
            </select>{' '}
          </>
        ) : null}
        <button class="btn secondary" type="submit">
          Afficher
        </button>
      </form>
      <p>
        {r.scope === 'network' ? `Réseau : ${r.cooperatives} coopératives.` : r.scopeName}{' '}
        <a href={`/impact/rapports/fse.csv?${q}`} download>
          Télécharger en CSV
        </a>{' '}
        ·{' '}
        <a href={`/impact/rapports/fse.xlsx?${q}`} download>
          Télécharger en XLSX
        </a>
      </p>
      {r.tables.map((t) => (
        <Card title={t.title}>
          <div>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">
                    <span class="sr-only">Sexe</span>
                  </th>
                  {t.colLabels.map((l) => (
                    <th scope="col" class="num">
                      {l}
                    </th>
                  ))}
                  <th scope="col" class="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {t.rowLabels.map((l, i) => (
                  <tr>
                    <th scope="row">{l}</th>
                    {t.table.cells[i]!.map((v, j) => (
                      <td class="num" data-label={t.colLabels[j]}>
                        {cellText(v)}
                      </td>
                    ))}
                    <td class="num" data-label="Total">
                      {cellText(t.table.rowTotals[i]!)}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  {t.table.colTotals.map((v, j) => (
                    <td class="num" data-label={t.colLabels[j]}>
                      {cellText(v)}
                    </td>
                  ))}
                  <td class="num" data-label="Total">
                    {cellText(t.table.total)}
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
        </Card>
      ))}
    </Layout>
  );
}
