// Surveys: the team's page (/impact/enquetes: open a wave, list them), one wave's aggregated
// results (/impact/enquetes/:id, its CSV), and the public answer page (/enquete/:token, no
// account). A used, unknown or malformed link answers 404.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors } from '../../../core/errors.ts';
import type { Tx } from '../../../core/db/handles.ts';
import {
  createSurvey,
  resultsCsv,
  submitAnswer,
  surveyOfLink,
  surveyResults,
  surveySummaries,
} from '../surveys.service.ts';
import { listQuestionnaires } from '../questionnaires.service.ts';
import { myInvitations, openMyInvitation, optOutByLink, optOutMine, sendListCounts } from '../reminders.service.ts';
import {
  AnswerPage,
  ClosedPage,
  MyInvitationsPage,
  OptOutPage,
  SurveysPage,
  ThanksPage,
} from '../views/surveys-page.tsx';
import { SurveyResultsPage } from '../views/questionnaire-results.tsx';
import { EMPTY_STATE } from '../views/questionnaire-form.tsx';
import { answerFormState } from './questionnaires.tsx';

export const surveyRoutes = new Hono<AppEnv>();
const dbOf = (c: Ctx) => c.get('app').odb.db;

async function listPage(
  c: Ctx,
  created: { title: string; links: string[] } | null,
  errors: Record<string, string> | null,
  form?: Record<string, string>,
) {
  const actor = actorOf(c);
  const [surveys, questionnaires, sendLists] = await withTenant(dbOf(c), actor.cooperativeId, async (tx) => [
    await surveySummaries(tx as unknown as Tx, actor),
    await listQuestionnaires(tx as unknown as Tx, actor),
    await sendListCounts(tx as unknown as Tx, actor),
  ]);
  return c.html(
    <SurveysPage
      c={c}
      surveys={surveys}
      created={created}
      errors={errors}
      questionnaires={questionnaires}
      form={form}
      sendLists={sendLists}
    />,
    errors ? 400 : 200,
  );
}

surveyRoutes.get('/impact/enquetes', (c) => listPage(c, null, null));
surveyRoutes.post('/impact/enquetes', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  const links = /^\d{1,5}$/.test((f.links ?? '').trim()) ? Number(f.links) : Number.NaN;
  const maxReminders = /^\d{1,2}$/.test((f.max_reminders ?? '2').trim()) ? Number(f.max_reminders ?? 2) : Number.NaN;
  const base = c.get('app').config.publicUrl.replace(/\/$/, '');
  try {
    const title = (f.title ?? '').trim();
    const r = await withTenant(dbOf(c), actor.cooperativeId, (tx) =>
      createSurvey(tx as unknown as Tx, actor, {
        title,
        links,
        questionnaire: (f.questionnaire ?? 'who5').slice(0, 60),
        kind: (f.kind ?? '').slice(0, 20),
        opensOn: (f.opens_on ?? '').trim().slice(0, 20),
        closesOn: (f.closes_on ?? '').trim().slice(0, 20),
        audience: (f.audience ?? '').slice(0, 20),
        emails: (f.emails ?? '').slice(0, 200_000),
        maxReminders,
        publicUrl: base,
      }),
    );
    return listPage(c, { title, links: r.tokens.map((t) => `${base}/enquete/${t}`) }, null);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return listPage(c, null, errors, f);
  }
});

const questionParam = (c: Ctx, name: string) => {
  const v = c.req.query(name);
  return v && /^[a-z][a-z0-9_]{0,30}$/.test(v) ? v : undefined;
};

async function resultsOf(c: Ctx) {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Enquête');
  const rows = questionParam(c, 'croiser');
  const cols = questionParam(c, 'par');
  return withTenant(dbOf(c), actor.cooperativeId, (tx) =>
    surveyResults(tx as unknown as Tx, actor, id, rows && cols ? { rows, cols } : undefined),
  );
}

surveyRoutes.get('/impact/enquetes/:id', async (c) => c.html(<SurveyResultsPage c={c} v={await resultsOf(c)} />));
surveyRoutes.get('/impact/enquetes/:id/resultats.csv', async (c) => {
  const v = await resultsOf(c);
  return c.body(resultsCsv(v), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': 'attachment; filename="resultats-enquete.csv"',
  });
});

surveyRoutes.get('/enquete/:token', async (c) => {
  const token = c.req.param('token');
  const s = await surveyOfLink(dbOf(c), token);
  if (s.state !== 'open') return c.html(<ClosedPage c={c} survey={s} />, 410);
  return c.html(<AnswerPage c={c} survey={s} token={token} state={EMPTY_STATE} errors={null} />);
});
surveyRoutes.post('/enquete/:token', async (c) => {
  const token = c.req.param('token');
  const s = await surveyOfLink(dbOf(c), token);
  if (s.state !== 'open') return c.html(<ClosedPage c={c} survey={s} />, 410);
  const state = await answerFormState(c);
  const errors = await submitAnswer(dbOf(c), token, state.values, state.all);
  if (errors) return c.html(<AnswerPage c={c} survey={s} token={token} state={state} errors={errors} />, 400);
  return c.html(<ThanksPage c={c} />);
});

// A member's own invitations: a fresh one-time link on « Répondre », or no more reminders.
async function invitationsPage(c: Ctx, notice?: string) {
  const actor = actorOf(c);
  const invitations = await withTenant(dbOf(c), actor.cooperativeId, (tx) => myInvitations(tx as unknown as Tx, actor));
  return c.html(<MyInvitationsPage c={c} invitations={invitations} notice={notice} />);
}
surveyRoutes.get('/impact/mes-enquetes', (c) => invitationsPage(c));
surveyRoutes.post('/impact/mes-enquetes/:id/repondre', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Enquête');
  const link = await withTenant(dbOf(c), actor.cooperativeId, (tx) => openMyInvitation(tx as unknown as Tx, actor, id));
  return c.redirect(`/enquete/${link}`, 303);
});
surveyRoutes.post('/impact/mes-enquetes/:id/sans-relance', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Enquête');
  await withTenant(dbOf(c), actor.cooperativeId, (tx) => optOutMine(tx as unknown as Tx, actor, id));
  return invitationsPage(c, 'C’est noté : vous ne serez plus relancé·e pour cette enquête.');
});
surveyRoutes.get('/enquete/:token/sans-relance', (c) => {
  const token = c.req.param('token');
  if (!/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{32}$/.test(token)) return c.text('Enquête introuvable.', 404);
  return c.html(<OptOutPage c={c} token={token} done={false} />);
});
surveyRoutes.post('/enquete/:token/sans-relance', async (c) => {
  const token = c.req.param('token');
  await optOutByLink(dbOf(c), token);
  return c.html(<OptOutPage c={c} token={token} done={true} />);
});
