// The automatic checks of salary requests (registered in ledger/inbox.ts): within the envelope of
// the activity, hours of the month plausible; and their place in the validation queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../../app/testing.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { uuidv7 } from '../../../core/ids.ts';
import type { OpenDb } from '../../../core/db/index.ts';
import { runChecks, runChecksMany, validationQueue, validateDocumentBatch } from '../../inbox/index.ts';
import { sell, testCustomer } from '../test-helpers.ts';
import {
  requestSalary,
  nextMonth,
  getSalaryRequest,
  listSalaryRequests,
  salaryEnvelope,
} from './salary-request.service.ts';
import { FULL_TIME_HOURS_PER_MONTH, warmUp } from './salary-engine.ts';
import type { Actor } from '../../../core/actor.ts';
import { addMonths } from '../../../core/dates.ts';
import { countQueries } from '../../../core/db/query-count.ts';
import '../inbox.ts';
import { ledgerDb } from '../db.ts';
import { moduleView } from '../../../core/db/handles.ts';
import type { DirectoryTables } from '../../directory/index.ts';
import type { LedgerTables } from '../schema.ts';

// The test adds activities: a view over those tables besides its module's own.
const testDb = moduleView<LedgerTables & DirectoryTables>();

type Tx = Parameters<Parameters<typeof withTenant>[2]>[0];
let odb: OpenDb;
let A: TestCoop;
before(async () => {
  warmUp();
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  // 10 000,00 € excl. VAT invoiced and collected: the envelope is 10 000,00 €.
  await withTenant(odb.db, A.coop.id, async (trx) => {
    const s = A.actor('support');
    await sell(trx, s, {
      activityId: A.activityId,
      customerId: await testCustomer(trx, s),
      unitCents: 1_000_000,
      payCents: 1_200_000,
    });
  });
});
after(async () => {
  await odb?.close();
});
const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, A.coop.id, fn);
const found = async (id: string) => inA((trx) => runChecks(trx, A.actor('support'), 'salary', id));

test('salary.envelope: a request within the envelope is clean; once other salaries take the money it is blocking', async () => {
  const r = await inA((trx) =>
    requestSalary(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      month: nextMonth(),
      basis: 'employer_cost',
      amountCents: 600_000,
    }),
  );
  assert.deepEqual(await found(r.id), []);
  const q = await inA((trx) => validationQueue(trx, A.actor('support')));
  assert.deepEqual(
    q.others.find((s) => s.documentType === 'salary')!.ready.map((e) => e.doc.id),
    [r.id],
  );
  // Another request of 5 000,00 € already committed on the same activity (another person's).
  const other = uuidv7();
  await inA((trx) =>
    ledgerDb(trx)
      .insertInto('salary_request')
      .values({
        cooperative_id: A.coop.id,
        id: other,
        activity_id: A.activityId,
        user_id: A.users.cape.id,
        month: nextMonth(),
        basis: 'employer_cost',
        amount_cents: 500_000,
        hours_centi: null,
        employer_cost_cents: 500_000,
        gross_cents: 390_000,
        net_cents: 300_000,
        employer_contributions_cents: 110_000,
        employee_contributions_cents: 90_000,
        status: 'approved',
        reason: null,
        decided_by: null,
        decided_at: null,
        paid_at: null,
        entry_id: null,
      })
      .execute(),
  );
  const f = await found(r.id);
  const env = f.find((x) => x.checkId === 'salary.envelope');
  assert.ok(env);
  assert.equal(env.severity, 'blocking');
  assert.match(env.message, /ne dispose que de 5\s?000,00\s€ \(après 5\s?000,00\s€ d'autres salaires demandés\)/);
  // Blocking: the batch leaves it for a decision.
  const b = await validateDocumentBatch(odb.db, A.actor('support'), 'salary', [r.id]);
  assert.deepEqual(b.validated, []);
  assert.equal((await inA((trx) => getSalaryRequest(trx, A.actor('support'), r.id))).status, 'requested');
  // Back to a clean state for the next test.
  await inA((trx) =>
    ledgerDb(trx)
      .deleteFrom('salary_request')
      .where('cooperative_id', '=', A.coop.id)
      .where('id', '=', other)
      .execute(),
  );
  assert.deepEqual(await found(r.id), []);
});

test('salary.hours: two full-time requests of one person the same month are flagged', async () => {
  const [mine] = await inA((trx) =>
    ledgerDb(trx).selectFrom('salary_request').select('id').where('cooperative_id', '=', A.coop.id).execute(),
  );
  assert.ok(!(await found(mine.id)).some((x) => x.checkId === 'salary.hours'));
  const act = uuidv7();
  await inA(async (trx) => {
    await testDb(trx)
      .insertInto('activity')
      .values({
        cooperative_id: A.coop.id,
        id: act,
        name: 'Seconde activité',
        analytic_code: 'ACT8',
        description: null,
        trusted: false,
        email: null,
        phone: null,
        closed_at: null,
      })
      .execute();
    await ledgerDb(trx)
      .insertInto('salary_request')
      .values({
        cooperative_id: A.coop.id,
        id: uuidv7(),
        activity_id: act,
        user_id: A.users.entrepreneur.id,
        month: nextMonth(),
        basis: 'employer_cost',
        amount_cents: 10_000,
        hours_centi: null,
        employer_cost_cents: 10_000,
        gross_cents: 8_000,
        net_cents: 6_000,
        employer_contributions_cents: 2_000,
        employee_contributions_cents: 2_000,
        status: 'requested',
        reason: null,
        decided_by: null,
        decided_at: null,
        paid_at: null,
        entry_id: null,
      })
      .execute();
  });
  const f = (await found(mine.id)).find((x) => x.checkId === 'salary.hours');
  assert.ok(f);
  assert.match(f.message, /303,33 h, plus qu'un temps plein/);
});

/** What the two checks found when they ran one request at a time through the single-request
 *  services (getSalaryRequest, salaryEnvelope, listSalaryRequests): the reference the batch must
 *  equal. */
async function perRequest(trx: Tx, actor: Actor, id: string) {
  const r = await getSalaryRequest(trx, actor, id);
  if (r.status !== 'requested') return {};
  const env = await salaryEnvelope(trx, actor, r.activityId, r.id);
  const mine = (await listSalaryRequests(trx, actor, { month: r.month })).filter(
    (o) => o.userId === r.userId && o.status !== 'refused',
  );
  const total = mine.reduce((s, o) => s + (o.hoursPerMonth ?? FULL_TIME_HOURS_PER_MONTH), 0);
  return {
    ...(r.employerCostCents > env.envelopeCents
      ? {
          'salary.envelope': {
            cost: r.employerCostCents,
            left: Math.max(0, env.envelopeCents),
            committed: env.committedCents,
            activity: r.activityName,
          },
        }
      : {}),
    ...(total > FULL_TIME_HOURS_PER_MONTH + 0.01
      ? { 'salary.hours': { hours: Math.round(total * 100) / 100, others: mine.length - 1 } }
      : {}),
  };
}

test('salary checks on the whole queue at once: the same findings as one request at a time, in a fixed number of queries', async () => {
  const act = uuidv7();
  const month = nextMonth();
  // Months after the earlier tests' requests (one open request per activity, person and month).
  const later = addMonths(`${month}-01`, 1).slice(0, 7);
  const later2 = addMonths(`${month}-01`, 2).slice(0, 7);
  const requests: [string, string, string, number, number | null, 'requested' | 'approved' | 'refused'][] = [
    // activity, person, month, employer cost, hours (centi), status
    [A.activityId, A.users.entrepreneur.id, later, 300_000, 8_000, 'requested'],
    [A.activityId, A.users.entrepreneur.id, later2, 200_000, null, 'requested'],
    [A.activityId, A.users.director.id, later, 450_000, null, 'approved'],
    [act, A.users.entrepreneur.id, later, 50_000, 9_000, 'requested'], // 80 h + 90 h: above a full time
    [act, A.users.director.id, later2, 20_000, null, 'requested'], // an activity without money
    [act, A.users.director.id, later, 20_000, null, 'refused'],
  ];
  const ids: string[] = [];
  await inA(async (trx) => {
    await testDb(trx)
      .insertInto('activity')
      .values({
        cooperative_id: A.coop.id,
        id: act,
        name: 'Troisième activité',
        analytic_code: 'ACT9',
        description: null,
        trusted: false,
        email: null,
        phone: null,
        closed_at: null,
      })
      .execute();
    for (const [activity, user, m, cost, hours, status] of requests) {
      const id = uuidv7();
      ids.push(id);
      await ledgerDb(trx)
        .insertInto('salary_request')
        .values({
          cooperative_id: A.coop.id,
          id,
          activity_id: activity,
          user_id: user,
          month: m,
          basis: 'employer_cost',
          amount_cents: cost,
          hours_centi: hours,
          employer_cost_cents: cost,
          gross_cents: Math.round(cost * 0.6),
          net_cents: Math.round(cost * 0.45),
          employer_contributions_cents: Math.round(cost * 0.4),
          employee_contributions_cents: Math.round(cost * 0.15),
          status,
          reason: null,
          decided_by: null,
          decided_at: null,
          paid_at: null,
          entry_id: null,
        })
        .execute();
    }
  });
  const all = await inA(async (trx) =>
    (
      await ledgerDb(trx).selectFrom('salary_request').select('id').where('cooperative_id', '=', A.coop.id).execute()
    ).map((r) => r.id),
  );
  const support = A.actor('support');
  const batch = await inA((trx) => runChecksMany(trx, support, 'salary', all));
  const byCheck = (fs: { checkId: string; data: Record<string, unknown> }[]) =>
    Object.fromEntries(fs.map((f) => [f.checkId, f.data]));
  const kinds = new Set<string>();
  for (const id of all) {
    const reference = await inA((trx) => perRequest(trx, support, id));
    assert.deepEqual(byCheck(batch.get(id)!), reference, id);
    assert.deepEqual(byCheck(await found(id)), reference, id);
    for (const k of Object.keys(reference)) kinds.add(k);
  }
  assert.deepEqual([...kinds].sort(), ['salary.envelope', 'salary.hours'], 'both checks found something');
  // The entrepreneur, on the requests of their own activity: the same as one at a time.
  const ent = A.actor('entrepreneur');
  const own = ids.filter((_, k) => requests[k][0] === A.activityId && requests[k][1] === A.users.entrepreneur.id);
  const mine = await inA((trx) => runChecksMany(trx, ent, 'salary', own));
  for (const id of own) assert.deepEqual(byCheck(mine.get(id)!), await inA((trx) => perRequest(trx, ent, id)), id);
  // The number of queries does not depend on how many requests are checked.
  const queries = async (list: string[]) =>
    (await countQueries(() => inA((trx) => runChecksMany(trx, support, 'salary', list)))).queries;
  assert.equal(await queries(all.slice(0, 2)), await queries(all));
});
