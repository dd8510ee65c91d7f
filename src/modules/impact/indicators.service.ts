// Indicators on demand: for one cooperative (its own figures) and for the network (every
// cooperative of the actor's network, pooled, plus each cooperative's figures for the
// comparison). Cross-cooperative reading goes through one tenant transaction per cooperative,
// with a system actor, after the caller's permission was checked.
import type { Db, Tx } from '../../core/db/handles.ts';
import { hasErp, systemActor, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { todayParis } from '../../core/dates.ts';
import {
  getCooperative,
  listActivities,
  listCooperatives,
  profileCounts,
  type Cooperative,
} from '../directory/index.ts';
import { cooperatingActivities } from '../market/index.ts';
import { journeyFacts } from '../journeys/index.ts';
import { ledgerImpactFigures, type LedgerImpactFigures } from '../ledger/index.ts';
import {
  indicatorRows,
  measuresOf,
  mergeMeasures,
  type CoopFacts,
  type IndicatorRow,
  type Measures,
} from './indicators.ts';
import { IMPACT } from './permissions.ts';
import { impactDb } from './db.ts';
import { median } from './kit/stats.ts';
import { computeSroi, type SroiResult } from './kit/sroi.ts';
import { suppressWithTotal } from './kit/suppression.ts';

export const MIN_YEAR = 2000;
export function checkYear(year: number): number {
  const max = Number(todayParis().slice(0, 4)) + 1;
  if (!Number.isInteger(year) || year < MIN_YEAR || year > max) throw new RangeError(`année invalide : ${year}`);
  return year;
}

/** The SROI calculator, for the team. */
export function sroiFor(actor: Actor, input: unknown): SroiResult {
  authorize(actor, IMPACT.sroiCompute);
  return computeSroi(input);
}

const NO_LEDGER: LedgerImpactFigures = { revenueByActivity: [], salaries: [] };

/** Facts of the cooperative the transaction is scoped to (the actor's), from the other modules. */
export async function cooperativeFacts(tx: Tx, actor: Actor, year: number): Promise<CoopFacts> {
  const [journeys, profiles, ledger] = [
    await journeyFacts(tx, actor, year),
    await profileCounts(tx, actor),
    // An organisation without the ERP has no ledger: its ERP indicators read « non applicable ».
    hasErp(actor.organisationType) ? await ledgerImpactFigures(tx, actor, year) : NO_LEDGER,
  ];
  const who5Scores = (
    await impactDb(tx)
      .selectFrom('impact_survey_answer')
      .select('score')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('answered_on', '>=', `${year}-01-01`)
      .where('answered_on', '<=', `${year}-12-31`)
      .execute()
  ).flatMap((r) => (r.score === null ? [] : [r.score]));
  const cooperating = new Set(await cooperatingActivities(tx, actor.cooperativeId, `${year}-01-01`, `${year}-12-31`));
  const cooperatingCodes = cooperating.size
    ? (await listActivities(tx, actor)).filter((a) => cooperating.has(a.id)).map((a) => a.analyticCode)
    : [];
  return { journeys, profiles, ledger, who5Scores, cooperatingCodes };
}

/** Measures of the cooperative the transaction is scoped to (the actor's). */
export async function cooperativeMeasures(tx: Tx, actor: Actor, year: number): Promise<Measures> {
  return measuresOf(await cooperativeFacts(tx, actor, year), year, todayParis());
}

/** The actor's cooperative's indicators. */
export async function cooperativeIndicators(tx: Tx, actor: Actor, year: number): Promise<IndicatorRow[]> {
  authorize(actor, IMPACT.indicatorsRead);
  checkYear(year);
  const m = await cooperativeMeasures(tx, systemActor(actor.cooperativeId, actor.label), year);
  const coop = await getCooperative(tx, actor.cooperativeId);
  return indicatorRows(m, new Date().toISOString(), hasErp(coop?.organisationType));
}

export interface NetworkIndicators {
  computedAt: string;
  network: IndicatorRow[];
  cooperatives: { cooperative: Pick<Cooperative, 'id' | 'slug' | 'name'>; rows: IndicatorRow[] }[];
}

/** Every cooperative of a network, one tenant transaction each (no permission: CLI and jobs). */
export async function networkIndicatorsSystem(
  db: Db,
  networkId: string | null,
  year: number,
): Promise<NetworkIndicators> {
  checkYear(year);
  const coops = (await listCooperatives(db)).filter((c) => !networkId || c.networkId === networkId);
  const computedAt = new Date().toISOString();
  const per: { cooperative: Cooperative; m: Measures }[] = [];
  for (const c of coops) {
    const m = await withTenant(db, c.id, (tx) =>
      cooperativeMeasures(tx as unknown as Tx, systemActor(c.id, 'Impact'), year),
    );
    per.push({ cooperative: c, m });
  }
  return assembleNetwork(per, computedAt);
}

/** The pooled network figure and each cooperative's, with secondary suppression across them. */
export function assembleNetwork(
  per: readonly {
    cooperative: Pick<Cooperative, 'id' | 'slug' | 'name'> & Partial<Pick<Cooperative, 'organisationType'>>;
    m: Measures;
  }[],
  computedAt: string,
): NetworkIndicators {
  const network = indicatorRows(mergeMeasures(per.map((p) => p.m)), computedAt);
  const cooperatives = per.map((p) => ({
    cooperative: { id: p.cooperative.id, slug: p.cooperative.slug, name: p.cooperative.name },
    rows: indicatorRows(p.m, computedAt, hasErp(p.cooperative.organisationType)),
  }));
  // Secondary suppression across cooperatives: a single hidden cooperative could be recomputed
  // from the network figure and the others.
  network.forEach((row, i) => {
    if (row.suppressed) return;
    const hide = suppressWithTotal(cooperatives.map((c) => c.rows[i]!.n));
    cooperatives.forEach((c, k) => {
      if (hide[k]) c.rows[i] = { ...c.rows[i]!, value: null, low: null, high: null, suppressed: true };
    });
  });
  return { computedAt, network, cooperatives };
}

const NO_NETWORK = '00000000-0000-0000-0000-000000000000';

/** The network whose figures the actor may read: their cooperative's, for network staff. */
export async function readableNetwork(tx: Tx | Db, actor: Actor): Promise<string> {
  authorize(actor, IMPACT.networkRead);
  return (await getCooperative(tx, actor.cooperativeId))?.networkId ?? NO_NETWORK;
}

/** The network the actor's cooperative belongs to, for network staff. */
export async function networkIndicators(db: Db, actor: Actor, year: number): Promise<NetworkIndicators> {
  return networkIndicatorsSystem(db, await readableNetwork(db, actor), year);
}

/** The network median of each indicator across cooperatives (only published figures count). */
export function networkMedians(n: NetworkIndicators): Map<string, number | null> {
  const out = new Map<string, number | null>();
  n.network.forEach((row, i) => {
    const values = n.cooperatives
      .map((c) => c.rows[i]!)
      .filter((r) => !r.suppressed && r.value !== null)
      .map((r) => Number(r.value));
    out.set(row.code, values.length >= 3 ? median(values) : null);
  });
  return out;
}
