// Surveys: the team's page (/impact/enquetes) and the public answer page (/enquete/:token, no
// account). A used, unknown or malformed link answers 404.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors, UserError } from '../../../core/errors.ts';
import type { Tx } from '../../../core/db/handles.ts';
import { answerSurvey, createSurvey, surveyOfLink, surveySummaries } from '../surveys.service.ts';
import { AnswerPage, SurveysPage, ThanksPage } from '../views/surveys-page.tsx';

export const surveyRoutes = new Hono<AppEnv>();
const dbOf = (c: Ctx) => c.get('app').odb.db;

async function listPage(
  c: Ctx,
  created: { title: string; links: string[] } | null,
  errors: Record<string, string> | null,
) {
  const actor = actorOf(c);
  const surveys = await withTenant(dbOf(c), actor.cooperativeId, (tx) => surveySummaries(tx as unknown as Tx, actor));
  return c.html(<SurveysPage c={c} surveys={surveys} created={created} errors={errors} />, errors ? 400 : 200);
}

surveyRoutes.get('/impact/enquetes', (c) => listPage(c, null, null));
surveyRoutes.post('/impact/enquetes', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  const links = /^\d{1,5}$/.test((f.links ?? '').trim()) ? Number(f.links) : Number.NaN;
  try {
    const title = (f.title ?? '').trim();
    const r = await withTenant(dbOf(c), actor.cooperativeId, (tx) =>
      createSurvey(tx as unknown as Tx, actor, { title, links }),
    );
    const base = c.get('app').config.publicUrl.replace(/\/$/, '');
    return listPage(c, { title, links: r.tokens.map((t) => `${base}/enquete/${t}`) }, null);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return listPage(c, null, errors);
  }
});

surveyRoutes.get('/enquete/:token', async (c) => {
  const token = c.req.param('token');
  const s = await surveyOfLink(dbOf(c), token);
  return c.html(<AnswerPage c={c} title={s.title} token={token} error={null} />);
});
surveyRoutes.post('/enquete/:token', async (c) => {
  const token = c.req.param('token');
  const s = await surveyOfLink(dbOf(c), token);
  const f = await formValues(c);
  const items = [0, 1, 2, 3, 4].map((i) => (/^[0-5]$/.test(f[`q${i}`] ?? '') ? Number(f[`q${i}`]) : Number.NaN));
  try {
    await answerSurvey(dbOf(c), token, items);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(<AnswerPage c={c} title={s.title} token={token} error={e.message} />, 400);
  }
  return c.html(<ThanksPage c={c} />);
});
