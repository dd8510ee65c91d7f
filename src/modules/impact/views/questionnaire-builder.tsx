// The questionnaire builder's pages, plain forms (no JavaScript needed): the list, one
// questionnaire (its questions with move, edit and delete buttons, the form to add one), a
// question's edit page, and the preview (answering it checks the conditions as the real form).
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  Card,
  Checkbox,
  Csrf,
  Field,
  FormErrorSummary,
  PageHeader,
  Select,
  TextArea,
} from '../../../web/components.tsx';
import type { QuestionForm, QuestionnaireDraft, QuestionnaireListItem } from '../questionnaires.service.ts';
import { conditionValues, type Question, type QuestionnaireDef, QUESTION_TYPE_LABELS } from '../kit/questionnaire.ts';
import { type FormState, QuestionnaireFields } from './questionnaire-form.tsx';

export function QuestionnairesPage(p: {
  c: Ctx;
  list: QuestionnaireListItem[];
  errors: Record<string, string> | null;
  form: { title: string; intro: string };
}) {
  const { c, list, errors, form } = p;
  return (
    <Layout c={c} title="Questionnaires">
      <PageHeader
        title="Questionnaires"
        help="Les questionnaires servent aux enquêtes anonymes. Une fois utilisé par une vague, un questionnaire n’est plus modifié : vos changements créent une nouvelle version."
        action={
          <a class="btn secondary" href="/impact/enquetes">
            Enquêtes
          </a>
        }
      />
      <Card title="Questionnaires disponibles">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Questionnaire</th>
              <th scope="col">Questions</th>
              <th scope="col">Version</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {list.map((q) => (
              <tr>
                <td>
                  {q.builtin ? q.title : <a href={`/impact/questionnaires/${q.key}`}>{q.title}</a>}
                  {q.builtin ? <small> (intégré)</small> : null}
                </td>
                <td class="num">{q.questions}</td>
                <td class="num">
                  {q.version}
                  {!q.builtin && q.used ? <small> (utilisée)</small> : null}
                </td>
                <td>
                  <a
                    href={
                      q.builtin ? `/impact/questionnaires/modele/${q.key}` : `/impact/questionnaires/${q.key}/apercu`
                    }
                  >
                    Aperçu
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Nouveau questionnaire">
        <form method="post" action="/impact/questionnaires" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <Field label="Titre" name="title" value={form.title} error={errors?.title} required />
          <TextArea label="Introduction (facultatif)" name="intro" value={form.intro} error={errors?.intro} rows={3} />
          <button class="btn" type="submit">
            Créer
          </button>
        </form>
      </Card>
    </Layout>
  );
}

function conditionOptions(def: QuestionnaireDef, before: number): [string, string][] {
  const out: [string, string][] = [['', 'Toujours posée']];
  for (const a of def.questions.slice(0, before))
    for (const [v, label] of conditionValues(a))
      out.push([
        `${a.id}:${v}`,
        `Si « ${a.label.slice(0, 60)} » ${a.type === 'multiple' ? 'contient' : 'est'} « ${label} »`,
      ]);
  return out;
}

export function QuestionFields(p: {
  f: QuestionForm;
  errors: Record<string, string> | null;
  def: QuestionnaireDef;
  /** Questions placed before this one (the ones a condition may use). */
  before: number;
}) {
  const { f, errors } = p;
  return (
    <>
      <Select
        label="Type"
        name="type"
        value={f.type}
        options={Object.entries(QUESTION_TYPE_LABELS)}
        error={errors?.type}
      />
      <Field label="Question" name="label" value={f.label} error={errors?.label} required />
      <Field label="Aide (facultatif)" name="help" value={f.help} />
      <Checkbox label="Réponse obligatoire (si la question est posée)" name="required" checked={f.required} />
      <TextArea
        label="Réponses possibles (choix unique ou multiples), une par ligne"
        name="options"
        value={f.options}
        error={errors?.options}
        rows={4}
      />
      <fieldset>
        <legend>Échelle</legend>
        <Field label="De" name="scale_min" value={f.scale_min} inputmode="numeric" error={errors?.scale} />
        <Field label="À" name="scale_max" value={f.scale_max} inputmode="numeric" />
        <Field label="Libellé du plus petit" name="scale_min_label" value={f.scale_min_label} />
        <Field label="Libellé du plus grand" name="scale_max_label" value={f.scale_max_label} />
      </fieldset>
      <fieldset>
        <legend>Nombre</legend>
        <Field
          label="Minimum (facultatif)"
          name="number_min"
          value={f.number_min}
          error={errors?.number_min ?? errors?.number}
        />
        <Field label="Maximum (facultatif)" name="number_max" value={f.number_max} error={errors?.number_max} />
      </fieldset>
      <Select
        label="Condition"
        name="condition"
        value={f.condition}
        options={conditionOptions(p.def, p.before)}
        error={errors?.condition}
        hint="Poser cette question seulement selon la réponse à une question placée avant."
      />
    </>
  );
}

function describe(def: QuestionnaireDef, q: Question): string {
  const bits: string[] = [QUESTION_TYPE_LABELS[q.type], q.required ? 'obligatoire' : 'facultative'];
  if (q.options) bits.push(q.options.map((o) => o.label).join(' / '));
  if (q.scale) bits.push(`${q.scale.min} (${q.scale.minLabel}) à ${q.scale.max} (${q.scale.maxLabel})`);
  if (q.number && (q.number.min !== null || q.number.max !== null))
    bits.push(`entre ${q.number.min ?? '…'} et ${q.number.max ?? '…'}`);
  if (q.condition) {
    const a = def.questions.find((x) => x.id === q.condition!.question);
    const label = a ? (conditionValues(a).find(([v]) => v === q.condition!.value)?.[1] ?? '') : '';
    bits.push(`seulement si « ${a?.label ?? '?'} » ${a?.type === 'multiple' ? 'contient' : 'est'} « ${label} »`);
  }
  return bits.join(' · ');
}

const PostButton = (p: { c: Ctx; action: string; label: string; cls?: string }) => (
  <form method="post" action={p.action} class="inline">
    <Csrf token={p.c.get('csrf')} />
    <button class={p.cls ?? 'btn secondary small'} type="submit">
      {p.label}
    </button>
  </form>
);

export function QuestionnaireEditPage(p: {
  c: Ctx;
  d: QuestionnaireDraft;
  errors: Record<string, string> | null;
  form: QuestionForm;
  message?: string | null;
}) {
  const { c, d, errors, form } = p;
  const base = `/impact/questionnaires/${d.id}`;
  return (
    <Layout c={c} title={d.def.title}>
      <PageHeader
        title={d.def.title}
        help={
          d.used
            ? `Version ${d.version}, déjà utilisée par une enquête : toute modification créera la version ${d.version + 1} (les réponses déjà reçues gardent la leur).`
            : `Version ${d.version} (brouillon : modifiable tant qu’aucune enquête ne l’utilise).`
        }
        action={
          <a class="btn secondary" href={`${base}/apercu`}>
            Aperçu
          </a>
        }
      />
      {p.message ? (
        <div class="flash flash-error" role="alert">
          {p.message}
        </div>
      ) : null}
      <Card title="Titre et introduction">
        <form method="post" action={base} novalidate>
          <Csrf token={c.get('csrf')} />
          <Field label="Titre" name="title" value={d.def.title} error={errors?.title} required />
          <TextArea label="Introduction" name="intro" value={d.def.intro} error={errors?.intro} rows={3} />
          <button class="btn secondary" type="submit">
            Enregistrer
          </button>
        </form>
      </Card>
      <Card title={`Questions (${d.def.questions.length})`}>
        {d.def.questions.length ? (
          <ol class="questions">
            {d.def.questions.map((q, i) => (
              <li>
                <strong>{q.label}</strong>
                <br />
                <small>{describe(d.def, q)}</small>
                <div class="actions">
                  <a class="btn secondary small" href={`${base}/questions/${q.id}`}>
                    Modifier
                  </a>
                  {i > 0 ? <PostButton c={c} action={`${base}/questions/${q.id}/monter`} label="Monter" /> : null}
                  {i < d.def.questions.length - 1 ? (
                    <PostButton c={c} action={`${base}/questions/${q.id}/descendre`} label="Descendre" />
                  ) : null}
                  <PostButton
                    c={c}
                    action={`${base}/questions/${q.id}/supprimer`}
                    label="Supprimer"
                    cls="btn danger small"
                  />
                </div>
              </li>
            ))}
          </ol>
        ) : (
          <p>Aucune question pour l’instant.</p>
        )}
      </Card>
      <Card title="Ajouter une question">
        <form method="post" action={`${base}/questions`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors && !errors.title && !errors.intro ? errors : null} />
          <QuestionFields f={form} errors={errors} def={d.def} before={d.def.questions.length} />
          <button class="btn" type="submit">
            Ajouter
          </button>
        </form>
      </Card>
      <Card title="Versions">
        <ul>
          {d.versions.map((v) => (
            <li>
              Version {v.version} — {v.used ? 'utilisée par une enquête' : 'brouillon'}
            </li>
          ))}
        </ul>
      </Card>
    </Layout>
  );
}

export function QuestionEditPage(p: {
  c: Ctx;
  d: QuestionnaireDraft;
  qid: string;
  form: QuestionForm;
  errors: Record<string, string> | null;
}) {
  const { c, d, qid, form, errors } = p;
  const before = d.def.questions.findIndex((q) => q.id === qid);
  return (
    <Layout c={c} title="Modifier une question">
      <PageHeader title="Modifier une question" help={d.def.title} />
      <Card>
        <form method="post" action={`/impact/questionnaires/${d.id}/questions/${qid}`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <QuestionFields f={form} errors={errors} def={d.def} before={before} />
          <button class="btn" type="submit">
            Enregistrer
          </button>{' '}
          <a href={`/impact/questionnaires/${d.id}`}>Annuler</a>
        </form>
      </Card>
    </Layout>
  );
}

export function PreviewPage(p: {
  c: Ctx;
  def: QuestionnaireDef;
  action: string;
  back: string;
  state: FormState;
  errors: Record<string, string> | null;
  ok: boolean;
}) {
  const { c, def } = p;
  return (
    <Layout c={c} title={`Aperçu — ${def.title}`} scripts={['/static/survey.js']}>
      <PageHeader
        title={`Aperçu — ${def.title}`}
        help="Ce que verront les personnes. Vous pouvez répondre pour essayer : rien n’est enregistré."
        action={
          <a class="btn secondary" href={p.back}>
            Retour
          </a>
        }
      />
      {p.ok ? (
        <div class="flash flash-success" role="status">
          Réponse valable (non enregistrée : ceci est un aperçu).
        </div>
      ) : null}
      <Card title={def.title}>
        {def.intro ? <p>{def.intro}</p> : null}
        <form method="post" action={p.action} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary message={p.errors ? 'Certaines réponses sont à compléter.' : null} />
          <QuestionnaireFields def={def} state={p.state} errors={p.errors} />
          <button class="btn" type="submit">
            Essayer d’envoyer
          </button>
        </form>
      </Card>
    </Layout>
  );
}
