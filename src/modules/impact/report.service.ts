// The yearly impact report for the actor's cooperative or (network staff) the network, read from
// the stored indicator runs when fresh, computed on demand otherwise; and the list of reports the
// actor can produce. `buildImpactReport` has no permission of its own: it is called after a
// member's permission was checked, or for a funder after their share was found.
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import type { Db } from '../../core/db/handles.ts';
import { todayParis } from '../../core/dates.ts';
import { getCooperative } from '../directory/index.ts';
import { esfReportSystem } from './esf-report.service.ts';
import type { EsfReport } from './esf-report.ts';
import { networkCooperatives, storedYears, yearFigures } from './indicator-history.service.ts';
import { checkYear, MIN_YEAR } from './indicators.service.ts';
import { IMPACT } from './permissions.ts';
import { scenariosForReport } from './sroi-scenarios.ts';
import {
  esfSummary,
  networkQuartiles,
  reportRows,
  type ImpactReport,
  type ReportKind,
  type ReportScope,
} from './report.ts';

const NO_NETWORK = '00000000-0000-0000-0000-000000000000';

/** The report of a cooperative, or of its network (no permission: see the file's head). */
export async function buildImpactReport(
  db: Db,
  cooperativeId: string,
  scope: ReportScope,
  year: number,
): Promise<ImpactReport> {
  checkYear(year);
  const coop = await getCooperative(db, cooperativeId);
  const networkId = coop?.networkId ?? NO_NETWORK;
  const now = await yearFigures(db, networkId, year);
  const before =
    year - 1 >= MIN_YEAR ? await yearFigures(db, networkId, year - 1, { maxAgeMs: Number.POSITIVE_INFINITY }) : null;
  const quartiles = networkQuartiles(now);
  const own = (n: typeof now | null) => n?.cooperatives.find((c) => c.cooperative.id === cooperativeId)?.rows ?? [];
  const rows = scope === 'network' ? now.network : own(now);
  const previous = scope === 'network' ? (before?.network ?? []) : own(before);
  const ids = scope === 'network' ? now.cooperatives.map((c) => c.cooperative.id) : [cooperativeId];
  const esf = esfSummary(await esfReportSystem(db, ids, year));
  const names = new Map<string, string>(now.cooperatives.map((c) => [c.cooperative.id, c.cooperative.name]));
  const sroi = await scenariosForReport(
    db,
    ids.map((id) => ({ id, name: names.get(id) ?? coop?.name ?? '' })),
    year,
  );
  return {
    year,
    scope,
    scopeName: scope === 'network' ? 'Réseau' : (coop?.name ?? ''),
    cooperatives: ids.length,
    computedAt: now.computedAt,
    rows: reportRows(rows, quartiles, previous, year),
    esf,
    sroi,
  };
}

/** The actor's report: their cooperative's, or the network's for network staff. */
export async function impactReportFor(db: Db, actor: Actor, scope: ReportScope, year: number): Promise<ImpactReport> {
  authorize(actor, IMPACT.reportsRead);
  if (scope === 'network') authorize(actor, IMPACT.networkRead);
  return buildImpactReport(db, actor.cooperativeId, scope, year);
}

export interface AvailableReport {
  kind: ReportKind;
  scope: ReportScope;
  year: number;
}

/** Reports the actor can produce: each year with stored figures, plus this year and the last. */
export async function availableReports(db: Db, actor: Actor): Promise<AvailableReport[]> {
  authorize(actor, IMPACT.reportsRead);
  const network = can(actor, IMPACT.networkRead);
  const current = Number(todayParis().slice(0, 4));
  let ids = [actor.cooperativeId];
  if (network) {
    const coop = await getCooperative(db, actor.cooperativeId);
    ids = (await networkCooperatives(db, coop?.networkId ?? NO_NETWORK)).map((c) => c.id);
  }
  const years = [...new Set([...(await storedYears(db, ids)), current - 1, current])]
    .filter((y) => y >= MIN_YEAR)
    .sort((a, b) => b - a);
  const out: AvailableReport[] = [];
  for (const year of years)
    for (const scope of network ? (['cooperative', 'network'] as const) : (['cooperative'] as const))
      for (const kind of ['impact', 'fse'] as const) out.push({ kind, scope, year });
  return out;
}

/** The ESF participants report of a cooperative or its network (no permission: see the head). */
export async function buildEsfReport(
  db: Db,
  cooperativeId: string,
  scope: ReportScope,
  year: number,
): Promise<EsfReport & { scopeName: string }> {
  checkYear(year);
  const coop = await getCooperative(db, cooperativeId);
  const ids =
    scope === 'network'
      ? (await networkCooperatives(db, coop?.networkId ?? NO_NETWORK)).map((c) => c.id)
      : [cooperativeId];
  const r = await esfReportSystem(db, ids, year);
  return { ...r, scopeName: scope === 'network' ? 'réseau' : (coop?.name ?? '') };
}
