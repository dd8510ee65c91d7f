// The ESF participants report, for the actor's cooperative or (network staff) pooled over every
// cooperative of their network. Counts are pooled before suppression, as for the indicators.
import { systemActor, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import type { Db, Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { getCooperative, listCooperatives, statisticalProfiles } from '../directory/index.ts';
import { journeyFacts } from '../journeys/index.ts';
import { addCounts, esfCounts, esfReport, type EsfReport } from './esf-report.ts';
import { checkYear, readableNetwork } from './indicators.service.ts';
import { IMPACT } from './permissions.ts';

/** Counts of the cooperative the transaction is scoped to (read as the system: the caller checked). */
async function countsIn(tx: Tx, cooperativeId: string, year: number) {
  const actor = systemActor(cooperativeId, 'Rapport FSE');
  return esfCounts(
    { journeys: await journeyFacts(tx, actor, year), profiles: await statisticalProfiles(tx, actor) },
    year,
  );
}
const countsOf = (db: Db, cooperativeId: string, year: number) =>
  withTenant(db, cooperativeId, (trx) => countsIn(trx as unknown as Tx, cooperativeId, year));

/** The report of the actor's cooperative, in the caller's tenant transaction. */
export async function esfCooperativeReport(tx: Tx, actor: Actor, year: number): Promise<EsfReport> {
  authorize(actor, IMPACT.reportsRead);
  checkYear(year);
  return esfReport(await countsIn(tx, actor.cooperativeId, year), year);
}

export interface EsfReportFor extends EsfReport {
  scope: 'cooperative' | 'network';
  scopeName: string;
  cooperatives: number;
}

export async function esfReportFor(
  db: Db,
  actor: Actor,
  year: number,
  scope: 'cooperative' | 'network',
): Promise<EsfReportFor> {
  authorize(actor, IMPACT.reportsRead);
  checkYear(year);
  const own = await getCooperative(db, actor.cooperativeId);
  if (scope === 'cooperative') {
    const r = esfReport(await countsOf(db, actor.cooperativeId, year), year);
    return { ...r, scope, scopeName: own?.name ?? '', cooperatives: 1 };
  }
  const networkId = await readableNetwork(db, actor);
  const coops = (await listCooperatives(db)).filter((c) => c.networkId === networkId);
  const r = await esfReportSystem(
    db,
    coops.map((c) => c.id),
    year,
  );
  return { ...r, scope, scopeName: 'Réseau', cooperatives: coops.length };
}

/** The report pooled over the named cooperatives (no permission: the caller checked its own). */
export async function esfReportSystem(db: Db, cooperativeIds: string[], year: number): Promise<EsfReport> {
  let total = null as Awaited<ReturnType<typeof countsOf>> | null;
  for (const id of cooperativeIds) {
    const n = await countsOf(db, id, year);
    total = total ? addCounts(total, n) : n;
  }
  return esfReport(total ?? esfCounts({ journeys: [], profiles: [] }, year), year);
}
