// The referential as versioned data. Network staff add survey-based indicators (a question of a
// questionnaire and an aggregation) and new versions of them, and new versions of the name and
// definition of the ERP-sourced ones (their computation stays in indicators.ts). A version is
// never changed: the next edit writes version + 1, and each figure says which version computed
// it. Figures: the answers of the year to the waves of that questionnaire, suppressed under 5
// answers; for network staff, each cooperative with secondary suppression and the network pooled.
import type { Db, Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { audit } from '../../core/audit.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { isUuid } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { getCooperative, listCooperatives } from '../directory/index.ts';
import { impactDb } from './db.ts';
import { IMPACT } from './permissions.ts';
import { REFERENTIAL } from './indicators.ts';
import { type Answers, type Question, type QuestionnaireDef, builtinDef, isBuiltin } from './kit/questionnaire.ts';
import { categories } from './kit/survey-results.ts';
import { median, wilson } from './kit/stats.ts';
import { MIN_PEOPLE, suppressWithTotal } from './kit/suppression.ts';
import { questionnaireDraft } from './questionnaires.service.ts';
import { AGGREGATIONS, type Aggregation } from './referential.schema.ts';

export const AGGREGATION_LABELS: Record<Aggregation, string> = {
  share: 'Part des réponses choisies (%)',
  mean: 'Moyenne',
  median: 'Médiane',
};

export interface IndicatorVersion {
  code: string;
  version: number;
  kind: 'survey' | 'erp';
  name: string;
  definition: string;
  unit: string;
  questionnaire: string | null;
  question: string | null;
  aggregation: Aggregation | null;
  matchValues: string[];
  createdAt: Date | null;
}

export interface ReferentialEntry {
  code: string;
  kind: 'survey' | 'erp';
  /** The latest version (for ERP indicators without a stored version: the one in code, version 1). */
  current: IndicatorVersion;
  versions: IndicatorVersion[];
}

const CODE_RE = /^[A-Za-z][A-Za-z0-9_]{0,15}$/;

async function networkOf(db: Db | Tx, actor: Actor): Promise<string> {
  const coop = await getCooperative(db, actor.cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  return coop.networkId;
}

type DefRow = {
  code: string;
  version: number;
  kind: 'survey' | 'erp';
  name: string;
  definition: string;
  unit: string;
  questionnaire: string | null;
  question: string | null;
  aggregation: Aggregation | null;
  match_values: string[] | null;
  created_at: Date;
  cooperative_id: string;
};
const toVersion = (r: DefRow): IndicatorVersion => ({
  code: r.code,
  version: r.version,
  kind: r.kind,
  name: r.name,
  definition: r.definition,
  unit: r.unit,
  questionnaire: r.questionnaire,
  question: r.question,
  aggregation: r.aggregation,
  matchValues: r.match_values ?? [],
  createdAt: r.created_at,
});

/** Every stored version of the network's referential (system read: the network spans cooperatives). */
async function storedRows(db: Db, networkId: string): Promise<DefRow[]> {
  return withSystem(db, (tx) =>
    impactDb(tx as unknown as Tx)
      .selectFrom('impact_indicator_def')
      .select([
        'cooperative_id',
        'code',
        'version',
        'kind',
        'name',
        'definition',
        'unit',
        'questionnaire',
        'question',
        'aggregation',
        'match_values',
        'created_at',
      ])
      .where('network_id', '=', networkId)
      .orderBy('code')
      .orderBy('version', 'desc')
      .execute(),
  );
}

/** The whole referential: the ERP indicators (code, with their versioned wording) and the survey-based ones. */
export async function referential(db: Db, actor: Actor): Promise<ReferentialEntry[]> {
  authorize(actor, IMPACT.indicatorsRead);
  const rows = await storedRows(db, await networkOf(db, actor));
  const entries: ReferentialEntry[] = [];
  for (const d of REFERENTIAL) {
    const base: IndicatorVersion = {
      code: d.code,
      version: 1,
      kind: 'erp',
      name: d.label,
      definition: d.definition,
      unit: d.unit,
      questionnaire: null,
      question: null,
      aggregation: null,
      matchValues: [],
      createdAt: null,
    };
    const stored = rows.filter((r) => r.code === d.code && r.kind === 'erp').map(toVersion);
    const versions = [...stored, base];
    entries.push({ code: d.code, kind: 'erp', current: versions[0]!, versions });
  }
  const surveyCodes = [...new Set(rows.filter((r) => r.kind === 'survey').map((r) => r.code))];
  for (const code of surveyCodes) {
    const versions = rows.filter((r) => r.code === code).map(toVersion);
    entries.push({ code, kind: 'survey', current: versions[0]!, versions });
  }
  return entries;
}

export async function referentialEntry(db: Db, actor: Actor, code: string): Promise<ReferentialEntry> {
  authorize(actor, IMPACT.indicatorsRead);
  const e = CODE_RE.test(code) ? (await referential(db, actor)).find((x) => x.code === code) : undefined;
  if (!e) throw new NotFoundError('Indicateur');
  return e;
}

export interface IndicatorInput {
  code?: string;
  name: string;
  definition: string;
  unit?: string;
  questionnaire?: string;
  question?: string;
  aggregation?: string;
  matchValues?: string[];
}

/** The questionnaire a survey-based indicator reads: a built-in one or one of the actor's cooperative. */
async function questionnaireOf(tx: Tx, actor: Actor, key: string): Promise<QuestionnaireDef | null> {
  if (isBuiltin(key)) return builtinDef(key);
  if (!isUuid(key)) return null;
  return (await questionnaireDraft(tx, actor, key).catch(() => null))?.def ?? null;
}

async function checkInput(tx: Tx, actor: Actor, kind: 'survey' | 'erp', input: IndicatorInput) {
  const errors: Record<string, string> = {};
  const name = input.name.trim();
  const definition = input.definition.trim();
  if (name.length < 3 || name.length > 200) errors.name = 'Indiquez un nom (3 à 200 caractères).';
  if (definition.length < 10 || definition.length > 2000)
    errors.definition = 'Écrivez la définition (10 à 2 000 caractères) : ce qui est compté, sur qui.';
  let survey: {
    questionnaire: string;
    question: string;
    aggregation: Aggregation;
    matchValues: string[];
    unit: string;
  } | null = null;
  if (kind === 'survey') {
    const def = await questionnaireOf(tx, actor, input.questionnaire ?? '');
    const q = def?.questions.find((x) => x.id === input.question);
    const aggregation = input.aggregation as Aggregation;
    if (!def) errors.questionnaire = 'Choisissez un questionnaire.';
    else if (!q) errors.question = 'Choisissez une question de ce questionnaire.';
    if (!AGGREGATIONS.includes(aggregation)) errors.aggregation = 'Choisissez comment agréger les réponses.';
    else if (q) {
      const numeric = q.type === 'scale' || q.type === 'number';
      const choice = q.type === 'single' || q.type === 'multiple' || q.type === 'scale';
      if (aggregation !== 'share' && !numeric)
        errors.aggregation = 'Moyenne et médiane ne valent que pour une échelle ou un nombre.';
      if (aggregation === 'share' && !choice) errors.aggregation = 'Une part se calcule sur un choix ou une échelle.';
    }
    const allowed = q ? categories(q).map((c) => c.value) : [];
    const matchValues = [...new Set((input.matchValues ?? []).filter((v) => allowed.includes(v)))];
    if (aggregation === 'share' && q && !matchValues.length)
      errors.match_values = 'Cochez au moins une réponse à compter.';
    const unit = aggregation === 'share' ? '%' : (input.unit ?? '').trim() || 'points';
    if (unit.length > 20) errors.unit = 'Unité trop longue (20 caractères au plus).';
    if (def && q && AGGREGATIONS.includes(aggregation))
      survey = {
        questionnaire: input.questionnaire!,
        question: q.id,
        aggregation,
        matchValues: aggregation === 'share' ? matchValues : [],
        unit,
      };
  }
  const first = Object.entries(errors)[0];
  if (first) throw new UserError(first[1], first[0], errors);
  return { name, definition, survey };
}

async function insertVersion(
  tx: Tx,
  actor: Actor,
  networkId: string,
  code: string,
  version: number,
  kind: 'survey' | 'erp',
  c: Awaited<ReturnType<typeof checkInput>>,
  unit: string,
) {
  await impactDb(tx)
    .insertInto('impact_indicator_def')
    .values({
      cooperative_id: actor.cooperativeId,
      network_id: networkId,
      code,
      version,
      kind,
      name: c.name,
      definition: c.definition,
      unit: c.survey?.unit ?? unit,
      questionnaire: c.survey?.questionnaire ?? null,
      question: c.survey?.question ?? null,
      aggregation: c.survey?.aggregation ?? null,
      match_values: c.survey ? c.survey.matchValues : null,
      created_by: actor.userId,
    })
    .execute();
  await audit(tx, actor, {
    action: 'impact.referential.version',
    targetType: 'impact_indicator_def',
    targetId: `${code}@${version}`,
    data: { kind },
  });
}

/** A new survey-based indicator (network staff), version 1. */
export async function addIndicator(db: Db, actor: Actor, input: IndicatorInput): Promise<string> {
  authorize(actor, IMPACT.referentialManage);
  const code = (input.code ?? '').trim();
  const networkId = await networkOf(db, actor);
  const existing = await storedRows(db, networkId);
  const clash = !CODE_RE.test(code)
    ? 'Code : une lettre puis lettres, chiffres ou _ (16 caractères au plus).'
    : REFERENTIAL.some((d) => d.code.toLowerCase() === code.toLowerCase()) ||
        existing.some((r) => r.code.toLowerCase() === code.toLowerCase())
      ? 'Ce code existe déjà dans le référentiel.'
      : null;
  return withTenant(db, actor.cooperativeId, async (t) => {
    const tx = t as unknown as Tx;
    let checked: Awaited<ReturnType<typeof checkInput>>;
    try {
      checked = await checkInput(tx, actor, 'survey', input);
    } catch (e) {
      if (!(e instanceof UserError) || !clash) throw e;
      throw new UserError(clash, 'code', e.fields);
    }
    if (clash) throw new UserError(clash, 'code');
    await insertVersion(tx, actor, networkId, code, 1, 'survey', checked, '');
    return code;
  });
}

/** The next version of an indicator: survey-based (everything) or ERP-sourced (name and definition). */
export async function addIndicatorVersion(db: Db, actor: Actor, code: string, input: IndicatorInput): Promise<number> {
  authorize(actor, IMPACT.referentialManage);
  const entry = await referentialEntry(db, actor, code);
  const networkId = await networkOf(db, actor);
  return withTenant(db, actor.cooperativeId, async (t) => {
    const tx = t as unknown as Tx;
    const checked = await checkInput(tx, actor, entry.kind, input);
    const version = entry.current.version + 1;
    await insertVersion(tx, actor, networkId, entry.code, version, entry.kind, checked, entry.current.unit);
    return version;
  });
}

export interface SurveyFigure {
  code: string;
  /** The referential version that computed the figure. */
  version: number;
  name: string;
  unit: string;
  n: number;
  value: number | null;
  low: number | null;
  high: number | null;
  suppressed: boolean;
}

/** The question's values in the answers of the year to the waves of a questionnaire. */
async function answersFor(tx: Tx, cooperativeId: string, v: IndicatorVersion, year: number): Promise<Answers[]> {
  const trx = impactDb(tx);
  let q = trx
    .selectFrom('impact_survey_answer as a')
    .innerJoin('impact_survey as s', (j) =>
      j.onRef('s.cooperative_id', '=', 'a.cooperative_id').onRef('s.id', '=', 'a.survey_id'),
    )
    .select(['a.answers'])
    .where('a.cooperative_id', '=', cooperativeId)
    .where('a.answered_on', '>=', `${year}-01-01`)
    .where('a.answered_on', '<=', `${year}-12-31`);
  const key = v.questionnaire ?? '';
  q = isBuiltin(key) ? q.where('s.questionnaire', '=', key as never) : q.where('s.questionnaire_id', '=', key);
  return (await q.execute()).map((r) => r.answers ?? {});
}

interface Pooled {
  x: number;
  n: number;
  values: number[];
}
function pool(v: IndicatorVersion, all: Answers[]): Pooled {
  const p: Pooled = { x: 0, n: 0, values: [] };
  for (const a of all) {
    const got = a[v.question ?? ''];
    if (got === undefined || got === '' || (Array.isArray(got) && !got.length)) continue;
    p.n++;
    if (v.aggregation === 'share') {
      const picked = Array.isArray(got) ? got.map(String) : [String(got)];
      if (picked.some((x) => v.matchValues.includes(x))) p.x++;
    } else {
      const num = typeof got === 'number' ? got : Number(got);
      if (Number.isFinite(num)) p.values.push(num);
    }
  }
  return p;
}
const r1 = (x: number) => Math.round(x * 10) / 10;
function figureOf(v: IndicatorVersion, p: Pooled, hide = false): SurveyFigure {
  const n = v.aggregation === 'share' ? p.n : p.values.length;
  const suppressed = hide || n < MIN_PEOPLE;
  let value: number | null = null;
  let low: number | null = null;
  let high: number | null = null;
  if (!suppressed) {
    if (v.aggregation === 'share') {
      const w = wilson(p.x, p.n);
      value = r1((100 * p.x) / p.n);
      low = r1(100 * w.low);
      high = r1(100 * w.high);
    } else if (v.aggregation === 'mean') value = r1(p.values.reduce((s, x) => s + x, 0) / p.values.length);
    else value = median(p.values);
  }
  return { code: v.code, version: v.version, name: v.name, unit: v.unit, n, value, low, high, suppressed };
}

export interface SurveyFiguresView {
  year: number;
  own: SurveyFigure[];
  /** Network staff: the network pooled and each cooperative (a lone hidden one hides another). */
  network: { pooled: SurveyFigure[]; cooperatives: { name: string; figures: SurveyFigure[] }[] } | null;
}

/** The survey-based indicators of a year, each computed by its latest version. */
export async function surveyIndicatorFigures(db: Db, actor: Actor, year: number): Promise<SurveyFiguresView> {
  authorize(actor, IMPACT.indicatorsRead);
  const defs = (await referential(db, actor)).filter((e) => e.kind === 'survey').map((e) => e.current);
  const ofCoop = (coopId: string) =>
    withTenant(db, coopId, async (t) => {
      const out: Pooled[] = [];
      for (const v of defs) out.push(pool(v, await answersFor(t as unknown as Tx, coopId, v, year)));
      return out;
    });
  const own = await ofCoop(actor.cooperativeId);
  const view: SurveyFiguresView = { year, own: defs.map((v, i) => figureOf(v, own[i]!)), network: null };
  if (can(actor, IMPACT.networkRead)) {
    const networkId = await networkOf(db, actor);
    const coops = (await listCooperatives(db)).filter((c) => c.networkId === networkId);
    const per: { name: string; pooled: Pooled[] }[] = [];
    for (const c of coops) per.push({ name: c.name, pooled: await ofCoop(c.id) });
    const cooperatives = per.map((c) => ({ name: c.name, figures: [] as SurveyFigure[] }));
    const pooled = defs.map((v, i) => {
      const sizes = per.map((c) => {
        const p = c.pooled[i]!;
        return v.aggregation === 'share' ? p.n : p.values.length;
      });
      const present = sizes.map((n, k) => [n, k] as const).filter(([n]) => n > 0);
      const hide = suppressWithTotal(present.map(([n]) => n));
      const hidden = new Set(present.filter((_, j) => hide[j]).map(([, k]) => k));
      for (const [k, c] of per.entries()) cooperatives[k]!.figures.push(figureOf(v, c.pooled[i]!, hidden.has(k)));
      const all = per.map((c) => c.pooled[i]!);
      return figureOf(v, {
        x: all.reduce((s, p) => s + p.x, 0),
        n: all.reduce((s, p) => s + p.n, 0),
        values: all.flatMap((p) => p.values),
      });
    });
    view.network = { pooled, cooperatives };
  }
  return view;
}

/** The questions a survey-based indicator may be bound to, per questionnaire (built-in and the cooperative's). */
export async function bindableQuestions(
  tx: Tx,
  actor: Actor,
  keys: { key: string; title: string }[],
): Promise<{ key: string; title: string; questions: Question[] }[]> {
  authorize(actor, IMPACT.referentialManage);
  const out = [];
  for (const k of keys) {
    const def = await questionnaireOf(tx, actor, k.key);
    if (def)
      out.push({
        key: k.key,
        title: k.title,
        questions: def.questions.filter((q) => q.type !== 'short_text' && q.type !== 'long_text'),
      });
  }
  return out;
}
