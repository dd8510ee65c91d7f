import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { computeInbox } from '../inbox/index.ts';
import { sell, testCustomer } from './test-helpers.ts';
import { requestSalary, nextMonth } from './salary/salary-request.service.ts';
import { warmUp } from './salary/salary-engine.ts';
import './inbox.ts';

let odb: OpenDb;
let A: TestCoop;
before(async () => {
  warmUp();
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  await withTenant(odb.db, A.coop.id, async (trx) => {
    const s = A.actor('support');
    await sell(trx, s, {
      activityId: A.activityId,
      customerId: await testCustomer(trx, s),
      unitCents: 500_000,
      payCents: 600_000,
    });
  });
});
after(async () => {
  await odb.close();
});

const kinds = (who: 'entrepreneur' | 'support', today: string) =>
  withTenant(odb.db, A.coop.id, async (trx) =>
    (await computeInbox(trx, A.actor(who), today)).filter((i) => i.kind.startsWith('ledger.salary')).map((i) => i.kind),
  );

test("the salary request item appears from the 15th when there is money, then gives way to support's decision item", async () => {
  const month = todayParis().slice(0, 7);
  const B = await seedTestCooperatives(odb, { withPasswords: false });
  const empty = await withTenant(odb.db, B[0].coop.id, async (trx) =>
    (await computeInbox(trx, B[0].actor('entrepreneur'), `${month}-16`)).filter(
      (i) => i.kind === 'ledger.salary.request',
    ),
  );
  assert.deepEqual(empty, [], 'an activity with an empty envelope gets no salary item');
  assert.deepEqual(await kinds('entrepreneur', `${month}-10`), [], 'not before the 15th');
  assert.deepEqual(await kinds('entrepreneur', `${month}-16`), ['ledger.salary.request']);
  assert.deepEqual(await kinds('support', `${month}-16`), []);
  await withTenant(odb.db, A.coop.id, (trx) =>
    requestSalary(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      month: nextMonth(),
      basis: 'employer_cost',
      amountCents: 200_000,
    }),
  );
  assert.deepEqual(await kinds('entrepreneur', `${month}-16`), [], 'the request is made: the item is gone');
  assert.deepEqual(await kinds('support', `${month}-16`), ['ledger.salary.decide']);
});
