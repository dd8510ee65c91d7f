// The questionnaire builder (/impact/questionnaires…): list and create, edit the title and
// the questions (add, modify, move, delete), preview — built-in ones too. Plain forms posting
// and redirecting back; errors come back beside their field with a 400.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors, NotFoundError, UserError } from '../../../core/errors.ts';
import type { Tx } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
import {
  addQuestion,
  builtinQuestionnaire,
  createQuestionnaire,
  deleteQuestion,
  EMPTY_QUESTION_FORM,
  formOfQuestion,
  listQuestionnaires,
  moveQuestion,
  type QuestionForm,
  questionnaireDraft,
  updateHeader,
  updateQuestion,
} from '../questionnaires.service.ts';
import { readAnswers, type QuestionnaireDef } from '../kit/questionnaire.ts';
import {
  PreviewPage,
  QuestionEditPage,
  QuestionnaireEditPage,
  QuestionnairesPage,
} from '../views/questionnaire-builder.tsx';
import { EMPTY_STATE, type FormState } from '../views/questionnaire-form.tsx';

export const questionnaireRoutes = new Hono<AppEnv>();
const dbOf = (c: Ctx) => c.get('app').odb.db;
const inTenant = <T,>(c: Ctx, fn: (tx: Tx, actor: Actor) => Promise<T>) => {
  const actor = actorOf(c);
  return withTenant(dbOf(c), actor.cooperativeId, (tx) => fn(tx as unknown as Tx, actor));
};
const qidParam = (c: Ctx) => {
  const q = c.req.param('qid') ?? '';
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(q)) throw new NotFoundError('Question');
  return q;
};

questionnaireRoutes.get('/impact/questionnaires', async (c) => {
  const list = await inTenant(c, listQuestionnaires);
  return c.html(<QuestionnairesPage c={c} list={list} errors={null} form={{ title: '', intro: '' }} />);
});
questionnaireRoutes.post('/impact/questionnaires', async (c) => {
  const f = await formValues(c);
  const form = { title: (f.title ?? '').slice(0, 300), intro: (f.intro ?? '').slice(0, 3000) };
  try {
    const id = await inTenant(c, (tx, actor) => createQuestionnaire(tx, actor, form));
    return c.redirect(`/impact/questionnaires/${id}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const list = await inTenant(c, listQuestionnaires);
    return c.html(<QuestionnairesPage c={c} list={list} errors={errors} form={form} />, 400);
  }
});

async function editPage(
  c: Ctx,
  id: string,
  errors: Record<string, string> | null,
  form: QuestionForm = EMPTY_QUESTION_FORM,
  message: string | null = null,
) {
  const d = await inTenant(c, (tx, actor) => questionnaireDraft(tx, actor, id));
  return c.html(
    <QuestionnaireEditPage c={c} d={d} errors={errors} form={form} message={message} />,
    errors || message ? 400 : 200,
  );
}

function questionForm(f: Record<string, string>): QuestionForm {
  const s = (k: keyof QuestionForm, max = 500) => (f[k] ?? '').slice(0, max);
  return {
    type: s('type', 20),
    label: s('label', 600),
    help: s('help', 600),
    required: f.required === 'on',
    options: s('options', 8000),
    scale_min: s('scale_min', 4),
    scale_max: s('scale_max', 4),
    scale_min_label: s('scale_min_label', 120),
    scale_max_label: s('scale_max_label', 120),
    number_min: s('number_min', 30),
    number_max: s('number_max', 30),
    condition: s('condition', 60),
  };
}

questionnaireRoutes.get('/impact/questionnaires/:id', (c) => editPage(c, idParam(c, 'id', 'Questionnaire'), null));
questionnaireRoutes.post('/impact/questionnaires/:id', async (c) => {
  const id = idParam(c, 'id', 'Questionnaire');
  const f = await formValues(c);
  try {
    await inTenant(c, (tx, actor) =>
      updateHeader(tx, actor, id, { title: (f.title ?? '').slice(0, 300), intro: (f.intro ?? '').slice(0, 3000) }),
    );
    return c.redirect(`/impact/questionnaires/${id}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return editPage(c, id, errors);
  }
});
questionnaireRoutes.post('/impact/questionnaires/:id/questions', async (c) => {
  const id = idParam(c, 'id', 'Questionnaire');
  const form = questionForm(await formValues(c));
  try {
    await inTenant(c, (tx, actor) => addQuestion(tx, actor, id, form));
    return c.redirect(`/impact/questionnaires/${id}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return editPage(c, id, errors, form);
  }
});

async function questionPage(
  c: Ctx,
  id: string,
  qid: string,
  form: QuestionForm | null,
  errors: Record<string, string> | null,
) {
  const d = await inTenant(c, (tx, actor) => questionnaireDraft(tx, actor, id));
  const q = d.def.questions.find((x) => x.id === qid);
  if (!q) throw new NotFoundError('Question');
  return c.html(
    <QuestionEditPage c={c} d={d} qid={qid} form={form ?? formOfQuestion(q)} errors={errors} />,
    errors ? 400 : 200,
  );
}
questionnaireRoutes.get('/impact/questionnaires/:id/questions/:qid', (c) =>
  questionPage(c, idParam(c, 'id', 'Questionnaire'), qidParam(c), null, null),
);
questionnaireRoutes.post('/impact/questionnaires/:id/questions/:qid', async (c) => {
  const id = idParam(c, 'id', 'Questionnaire');
  const qid = qidParam(c);
  const form = questionForm(await formValues(c));
  try {
    await inTenant(c, (tx, actor) => updateQuestion(tx, actor, id, qid, form));
    return c.redirect(`/impact/questionnaires/${id}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return questionPage(c, id, qid, form, errors);
  }
});

const ACTIONS = {
  monter: (tx: Tx, a: Actor, id: string, qid: string) => moveQuestion(tx, a, id, qid, -1),
  descendre: (tx: Tx, a: Actor, id: string, qid: string) => moveQuestion(tx, a, id, qid, 1),
  supprimer: deleteQuestion,
};
for (const [name, run] of Object.entries(ACTIONS))
  questionnaireRoutes.post(`/impact/questionnaires/:id/questions/:qid/${name}`, async (c) => {
    const id = idParam(c, 'id', 'Questionnaire');
    const qid = qidParam(c);
    try {
      await inTenant(c, (tx, actor) => run(tx, actor, id, qid));
      return c.redirect(`/impact/questionnaires/${id}`, 303);
    } catch (e) {
      if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
      return editPage(c, id, null, EMPTY_QUESTION_FORM, e.message);
    }
  });

/** Every field of an answer form: the last value for single fields, all values for checkboxes. */
export async function answerFormState(c: Ctx): Promise<FormState> {
  const body = await c.req.parseBody({ all: true });
  const state: FormState = { values: {}, all: {} };
  for (const [k, v] of Object.entries(body)) {
    const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string').slice(0, 40);
    if (!list.length) continue;
    state.values[k] = list[list.length - 1]!.slice(0, 5000);
    state.all[k] = list.map((x) => x.slice(0, 100));
  }
  return state;
}
/** The preview: answering it runs the same checks as the real form, and records nothing. */
function preview(c: Ctx, def: QuestionnaireDef, action: string, back: string, state: FormState | null) {
  const r = state ? readAnswers(def, state.values, state.all) : null;
  const errors = r && Object.keys(r.errors).length ? r.errors : null;
  return c.html(
    <PreviewPage
      c={c}
      def={def}
      action={action}
      back={back}
      state={state ?? EMPTY_STATE}
      errors={errors}
      ok={!!r && !errors}
    />,
    errors ? 400 : 200,
  );
}
for (const method of ['get', 'post'] as const) {
  questionnaireRoutes[method]('/impact/questionnaires/:id/apercu', async (c) => {
    const id = idParam(c, 'id', 'Questionnaire');
    const d = await inTenant(c, (tx, actor) => questionnaireDraft(tx, actor, id));
    const url = `/impact/questionnaires/${id}`;
    return preview(c, d.def, `${url}/apercu`, url, method === 'post' ? await answerFormState(c) : null);
  });
  questionnaireRoutes[method]('/impact/questionnaires/modele/:key', async (c) => {
    const key = c.req.param('key');
    const def = builtinQuestionnaire(actorOf(c), key);
    return preview(
      c,
      def,
      `/impact/questionnaires/modele/${key}`,
      '/impact/questionnaires',
      method === 'post' ? await answerFormState(c) : null,
    );
  });
}
