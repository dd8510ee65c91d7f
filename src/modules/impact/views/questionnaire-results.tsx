// One wave's aggregated results: per question the counts and shares (95 % Wilson interval),
// mean and median for scales and numbers, free texts for network analysts only; a cross-table
// of two questions; nothing under 5 people.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, PageHeader } from '../../../web/components.tsx';
import type { SurveyResultsView } from '../surveys.service.ts';
import { WAVE_KIND_LABELS } from '../surveys.service.ts';
import type { QuestionResult } from '../kit/survey-results.ts';
import { SUPPRESSED_TEXT } from './format.ts';

const fr = (v: number | null | undefined, unit = '') =>
  v === null || v === undefined ? '—' : `${v.toLocaleString('fr-FR')}${unit}`;
const HIDDEN = 'masqué';

function QuestionBlock(p: { q: QuestionResult }) {
  const { q } = p;
  return (
    <section class="question-result">
      <h3>{q.label}</h3>
      <p class="hint">
        {q.n} réponse{q.n > 1 ? 's' : ''}
        {q.suppressed ? ` — ${SUPPRESSED_TEXT} : résultats masqués` : ''}
      </p>
      {q.options && !q.suppressed ? (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Réponse</th>
              <th scope="col">Personnes</th>
              <th scope="col">Part</th>
              <th scope="col">Intervalle à 95 %</th>
            </tr>
          </thead>
          <tbody>
            {q.options.map((o) => (
              <tr>
                <td>{o.label}</td>
                <td class="num">{o.count === null ? HIDDEN : o.count}</td>
                <td class="num">{o.count === null ? HIDDEN : fr(o.share, ' %')}</td>
                <td class="num">{o.count === null ? HIDDEN : `${fr(o.low, ' %')} – ${fr(o.high, ' %')}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {(q.type === 'scale' || q.type === 'number') && !q.suppressed ? (
        <p>
          Moyenne : <strong>{fr(q.mean)}</strong> · médiane : <strong>{fr(q.median)}</strong>
        </p>
      ) : null}
      {q.type === 'short_text' || q.type === 'long_text' ? (
        q.texts ? (
          <ul class="free-texts">
            {q.texts.map((t) => (
              <li>{t}</li>
            ))}
          </ul>
        ) : (
          <p class="hint">
            {q.textsHidden === 'permission'
              ? 'Les réponses libres ne sont lues que par les analystes du réseau.'
              : 'Réponses libres masquées : moins de 5 personnes.'}
          </p>
        )
      ) : null}
    </section>
  );
}

export function SurveyResultsPage(p: { c: Ctx; v: SurveyResultsView }) {
  const { c, v } = p;
  const s = v.summary;
  const crossable = v.def.questions.filter((q) => q.type === 'single' || q.type === 'scale');
  return (
    <Layout c={c} title={s.title}>
      <PageHeader
        title={s.title}
        help={`${s.questionnaireTitle} (version ${s.version}) · ${WAVE_KIND_LABELS[s.kind]}. Les résultats ne sont jamais montrés par personne ; tout chiffre sur moins de 5 personnes est masqué.`}
        action={
          <a class="btn secondary" href={`/impact/enquetes/${s.id}/resultats.csv`}>
            Télécharger (CSV agrégé)
          </a>
        }
      />
      <Card title="Participation">
        <p>
          {s.answers} réponse{s.answers > 1 ? 's' : ''} sur {s.links} liens · taux de réponse {fr(s.rate, ' %')}
        </p>
        {v.results.who5 ? (
          <p>
            WHO-5 moyen (0–100) :{' '}
            <strong>{v.results.who5.mean === null ? SUPPRESSED_TEXT : fr(v.results.who5.mean)}</strong>
            {v.results.who5.poorShare !== null
              ? ` · bien-être faible (≤ 50) : ${fr(v.results.who5.poorShare, ' %')} (${fr(v.results.who5.poorLow, ' %')} – ${fr(v.results.who5.poorHigh, ' %')})`
              : ''}
          </p>
        ) : null}
      </Card>
      <Card title="Résultats par question">
        {v.results.questions.map((q) => (
          <QuestionBlock q={q} />
        ))}
      </Card>
      {crossable.length >= 2 ? (
        <Card title="Croiser deux questions">
          <form method="get" action={`/impact/enquetes/${s.id}`}>
            <label>
              Lignes{' '}
              <select name="croiser">
                {crossable.map((q) => (
                  <option value={q.id}>{q.label}</option>
                ))}
              </select>
            </label>{' '}
            <label>
              Colonnes{' '}
              <select name="par">
                {crossable.map((q, i) => (
                  <option value={q.id} selected={i === 1}>
                    {q.label}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button class="btn secondary" type="submit">
              Croiser
            </button>
          </form>
          {v.cross ? (
            <table class="data">
              <thead>
                <tr>
                  <th scope="col"></th>
                  {v.cross.cols.map((col) => (
                    <th scope="col">{col.label}</th>
                  ))}
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {v.cross.rows.map((r, i) => (
                  <tr>
                    <th scope="row">{r.label}</th>
                    {v.cross!.cells[i]!.map((x) => (
                      <td class="num">{x === null ? HIDDEN : x}</td>
                    ))}
                    <td class="num">{v.cross!.rowTotals[i] ?? HIDDEN}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">Total</th>
                  {v.cross.colTotals.map((x) => (
                    <td class="num">{x ?? HIDDEN}</td>
                  ))}
                  <td class="num">{v.cross.total ?? HIDDEN}</td>
                </tr>
              </tbody>
            </table>
          ) : null}
        </Card>
      ) : null}
    </Layout>
  );
}
