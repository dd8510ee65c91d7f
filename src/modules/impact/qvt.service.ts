// The quality-of-work-life lab: the yearly barometers (entrepreneurs, support staff) read as
// dimension scores per year (0–100, 100 = best) and the WHO-5 mean. A director sees their
// cooperative; network staff see the network pooled and each cooperative. Every cell on fewer
// than 5 answers is hidden, and across cooperatives a lone hidden one takes the next smallest
// with it, so the network figure minus the others never reveals it.
import type { Db, Tx } from '../../core/db/handles.ts';
import { systemActor, type Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { getCooperative, listCooperatives, supportCaseloads, supportTeamIds } from '../directory/index.ts';
import { auditActionsBetween } from '../../core/audit.ts';
import {
  type ActivityEntry,
  SUBMISSION_ACTIONS,
  type SupportActivity,
  supportActivity,
  VALIDATION_ACTIONS,
} from './kit/support-activity.ts';
import { impactDb } from './db.ts';
import { IMPACT } from './permissions.ts';
import { median, quantile, who5 } from './kit/stats.ts';
import { MIN_PEOPLE, suppressWithTotal } from './kit/suppression.ts';
import {
  type Answers,
  builtinDef,
  dimensionScores,
  QVT_DIMENSIONS,
  type QuestionnaireDef,
  who5Items,
} from './kit/questionnaire.ts';

export const QVT_AUDIENCES = [
  { key: 'qvt_entrepreneurs', label: 'Entrepreneur·es' },
  { key: 'qvt_support', label: 'Équipes d’appui' },
] as const;
export type QvtAudience = (typeof QVT_AUDIENCES)[number]['key'];

/** One answer reduced to what the barometer shows (no other field leaves this module). */
export interface QvtPoint {
  audience: QvtAudience;
  year: number;
  dims: Record<string, number | null>;
  who5: number | null;
}

export interface QvtCell {
  n: number;
  suppressed: boolean;
  /** Dimension key → mean score 0–100 (one decimal), null when hidden. */
  scores: Record<string, number | null>;
  who5: number | null;
}
/** audience → year → cell. */
export type QvtTable = Record<QvtAudience, Record<number, QvtCell>>;

/** The support team's load: people followed per support member, hidden under 5 members. */
export interface SupportLoad {
  members: number;
  suppressed: boolean;
  median: number | null;
  q1: number | null;
  q3: number | null;
}
export interface QvtView {
  years: number[];
  own: QvtTable;
  ownLoad: SupportLoad;
  /** The team's validation work over `activityPeriod` (audit log). */
  ownActivity: SupportActivity;
  activityPeriod: { from: Date; to: Date };
  /** Network staff: the network pooled and each cooperative. */
  network: {
    pooled: QvtTable;
    pooledLoad: SupportLoad;
    pooledActivity: SupportActivity;
    cooperatives: { name: string; table: QvtTable; load: SupportLoad; activity: SupportActivity }[];
  } | null;
}

/** The support team's validation work: the last 365 days. */
export const ACTIVITY_DAYS = 365;
interface TeamWork {
  entries: ActivityEntry[];
  team: string[];
}
/** Audit entries of validations and submissions, and the team, read with a system actor (permission checked by the caller). */
async function teamWorkOf(tx: Tx, cooperativeId: string, period: { from: Date; to: Date }): Promise<TeamWork> {
  const actions = [...Object.keys(VALIDATION_ACTIONS), ...SUBMISSION_ACTIONS];
  return {
    entries: await auditActionsBetween(tx, cooperativeId, actions, period),
    team: await supportTeamIds(tx, systemActor(cooperativeId, 'QVT')),
  };
}
const hiddenActivity = (a: SupportActivity): SupportActivity => ({
  ...a,
  suppressed: true,
  perDay: null,
  hoursToValidate: null,
  afterHours: null,
});

function loadOf(caseloads: number[]): SupportLoad {
  const members = caseloads.length;
  const suppressed = members < MIN_PEOPLE;
  const r = (x: number | null) => (suppressed || x === null ? null : Math.round(x * 10) / 10);
  return {
    members,
    suppressed,
    median: r(median(caseloads)),
    q1: r(quantile(caseloads, 0.25)),
    q3: r(quantile(caseloads, 0.75)),
  };
}
/** The cooperative's caseloads, read through the directory with a system actor (permission checked by the caller). */
const caseloadsOf = (tx: Tx, cooperativeId: string) => supportCaseloads(tx, systemActor(cooperativeId, 'QVT'));

async function pointsOf(tx: Tx, cooperativeId: string): Promise<QvtPoint[]> {
  const rows = await impactDb(tx)
    .selectFrom('impact_survey_answer as a')
    .innerJoin('impact_survey as s', (j) =>
      j.onRef('s.cooperative_id', '=', 'a.cooperative_id').onRef('s.id', '=', 'a.survey_id'),
    )
    .select(['s.questionnaire', 's.definition', 'a.answers', 'a.answered_on'])
    .where('a.cooperative_id', '=', cooperativeId)
    .where('s.questionnaire', 'in', ['qvt_entrepreneurs', 'qvt_support'])
    .execute();
  return rows.map((r) => {
    const audience = r.questionnaire as QvtAudience;
    const def: QuestionnaireDef = r.definition ?? builtinDef(audience);
    const answers: Answers = r.answers ?? {};
    const items = who5Items(def, answers);
    return {
      audience,
      year: Number(String(r.answered_on).slice(0, 4)),
      dims: dimensionScores(def, answers),
      who5: items ? who5(items).percent : null,
    };
  });
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const mean = (xs: number[]) => (xs.length ? r1(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

function cellOf(points: QvtPoint[]): QvtCell {
  const n = points.length;
  const suppressed = n < MIN_PEOPLE;
  const scores: Record<string, number | null> = {};
  for (const d of QVT_DIMENSIONS)
    scores[d.key] = suppressed
      ? null
      : mean(points.map((p) => p.dims[d.key]).filter((x): x is number => typeof x === 'number'));
  const w = points.map((p) => p.who5).filter((x): x is number => x !== null);
  return { n, suppressed, scores, who5: suppressed ? null : mean(w) };
}

function tableOf(points: QvtPoint[], years: number[]): QvtTable {
  const t = {} as QvtTable;
  for (const a of QVT_AUDIENCES) {
    t[a.key] = {};
    for (const y of years) t[a.key][y] = cellOf(points.filter((p) => p.audience === a.key && p.year === y));
  }
  return t;
}
const hidden = (c: QvtCell): QvtCell => ({
  ...c,
  suppressed: true,
  scores: Object.fromEntries(Object.keys(c.scores).map((k) => [k, null])),
  who5: null,
});

/** The barometer's answers of the actor's cooperative (the transaction is scoped to it). */
export async function ownQvtPoints(tx: Tx, actor: Actor): Promise<QvtPoint[]> {
  authorize(actor, IMPACT.qvtRead);
  return pointsOf(tx, actor.cooperativeId);
}

/** The barometer for the actor: their cooperative, and for network staff the whole network. */
export async function qvtBarometer(db: Db, actor: Actor, now: Date = new Date()): Promise<QvtView> {
  authorize(actor, IMPACT.qvtRead);
  const period = { from: new Date(now.getTime() - ACTIVITY_DAYS * 86_400_000), to: now };
  const [own, ownCaseloads, ownWork] = await withTenant(
    db,
    actor.cooperativeId,
    async (tx) =>
      [
        await ownQvtPoints(tx as unknown as Tx, actor),
        await caseloadsOf(tx as unknown as Tx, actor.cooperativeId),
        await teamWorkOf(tx as unknown as Tx, actor.cooperativeId, period),
      ] as const,
  );
  const perCoop: { id: string; name: string; points: QvtPoint[]; caseloads: number[]; work: TeamWork }[] = [];
  if (can(actor, IMPACT.networkRead)) {
    const networkId = (await getCooperative(db, actor.cooperativeId))?.networkId;
    const coops = (await listCooperatives(db)).filter((c) => c.networkId === networkId);
    // Each cooperative in its own tenant transaction, the caller's permission checked above.
    for (const c of coops)
      perCoop.push({
        id: c.id,
        name: c.name,
        ...(await withTenant(db, c.id, async (tx) => ({
          points: await pointsOf(tx as unknown as Tx, c.id),
          caseloads: await caseloadsOf(tx as unknown as Tx, c.id),
          work: await teamWorkOf(tx as unknown as Tx, c.id, period),
        }))),
      });
  }
  const all = perCoop.length ? perCoop.flatMap((c) => c.points) : own;
  const years = [...new Set(all.map((p) => p.year))].sort((a, b) => b - a);
  const view: QvtView = {
    years,
    own: tableOf(own, years),
    ownLoad: loadOf(ownCaseloads),
    ownActivity: supportActivity(ownWork.entries, ownWork.team),
    activityPeriod: period,
    network: null,
  };
  if (perCoop.length) {
    const pooled = tableOf(all, years);
    const cooperatives = perCoop.map((c) => ({
      name: c.name,
      table: tableOf(c.points, years),
      load: loadOf(c.caseloads),
      activity: supportActivity(c.work.entries, c.work.team),
    }));
    // The network's validation work pools every team (ids and targets made distinct per cooperative).
    const pooledActivity = supportActivity(
      perCoop.flatMap((c) =>
        c.work.entries.map((e) => ({
          ...e,
          actorUserId: e.actorUserId && `${c.id}:${e.actorUserId}`,
          targetId: `${c.id}:${e.targetId}`,
        })),
      ),
      perCoop.flatMap((c) => c.work.team.map((u) => `${c.id}:${u}`)),
    );
    // Document counts and after-hours shares add up: a lone hidden team takes the next smallest with it.
    const active = cooperatives.filter((c) => c.activity.validators > 0);
    const hideActivity = suppressWithTotal(active.map((c) => c.activity.validators));
    active.forEach((c, i) => {
      if (hideActivity[i]) c.activity = hiddenActivity(c.activity);
    });
    // Quartiles of caseloads are not additive: a hidden cooperative cannot be recomputed from the pooled figures.
    const pooledLoad = loadOf(perCoop.flatMap((c) => c.caseloads).sort((x, y) => x - y));
    for (const a of QVT_AUDIENCES)
      for (const y of years) {
        // Cooperatives without answers hide nothing: the secondary rule looks at the others.
        const present = cooperatives.filter((c) => c.table[a.key][y]!.n > 0);
        const hide = suppressWithTotal(present.map((c) => c.table[a.key][y]!.n));
        present.forEach((c, i) => {
          if (hide[i]) c.table[a.key][y] = hidden(c.table[a.key][y]!);
        });
      }
    view.network = { pooled, pooledLoad, pooledActivity, cooperatives };
  }
  return view;
}
