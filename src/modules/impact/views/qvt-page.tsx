// The QVT lab page: per audience (entrepreneurs, support staff), the dimension scores per year
// (0–100, 100 = best), the WHO-5 mean and the number of answers; hidden under 5 answers.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, PageHeader } from '../../../web/components.tsx';
import { QVT_DIMENSIONS } from '../kit/questionnaire.ts';
import { QVT_AUDIENCES, type QvtTable, type QvtView, type SupportLoad } from '../qvt.service.ts';
import { SUPPRESSED_TEXT } from './format.ts';

const fr = (v: number | null) => (v === null ? '—' : v.toLocaleString('fr-FR'));

function Barometer(p: { table: QvtTable; years: number[]; caption: string }) {
  return (
    <>
      {QVT_AUDIENCES.map((a) => (
        <table class="data">
          <caption>
            {p.caption} — {a.label}
          </caption>
          <thead>
            <tr>
              <th scope="col">Année</th>
              <th scope="col">Réponses</th>
              {QVT_DIMENSIONS.map((d) => (
                <th scope="col">{d.label}</th>
              ))}
              <th scope="col">WHO-5</th>
            </tr>
          </thead>
          <tbody>
            {p.years.map((y) => {
              const cell = p.table[a.key][y]!;
              return (
                <tr>
                  <th scope="row">{y}</th>
                  <td class="num">{cell.n}</td>
                  {cell.suppressed ? (
                    <td colspan={QVT_DIMENSIONS.length + 1}>{SUPPRESSED_TEXT}</td>
                  ) : (
                    <>
                      {QVT_DIMENSIONS.map((d) => (
                        <td class="num">{fr(cell.scores[d.key] ?? null)}</td>
                      ))}
                      <td class="num">{fr(cell.who5)}</td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      ))}
    </>
  );
}

function LoadRow(p: { name: string; l: SupportLoad }) {
  const { l } = p;
  return (
    <tr>
      <th scope="row">{p.name}</th>
      <td class="num">{l.members}</td>
      {l.suppressed ? (
        <td colspan={2}>moins de 5 membres de l’équipe</td>
      ) : (
        <>
          <td class="num">{fr(l.median)}</td>
          <td class="num">
            {fr(l.q1)} – {fr(l.q3)}
          </td>
        </>
      )}
    </tr>
  );
}

function LoadCard(p: { v: QvtView }) {
  const { v } = p;
  return (
    <Card title="Charge des équipes d’appui">
      <p class="hint">
        Personnes suivies (entrepreneur·es et CAPE en cours) par membre de l’équipe d’appui, d’après les fiches des
        membres. Jamais par personne ; masqué sous 5 membres d’équipe.
      </p>
      <table class="data">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col">Membres de l’équipe</th>
            <th scope="col">Personnes suivies (médiane)</th>
            <th scope="col">Quartiles</th>
          </tr>
        </thead>
        <tbody>
          <LoadRow name="Votre coopérative" l={v.ownLoad} />
          {v.network ? (
            <>
              <LoadRow name="Réseau" l={v.network.pooledLoad} />
              {v.network.cooperatives.map((co) => (
                <LoadRow name={co.name} l={co.load} />
              ))}
            </>
          ) : null}
        </tbody>
      </table>
    </Card>
  );
}

export function QvtPage(p: { c: Ctx; v: QvtView }) {
  const { c, v } = p;
  return (
    <Layout c={c} title="Qualité de vie au travail" wide>
      <PageHeader
        title="Baromètre de qualité de vie au travail"
        help="Scores de 0 à 100 (100 = la meilleure situation) : charge de travail, isolement, autonomie, reconnaissance, stress administratif ; bien-être WHO-5 de 0 à 100. Réponses anonymes aux baromètres annuels ; rien n’est affiché sous 5 réponses."
        action={
          <a class="btn secondary" href="/impact/enquetes">
            Lancer un baromètre
          </a>
        }
      />
      {!v.years.length ? (
        <Card>
          <p>Aucune réponse aux baromètres pour l’instant.</p>
        </Card>
      ) : (
        <>
          <Card title="Votre coopérative">
            <Barometer table={v.own} years={v.years} caption="Votre coopérative" />
          </Card>
          {v.network ? (
            <>
              <Card title="Le réseau">
                <Barometer table={v.network.pooled} years={v.years} caption="Réseau" />
              </Card>
              {v.network.cooperatives.map((co) => (
                <Card title={co.name}>
                  <Barometer table={co.table} years={v.years} caption={co.name} />
                </Card>
              ))}
            </>
          ) : null}
        </>
      )}
      <LoadCard v={v} />
    </Layout>
  );
}
