// What the automatic checks of salary requests need, for many requests at once (the validation
// queue): a fixed number of queries whatever the number of requests, giving exactly what
// getSalaryRequest, salaryEnvelope and listSalaryRequests give one request at a time
// (salary-checks.test.ts compares them).
import { sql } from 'kysely';
import { hasRole, type Actor } from '../../../core/actor.ts';
import { authorize } from '../../../core/authz.ts';
import { todayParis } from '../../../core/dates.ts';
import { NotFoundError } from '../../../core/errors.ts';
import type { Tx } from '../../../core/db/tenant.ts';
import type { Cents } from '../../../core/money.ts';
import { activitiesFor } from '../../directory/index.ts';
import { ledgerDb } from '../db.ts';
import { activityBalances } from '../direction.service.ts';
import { LEDGER } from '../permissions.ts';
import { baseQuery, type SalaryRequest, toRequests } from './salary-request.service.ts';

const UUID = /^[0-9a-f-]{36}$/;
const NOBODY = '00000000-0000-0000-0000-000000000000';
const isStaff = (actor: Actor) => hasRole(actor, 'support', 'accountant', 'director');

/** The requests among `ids` the actor may see (those getSalaryRequest gives), in one query. */
export async function salaryRequestsByIds(trx: Tx, actor: Actor, ids: string[]): Promise<SalaryRequest[]> {
  const valid = [...new Set(ids)].filter((id) => UUID.test(id));
  if (!valid.length) return [];
  let q = baseQuery(trx, actor).where('r.id', 'in', valid);
  if (!isStaff(actor)) q = q.where('r.user_id', '=', actor.userId ?? NOBODY);
  return toRequests(trx, actor, await q.execute());
}

/** The requests of these people in these months, refused ones left out (as listSalaryRequests
 *  filtered by month and person gives them to the actor). */
export async function salaryRequestsOfMonths(
  trx: Tx,
  actor: Actor,
  pairs: { userId: string; month: string }[],
): Promise<SalaryRequest[]> {
  if (!pairs.length) return [];
  let q = baseQuery(trx, actor)
    .where('r.month', 'in', [...new Set(pairs.map((p) => p.month))])
    .where('r.user_id', 'in', [...new Set(pairs.map((p) => p.userId))])
    .where('r.status', '<>', 'refused');
  if (!isStaff(actor)) q = q.where('r.user_id', '=', actor.userId ?? NOBODY);
  const wanted = new Set(pairs.map((p) => `${p.userId}|${p.month}`));
  return (await toRequests(trx, actor, await q.execute())).filter((r) => wanted.has(`${r.userId}|${r.month}`));
}

/**
 * salaryEnvelope of each request (the request itself left out of what is committed), by request
 * id: the activities' available treasury today (activityBalances, equal to their activity
 * account) and the employer cost of their open requests, two queries for all.
 */
export async function salaryEnvelopes(
  trx: Tx,
  actor: Actor,
  requests: Pick<SalaryRequest, 'id' | 'activityId' | 'analyticCode' | 'status' | 'employerCostCents'>[],
): Promise<Map<string, { availableCents: Cents; committedCents: Cents; envelopeCents: Cents }>> {
  const out = new Map<string, { availableCents: Cents; committedCents: Cents; envelopeCents: Cents }>();
  if (!requests.length) return out;
  // The activity account is read with the actor's rights, as salaryEnvelope reads it.
  const scope = authorize(actor, LEDGER.activityAccountRead);
  if (scope === 'own') {
    const mine = new Set((await activitiesFor(trx, actor)).map((a) => a.id as string));
    if (requests.some((r) => !mine.has(r.activityId))) throw new NotFoundError('Activité');
  }
  const balances = await activityBalances(trx, actor.cooperativeId, todayParis(), [
    ...new Set(requests.map((r) => r.analyticCode)),
  ]);
  const activityIds = [...new Set(requests.map((r) => r.activityId))];
  const committed = new Map(
    (
      await ledgerDb(trx)
        .selectFrom('salary_request')
        .select([
          'activity_id',
          (eb) => eb.fn.coalesce(eb.fn.sum<number>('employer_cost_cents'), sql<number>`0`).as('v'),
        ])
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('activity_id', 'in', activityIds)
        .where('status', 'in', ['requested', 'approved'])
        .groupBy('activity_id')
        .execute()
    ).map((x) => [x.activity_id, Number(x.v)]),
  );
  for (const r of requests) {
    const own = r.status === 'requested' || r.status === 'approved' ? r.employerCostCents : 0;
    const committedCents = (committed.get(r.activityId) ?? 0) - own;
    const availableCents = balances.get(r.analyticCode)?.availableCents ?? 0;
    out.set(r.id, { availableCents, committedCents, envelopeCents: availableCents - committedCents });
  }
  return out;
}
