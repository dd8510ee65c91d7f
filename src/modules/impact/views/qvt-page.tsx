// The QVT lab page: per audience (entrepreneurs, support staff), the dimension scores per year
// (0–100, 100 = best), the WHO-5 mean and the number of answers; hidden under 5 answers.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, PageHeader } from '../../../web/components.tsx';
import { QVT_DIMENSIONS } from '../kit/questionnaire.ts';
import { QVT_AUDIENCES, type QvtTable, type QvtView, type SupportLoad } from '../qvt.service.ts';
import type { Spread, SupportActivity } from '../kit/support-activity.ts';
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

const spreadText = (s: Spread | null, unit: string) =>
  s ? `${fr(s.median)} ${unit} (quartiles ${fr(s.q1)} – ${fr(s.q3)})` : '—';

function ActivityRow(p: { name: string; a: SupportActivity }) {
  const { a } = p;
  return (
    <tr>
      <th scope="row">{p.name}</th>
      <td class="num">{a.validators}</td>
      {a.suppressed ? (
        <td colspan={4}>moins de 5 membres de l’équipe</td>
      ) : (
        <>
          <td class="num">{a.documents}</td>
          <td>{spreadText(a.perDay, 'par jour')}</td>
          <td>
            {a.hoursToValidate
              ? `${spreadText(a.hoursToValidate, 'h')} sur ${a.hoursToValidate.n} documents`
              : 'moins de 5 documents'}
          </td>
          <td>
            {a.afterHours ? `${fr(a.afterHours.percent)} % (${fr(a.afterHours.low)} – ${fr(a.afterHours.high)})` : '—'}
          </td>
        </>
      )}
    </tr>
  );
}

function ActivityCard(p: { v: QvtView }) {
  const { v } = p;
  return (
    <Card title="Validations par l’équipe d’appui (12 derniers mois)">
      <p class="hint">
        D’après le journal d’audit : factures, avoirs, notes de frais, factures fournisseurs, demandes de salaire et
        pièces d’identité validés par l’équipe (appui et direction). Documents validés par jour travaillé (médiane des
        membres), délai entre le dépôt et la validation, part des validations hors des heures de travail (avant 8 h,
        après 19 h ou le week-end, heure de Paris ; intervalle de confiance à 95 %). Jamais par personne ; masqué sous 5
        membres d’équipe.
      </p>
      <table class="data">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col">Membres ayant validé</th>
            <th scope="col">Documents validés</th>
            <th scope="col">Documents par jour</th>
            <th scope="col">Délai de validation</th>
            <th scope="col">Hors heures de travail</th>
          </tr>
        </thead>
        <tbody>
          <ActivityRow name="Votre coopérative" a={v.ownActivity} />
          {v.network ? (
            <>
              <ActivityRow name="Réseau" a={v.network.pooledActivity} />
              {v.network.cooperatives.map((co) => (
                <ActivityRow name={co.name} a={co.activity} />
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
      <ActivityCard v={v} />
    </Layout>
  );
}
