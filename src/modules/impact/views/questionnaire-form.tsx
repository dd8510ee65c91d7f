// A questionnaire as a form that works on a phone and without JavaScript: every question is
// on the page; a conditional one says when to answer it (the server ignores it otherwise), and
// /static/survey.js hides it while its condition is false. Errors sit beside their question.
import type { Child } from 'hono/jsx';
import type { Question, QuestionnaireDef } from '../kit/questionnaire.ts';
import { categories } from '../kit/survey-results.ts';

export type FormState = { values: Record<string, string>; all: Record<string, string[]> };
export const EMPTY_STATE: FormState = { values: {}, all: {} };

function conditionText(def: QuestionnaireDef, q: Question): string | null {
  if (!q.condition) return null;
  const a = def.questions.find((x) => x.id === q.condition!.question);
  if (!a) return null;
  const label = categories(a).find((c) => c.value === q.condition!.value)?.label ?? q.condition.value;
  return a.type === 'multiple'
    ? `À remplir seulement si vous avez coché « ${label} » à la question « ${a.label} ».`
    : `À remplir seulement si vous avez répondu « ${label} » à la question « ${a.label} ».`;
}

function QuestionField(p: { def: QuestionnaireDef; q: Question; state: FormState; error?: string }) {
  const { def, q, state, error } = p;
  const id = `q-${q.id}`;
  const cond = conditionText(def, q);
  const value = state.values[q.id] ?? '';
  const picked = state.all[q.id] ?? [];
  const described = [q.help ? `${id}-help` : '', cond ? `${id}-cond` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const head: Child = (
    <>
      {q.help ? (
        <p class="hint" id={`${id}-help`}>
          {q.help}
        </p>
      ) : null}
      {cond ? (
        <p class="hint" id={`${id}-cond`}>
          {cond}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
  const req = q.required ? (
    <span class="req" aria-hidden="true">
      {' '}
      *
    </span>
  ) : null;
  const wrap = (children: Child) => (
    <fieldset
      class={`field question${error ? ' has-error' : ''}`}
      id={id}
      data-if-question={q.condition?.question}
      data-if-value={q.condition?.value}
      aria-describedby={described || undefined}
    >
      <legend>
        {q.label}
        {req}
      </legend>
      {head}
      {children}
    </fieldset>
  );
  switch (q.type) {
    case 'single':
    case 'multiple':
      return wrap(
        (q.options ?? []).map((o) => (
          <label class="choice">
            <input
              type={q.type === 'single' ? 'radio' : 'checkbox'}
              name={q.id}
              value={o.value}
              checked={q.type === 'single' ? value === o.value : picked.includes(o.value)}
            />{' '}
            {o.label}
          </label>
        )),
      );
    case 'scale': {
      const pts = categories(q);
      const shown = q.scale?.descending ? [...pts].reverse() : pts;
      const labelled = !!q.scale?.labels;
      return wrap(
        <>
          {!labelled ? (
            <p class="hint">
              {q.scale!.min} : {q.scale!.minLabel || '—'} · {q.scale!.max} : {q.scale!.maxLabel || '—'}
            </p>
          ) : null}
          <div class={labelled ? 'scale-list' : 'scale-row'}>
            {shown.map((pt) => (
              <label class="choice">
                <input type="radio" name={q.id} value={pt.value} checked={value === pt.value} /> {pt.label}
              </label>
            ))}
          </div>
        </>,
      );
    }
    case 'number':
      return wrap(
        <input
          type="text"
          inputmode="decimal"
          name={q.id}
          value={value}
          aria-label={q.label}
          aria-invalid={error ? 'true' : undefined}
        />,
      );
    case 'short_text':
      return wrap(<input type="text" name={q.id} value={value} maxlength={300} aria-label={q.label} />);
    case 'long_text':
      return wrap(
        <textarea name={q.id} rows={5} aria-label={q.label}>
          {value}
        </textarea>,
      );
  }
}

export function QuestionnaireFields(p: {
  def: QuestionnaireDef;
  state: FormState;
  errors: Record<string, string> | null;
}) {
  return (
    <div class="questionnaire" data-questionnaire="1">
      {p.def.questions.map((q) => (
        <QuestionField def={p.def} q={q} state={p.state} error={p.errors?.[q.id]} />
      ))}
    </div>
  );
}
