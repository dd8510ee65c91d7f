// Stored indicators: a background job (queue `impact-indicators`, and a nightly schedule)
// computes the year of every cooperative and keeps each run (measures, rows, data coverage,
// computed_at) as history. Pages and reports read the latest run while it is fresh and compute
// on demand otherwise, without storing (the job alone writes). Past years' trends read the history.
// Cross-cooperative reads go through withSystem, always after the caller's permission was
// checked, and name the cooperatives explicitly.
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../core/db/handles.ts';
import { systemActor } from '../../core/actor.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { todayParis } from '../../core/dates.ts';
import { requestJob, type Queue, type Schedule } from '../../core/jobs.ts';
import type { Actor } from '../../core/actor.ts';
import { isUuid } from '../../core/ids.ts';
import { listCooperatives, type Cooperative } from '../directory/index.ts';
import { impactDb } from './db.ts';
import { indicatorRows, measuresOf, type CoopFacts, type IndicatorRow, type Measures } from './indicators.ts';
import {
  assembleNetwork,
  checkYear,
  cooperativeFacts,
  readableNetwork,
  type NetworkIndicators,
} from './indicators.service.ts';

/** A run is fresh for a day and a bit: the nightly job renews it. */
export const FRESH_MS = 26 * 3600_000;
export const INDICATORS_QUEUE = 'impact-indicators';

/** What the figures rest on: how many records each source held when they were computed. */
export interface Coverage {
  journeys: number;
  /** Current entrepreneur or CAPE members, and how many gave each optional profile answer. */
  members: number;
  genderKnown: number;
  statusKnown: number;
  qpvKnown: number;
  activitiesWithRevenue: number;
  peoplePaid: number;
  surveyAnswers: number;
}

export function coverageOf(f: CoopFacts): Coverage {
  return {
    journeys: f.journeys.length,
    members: f.profiles.people,
    genderKnown: f.profiles.genderKnown,
    statusKnown: f.profiles.statusKnown,
    qpvKnown: f.profiles.qpvKnown,
    activitiesWithRevenue: f.ledger.revenueByActivity.length,
    peoplePaid: f.ledger.salaries.length,
    surveyAnswers: f.who5Scores?.length ?? 0,
  };
}

export interface StoredRun {
  cooperativeId: string;
  year: number;
  computedAt: string;
  measures: Measures;
  rows: IndicatorRow[];
  coverage: Coverage;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Computes one cooperative's year (system work: jobs, or a caller that checked its permission);
 *  with `store`, keeps it as a new run. Only the job stores: a page never writes into another
 *  cooperative's tables. */
export async function computeCooperativeYear(
  db: Db,
  cooperativeId: string,
  year: number,
  store = false,
): Promise<StoredRun> {
  checkYear(year);
  return withTenant(db, cooperativeId, async (trx) => {
    const tx = trx as unknown as Tx;
    const facts = await cooperativeFacts(tx, systemActor(cooperativeId, 'Impact'), year);
    const measures = measuresOf(facts, year, todayParis());
    const computedAt = new Date().toISOString();
    const run: StoredRun = {
      cooperativeId,
      year,
      computedAt,
      measures,
      rows: indicatorRows(measures, computedAt),
      coverage: coverageOf(facts),
    };
    if (store)
      await impactDb(tx)
        .insertInto('impact_indicator_run')
        .values({
          cooperative_id: cooperativeId,
          id: randomUUID(),
          year,
          computed_at: new Date(computedAt),
          measures: JSON.stringify(measures),
          rows: JSON.stringify(run.rows),
          coverage: JSON.stringify(run.coverage),
        })
        .execute();
    return run;
  });
}

/** The job: every cooperative's year (of one network, when given), one transaction each.
 *  Returns how many were computed. */
export async function computeEveryCooperative(db: Db, year: number, networkId: string | null = null): Promise<number> {
  const coops = await networkCooperatives(db, networkId);
  for (const c of coops) await computeCooperativeYear(db, c.id, year, true);
  return coops.length;
}

/** The latest run of each named cooperative for a year (the history keeps the older ones). */
export async function latestRuns(db: Db, cooperativeIds: string[], year: number): Promise<Map<string, StoredRun>> {
  if (!cooperativeIds.length) return new Map();
  const rows = await withSystem(db, (trx) =>
    impactDb(trx as unknown as Tx)
      .selectFrom('impact_indicator_run')
      .select(['cooperative_id', 'year', 'computed_at', 'measures', 'rows', 'coverage'])
      .distinctOn('cooperative_id')
      .where('cooperative_id', 'in', cooperativeIds)
      .where('year', '=', year)
      .orderBy('cooperative_id')
      .orderBy('computed_at', 'desc')
      .execute(),
  );
  return new Map(
    rows.map((r) => [
      r.cooperative_id,
      {
        cooperativeId: r.cooperative_id,
        year: r.year,
        computedAt: iso(r.computed_at),
        measures: parse<Measures>(r.measures),
        rows: parse<IndicatorRow[]>(r.rows),
        coverage: parse<Coverage>(r.coverage),
      },
    ]),
  );
}

/** Years that have stored runs for any of the cooperatives, ascending. */
export async function storedYears(db: Db, cooperativeIds: string[]): Promise<number[]> {
  if (!cooperativeIds.length) return [];
  const rows = await withSystem(db, (trx) =>
    impactDb(trx as unknown as Tx)
      .selectFrom('impact_indicator_run')
      .select('year')
      .distinct()
      .where('cooperative_id', 'in', cooperativeIds)
      .orderBy('year')
      .execute(),
  );
  return rows.map((r) => r.year);
}

export interface YearFigures extends NetworkIndicators {
  year: number;
  coverage: Map<string, Coverage>;
  /** How many cooperatives were read from a stored run (the rest were computed now). */
  fromStore: number;
}

export const networkCooperatives = async (db: Db, networkId: string | null): Promise<Cooperative[]> =>
  (await listCooperatives(db)).filter((c) => !networkId || c.networkId === networkId);

/**
 * The year of every cooperative of a network: stored runs younger than `maxAgeMs` (a day by
 * default; Infinity for past years' history), computed in memory otherwise — unless
 * `computeMissing` is false (trends read the history alone). No permission: callers check theirs.
 */
export async function yearFigures(
  db: Db,
  networkId: string | null,
  year: number,
  opts: { maxAgeMs?: number; computeMissing?: boolean; now?: number } = {},
): Promise<YearFigures> {
  checkYear(year);
  const coops = await networkCooperatives(db, networkId);
  const runs = await latestRuns(
    db,
    coops.map((c) => c.id),
    year,
  );
  const now = opts.now ?? Date.now();
  const per: { cooperative: Cooperative; m: Measures }[] = [];
  const coverage = new Map<string, Coverage>();
  let oldest: string | null = null;
  let fromStore = 0;
  for (const c of coops) {
    let run = runs.get(c.id);
    if (run && now - Date.parse(run.computedAt) < (opts.maxAgeMs ?? FRESH_MS)) fromStore++;
    else if (opts.computeMissing === false) continue;
    else run = await computeCooperativeYear(db, c.id, year);
    per.push({ cooperative: c, m: run.measures });
    coverage.set(c.id, run.coverage);
    if (oldest === null || run.computedAt < oldest) oldest = run.computedAt;
  }
  return { ...assembleNetwork(per, oldest ?? new Date().toISOString()), year, coverage, fromStore };
}

/** The queue (a year asked for) and the nightly schedule (this year and the last one). */
export function indicatorsQueue(db: Db): Queue {
  return {
    name: INDICATORS_QUEUE,
    handler: async (data) => {
      const y = (data as { year?: unknown } | null)?.year;
      const n = (data as { networkId?: unknown } | null)?.networkId;
      const year = typeof y === 'number' && Number.isInteger(y) ? y : Number(todayParis().slice(0, 4));
      await computeEveryCooperative(db, checkYear(year), typeof n === 'string' && isUuid(n) ? n : null);
    },
  };
}

export function indicatorsSchedule(db: Db): Schedule {
  return {
    name: 'impact-indicators-nightly',
    cron: '15 2 * * *',
    handler: async () => {
      const year = Number(todayParis().slice(0, 4));
      await computeEveryCooperative(db, year);
      await computeEveryCooperative(db, year - 1);
    },
  };
}

/** Network staff ask for their network's year to be computed again, in the background. */
export async function requestIndicatorsComputation(db: Db, actor: Actor, year: number): Promise<void> {
  const networkId = await readableNetwork(db, actor);
  await requestJob(INDICATORS_QUEUE, { year: checkYear(year), networkId });
}
