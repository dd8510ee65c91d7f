// The dashboard: the actor's cooperative against the network median and quartiles, read from
// the stored runs when fresh (computed on demand otherwise), with the trend over the years the
// history holds (and always last year); network staff also see every cooperative.
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import type { Db } from '../../core/db/handles.ts';
import { getCooperative } from '../directory/index.ts';
import { networkCooperatives, storedYears, yearFigures, type YearFigures } from './indicator-history.service.ts';
import type { IndicatorRow } from './indicators.ts';
import { checkYear, MIN_YEAR, networkMedians, type NetworkIndicators } from './indicators.service.ts';
import { IMPACT } from './permissions.ts';
import { networkQuartiles, type Quartiles } from './report.ts';

const NO_NETWORK = '00000000-0000-0000-0000-000000000000';
/** Years drawn on the trend charts, at most. */
export const TREND_YEARS = 6;

export interface TrendPoint {
  year: number;
  /** The cooperative's published figure (null when hidden or unknown). */
  own: number | null;
  median: number | null;
  /** The pooled network figure (network staff only). */
  network: number | null;
}
export interface TrendSeries {
  code: string;
  label: string;
  unit: string;
  points: TrendPoint[];
}

export interface Dashboard {
  year: number;
  computedAt: string;
  own: IndicatorRow[];
  medians: Map<string, number | null>;
  quartiles: Map<string, Quartiles | null>;
  trends: TrendSeries[];
  /** Network staff only: the pooled figures and every cooperative's. */
  network: NetworkIndicators | null;
}

const published = (r: IndicatorRow | undefined) => (r && !r.suppressed && r.value !== null ? Number(r.value) : null);

/** One series per indicator over the years given (figures already read, ascending years). */
export function trendSeries(figures: YearFigures[], cooperativeId: string, withNetwork: boolean): TrendSeries[] {
  const last = figures[figures.length - 1];
  if (!last) return [];
  return last.network.map((row, i) => ({
    code: row.code,
    label: row.label,
    unit: row.unit,
    points: figures.map((f) => {
      const mine = f.cooperatives.find((c) => c.cooperative.id === cooperativeId)?.rows[i];
      return {
        year: f.year,
        own: published(mine),
        median: networkMedians(f).get(row.code) ?? null,
        network: withNetwork ? published(f.network[i]) : null,
      };
    }),
  }));
}

export async function impactDashboard(db: Db, actor: Actor, year: number): Promise<Dashboard> {
  authorize(actor, IMPACT.indicatorsRead);
  checkYear(year);
  const coop = await getCooperative(db, actor.cooperativeId);
  const networkId = coop?.networkId ?? NO_NETWORK;
  const net = await yearFigures(db, networkId, year);
  const ids = (await networkCooperatives(db, networkId)).map((c) => c.id);
  // Older years from the history alone; last year computed once if the job never stored it, so
  // a trend always has two points.
  const past = [...new Set([...(await storedYears(db, ids)), year - 1])]
    .filter((y) => y < year && y >= MIN_YEAR)
    .sort((a, b) => a - b)
    .slice(-(TREND_YEARS - 1));
  const history: YearFigures[] = [];
  for (const y of past)
    history.push(
      await yearFigures(db, networkId, y, { maxAgeMs: Number.POSITIVE_INFINITY, computeMissing: y === year - 1 }),
    );
  const mine = net.cooperatives.find((c) => c.cooperative.id === actor.cooperativeId);
  const network = can(actor, IMPACT.networkRead);
  return {
    year,
    computedAt: net.computedAt,
    own: mine?.rows ?? [],
    medians: networkMedians(net),
    quartiles: networkQuartiles(net),
    trends: trendSeries([...history, net], actor.cooperativeId, network),
    network: network ? net : null,
  };
}
