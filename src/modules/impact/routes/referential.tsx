// The referential (/impact/referentiel): every indicator and its versions; network staff add
// survey-based indicators and write next versions through these forms (no code).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { can } from '../../../core/authz.ts';
import { todayParis } from '../../../core/dates.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors } from '../../../core/errors.ts';
import type { Tx } from '../../../core/db/handles.ts';
import { IMPACT } from '../permissions.ts';
import { listQuestionnaires } from '../questionnaires.service.ts';
import {
  addIndicator,
  addIndicatorVersion,
  bindableQuestions,
  type IndicatorInput,
  referential,
  referentialEntry,
  surveyIndicatorFigures,
} from '../referential.service.ts';
import {
  type Bindable,
  IndicatorPage,
  type IndicatorFormState,
  NewIndicatorPage,
  ReferentialPage,
} from '../views/referential-page.tsx';

export const referentialRoutes = new Hono<AppEnv>();
const dbOf = (c: Ctx) => c.get('app').odb.db;

function yearOf(c: Ctx): number | null {
  const current = Number(todayParis().slice(0, 4));
  const q = c.req.query('annee');
  if (q === undefined || q === '') return current;
  if (!/^\d{4}$/.test(q)) return null;
  const y = Number(q);
  return y >= 2000 && y <= current + 1 ? y : null;
}

/** The questions an indicator may read (network staff; others get [] unless `strict`, then 403). */
async function bindableOf(c: Ctx, strict = false): Promise<Bindable> {
  const actor = actorOf(c);
  if (!strict && !can(actor, IMPACT.referentialManage)) return [];
  return withTenant(dbOf(c), actor.cooperativeId, async (tx) => {
    const qs = await listQuestionnaires(tx as unknown as Tx, actor);
    return bindableQuestions(
      tx as unknown as Tx,
      actor,
      qs.map((q) => ({ key: q.key, title: q.title })),
    );
  });
}

function inputOf(f: Record<string, string>): IndicatorInput {
  const [questionnaire = '', question = ''] = (f.question ?? '').slice(0, 120).split('::');
  return {
    code: (f.code ?? '').slice(0, 40),
    name: (f.name ?? '').slice(0, 400),
    definition: (f.definition ?? '').slice(0, 4000),
    unit: (f.unit ?? '').slice(0, 40),
    questionnaire,
    question,
    aggregation: (f.aggregation ?? '').slice(0, 20),
    matchValues: (f.match_values ?? '')
      .slice(0, 400)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

referentialRoutes.get('/impact/referentiel', async (c) => {
  const actor = actorOf(c);
  const year = yearOf(c);
  if (year === null) return c.text('Année invalide.', 400);
  const entries = await referential(dbOf(c), actor);
  const figures = await surveyIndicatorFigures(dbOf(c), actor, year);
  return c.html(
    <ReferentialPage c={c} entries={entries} figures={figures} canEdit={can(actor, IMPACT.referentialManage)} />,
  );
});

const empty: IndicatorFormState = { values: {}, errors: null };
referentialRoutes.get('/impact/referentiel/nouveau', async (c) => {
  const bindable = await bindableOf(c, true);
  return c.html(<NewIndicatorPage c={c} bindable={bindable} s={empty} />);
});
referentialRoutes.post('/impact/referentiel', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    const code = await addIndicator(dbOf(c), actor, inputOf(f));
    return c.redirect(`/impact/referentiel/${code}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<NewIndicatorPage c={c} bindable={await bindableOf(c)} s={{ values: f, errors }} />, 400);
  }
});

async function indicatorPage(c: Ctx, s?: IndicatorFormState) {
  const actor = actorOf(c);
  const entry = await referentialEntry(dbOf(c), actor, c.req.param('code') ?? '');
  const v = entry.current;
  const state = s ?? {
    values: {
      name: v.name,
      definition: v.definition,
      unit: v.unit,
      question: v.questionnaire ? `${v.questionnaire}::${v.question}` : '',
      aggregation: v.aggregation ?? 'share',
      match_values: v.matchValues.join(', '),
    },
    errors: null,
  };
  return c.html(
    <IndicatorPage
      c={c}
      entry={entry}
      bindable={await bindableOf(c)}
      canEdit={can(actor, IMPACT.referentialManage)}
      s={state}
    />,
    s ? 400 : 200,
  );
}
referentialRoutes.get('/impact/referentiel/:code', (c) => indicatorPage(c));
referentialRoutes.post('/impact/referentiel/:code/versions', async (c) => {
  const actor = actorOf(c);
  const code = c.req.param('code');
  const f = await formValues(c);
  try {
    await addIndicatorVersion(dbOf(c), actor, code, inputOf(f));
    return c.redirect(`/impact/referentiel/${code}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return indicatorPage(c, { values: f, errors });
  }
});
