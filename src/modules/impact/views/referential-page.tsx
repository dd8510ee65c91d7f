// The referential pages: every indicator with its current version (ERP-sourced ones computed in
// code, survey-based ones written by network staff), the figures of the survey-based ones with
// the version that computed them, and the forms that add an indicator or write its next version.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, Csrf, Field, FormErrorSummary, PageHeader, Select, TextArea } from '../../../web/components.tsx';
import type { Question } from '../kit/questionnaire.ts';
import { categories } from '../kit/survey-results.ts';
import {
  AGGREGATION_LABELS,
  type IndicatorVersion,
  type ReferentialEntry,
  type SurveyFigure,
  type SurveyFiguresView,
} from '../referential.service.ts';
import { AGGREGATIONS } from '../referential.schema.ts';
import { numberText, SUPPRESSED_TEXT } from './format.ts';

export type Bindable = { key: string; title: string; questions: Question[] }[];

const figureText = (f: SurveyFigure) => (f.suppressed ? SUPPRESSED_TEXT : numberText(f.value, f.unit));
const intervalText = (f: SurveyFigure) =>
  f.suppressed || f.low === null ? '' : `${numberText(f.low, '%')} – ${numberText(f.high, '%')}`;

function sourceText(v: IndicatorVersion, bindable?: Bindable): string {
  if (v.kind === 'erp') return 'Calculé à partir des données de Radieuse';
  const q = bindable?.find((b) => b.key === v.questionnaire);
  const question = q?.questions.find((x) => x.id === v.question);
  const agg = v.aggregation ? AGGREGATION_LABELS[v.aggregation] : '';
  return `Enquête « ${q?.title ?? v.questionnaire} », question ${question ? `« ${question.label} »` : v.question} — ${agg}${
    v.matchValues.length ? ` : ${v.matchValues.join(', ')}` : ''
  }`;
}

function FiguresTable(p: { caption: string; figures: SurveyFigure[] }) {
  return (
    <table class="data">
      <caption>{p.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Code</th>
          <th scope="col">Indicateur</th>
          <th scope="col">Version</th>
          <th scope="col">Valeur</th>
          <th scope="col">Intervalle à 95 %</th>
          <th scope="col">Réponses</th>
        </tr>
      </thead>
      <tbody>
        {p.figures.map((f) => (
          <tr>
            <th scope="row">{f.code}</th>
            <td>{f.name}</td>
            <td class="num">v{f.version}</td>
            <td class="num">{figureText(f)}</td>
            <td>{intervalText(f)}</td>
            <td class="num">{f.n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReferentialPage(p: {
  c: Ctx;
  entries: ReferentialEntry[];
  figures: SurveyFiguresView;
  canEdit: boolean;
}) {
  const { c, entries, figures } = p;
  return (
    <Layout c={c} title="Référentiel d’indicateurs" wide>
      <PageHeader
        title="Référentiel d’indicateurs"
        help="Chaque indicateur garde ses versions : un chiffre dit quelle version l’a calculé. Les indicateurs d’enquête se calculent sur les réponses anonymes de l’année, jamais sous 5 réponses."
        action={
          p.canEdit ? (
            <a class="btn" href="/impact/referentiel/nouveau">
              Ajouter un indicateur d’enquête
            </a>
          ) : undefined
        }
      />
      <Card title="Indicateurs">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Nom</th>
              <th scope="col">Source</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr>
                <th scope="row">
                  <a href={`/impact/referentiel/${e.code}`}>{e.code}</a>
                </th>
                <td>{e.current.name}</td>
                <td>{e.kind === 'erp' ? 'Données de Radieuse' : 'Enquête'}</td>
                <td class="num">v{e.current.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={`Indicateurs d’enquête — ${figures.year}`}>
        {figures.own.length ? (
          <>
            <FiguresTable caption="Votre coopérative" figures={figures.own} />
            {figures.network ? (
              <>
                <FiguresTable caption="Réseau (personnes regroupées)" figures={figures.network.pooled} />
                {figures.network.cooperatives.map((co) => (
                  <FiguresTable caption={co.name} figures={co.figures} />
                ))}
              </>
            ) : null}
          </>
        ) : (
          <p>Aucun indicateur d’enquête pour l’instant.</p>
        )}
      </Card>
    </Layout>
  );
}

export interface IndicatorFormState {
  values: Record<string, string>;
  errors: Record<string, string> | null;
}

function SurveyFields(p: { bindable: Bindable; s: IndicatorFormState }) {
  const v = p.s.values;
  const e = p.s.errors ?? {};
  const questionOptions: [string, string][] = [['', '— Choisissez —']];
  for (const b of p.bindable)
    for (const q of b.questions) questionOptions.push([`${b.key}::${q.id}`, `${b.title} — ${q.label}`]);
  return (
    <>
      <Select
        label="Question"
        name="question"
        value={v.question ?? ''}
        options={questionOptions}
        error={e.question ?? e.questionnaire}
        hint="Les réponses à cette question, dans toutes les vagues de ce questionnaire, donnent le chiffre."
      />
      <Select
        label="Agrégation"
        name="aggregation"
        value={v.aggregation ?? 'share'}
        options={AGGREGATIONS.map((a) => [a, AGGREGATION_LABELS[a]])}
        error={e.aggregation}
      />
      <Field
        label="Réponses comptées (pour une part)"
        name="match_values"
        value={v.match_values}
        error={e.match_values}
        hint="Les valeurs des réponses à compter, séparées par des virgules (voir la liste ci-dessous), par exemple « 4, 5 »."
      />
      <Field label="Unité (moyenne, médiane)" name="unit" value={v.unit} error={e.unit} hint="Par défaut : points." />
      <details>
        <summary>Valeurs des réponses</summary>
        {p.bindable.map((b) => (
          <>
            <h3>{b.title}</h3>
            <ul>
              {b.questions.map((q) => (
                <li>
                  {q.label} :{' '}
                  {categories(q)
                    .map((o) => `${o.value} = ${o.label}`)
                    .join(' ; ')}
                </li>
              ))}
            </ul>
          </>
        ))}
      </details>
    </>
  );
}

export function NewIndicatorPage(p: { c: Ctx; bindable: Bindable; s: IndicatorFormState }) {
  const { c, s } = p;
  const e = s.errors ?? {};
  return (
    <Layout c={c} title="Nouvel indicateur d’enquête">
      <PageHeader title="Nouvel indicateur d’enquête" />
      <FormErrorSummary errors={s.errors} />
      <form method="post" action="/impact/referentiel" novalidate>
        <Csrf token={c.get('csrf')} />
        <Field label="Code" name="code" value={s.values.code} error={e.code} required hint="Par exemple S1." />
        <Field label="Nom" name="name" value={s.values.name} error={e.name} required />
        <TextArea label="Définition" name="definition" value={s.values.definition} error={e.definition} />
        <SurveyFields bindable={p.bindable} s={s} />
        <button type="submit" class="btn">
          Ajouter au référentiel
        </button>
      </form>
    </Layout>
  );
}

export function IndicatorPage(p: {
  c: Ctx;
  entry: ReferentialEntry;
  bindable: Bindable;
  canEdit: boolean;
  s: IndicatorFormState;
}) {
  const { c, entry, s } = p;
  const e = s.errors ?? {};
  return (
    <Layout c={c} title={`Indicateur ${entry.code}`}>
      <PageHeader title={`${entry.code} — ${entry.current.name}`} help={entry.current.definition} />
      <Card title="Versions">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Nom</th>
              <th scope="col">Définition</th>
              <th scope="col">Calcul</th>
              <th scope="col">Depuis</th>
            </tr>
          </thead>
          <tbody>
            {entry.versions.map((v) => (
              <tr>
                <th scope="row">v{v.version}</th>
                <td>{v.name}</td>
                <td>{v.definition}</td>
                <td>{sourceText(v, p.bindable)}</td>
                <td>
                  {v.createdAt ? v.createdAt.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }) : 'origine'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {p.canEdit ? (
        <Card title={`Écrire la version ${entry.current.version + 1}`}>
          <p class="hint">
            {entry.kind === 'erp'
              ? 'Le calcul de cet indicateur reste celui de Radieuse : seuls son nom et sa définition changent.'
              : 'Les chiffres déjà publiés gardent leur version ; les prochains seront calculés par celle-ci.'}
          </p>
          <FormErrorSummary errors={s.errors} />
          <form method="post" action={`/impact/referentiel/${entry.code}/versions`} novalidate>
            <Csrf token={c.get('csrf')} />
            <Field label="Nom" name="name" value={s.values.name} error={e.name} required />
            <TextArea label="Définition" name="definition" value={s.values.definition} error={e.definition} />
            {entry.kind === 'survey' ? <SurveyFields bindable={p.bindable} s={s} /> : null}
            <button type="submit" class="btn">
              Enregistrer la version {entry.current.version + 1}
            </button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}
