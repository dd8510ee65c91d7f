// The automatic checks of salary requests (registered in ledger/inbox.ts): within the envelope of
// the activity, hours of the month plausible; and their place in the validation queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../../app/testing.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { uuidv7 } from '../../../core/ids.ts';
import type { OpenDb } from '../../../core/db/index.ts';
import { runChecks, validationQueue, validateDocumentBatch } from '../../inbox/index.ts';
import { sell, testCustomer } from '../test-helpers.ts';
import { requestSalary, nextMonth, getSalaryRequest } from './salary-request.service.ts';
import { warmUp } from './salary-engine.ts';
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
