// The search box of the supplier list (core/db/text-search.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createSupplier, listSuppliers } from './supplier.service.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  for (const name of ['Imprimerie Générale', 'Papeterie_Centrale', 'Papeterie Centrale 2'])
    await withTenant(odb.db, A.coop.id, (trx) => createSupplier(trx, A.actor('entrepreneur'), { name }));
  await withTenant(odb.db, B.coop.id, (trx) =>
    createSupplier(trx, B.actor('entrepreneur'), { name: 'Imprimerie Générale de B' }),
  );
});
after(() => odb?.close());

const names = async (q: string, coop = A) =>
  (await withTenant(odb.db, coop.coop.id, (trx) => listSuppliers(trx, coop.actor('entrepreneur'), { q }))).map(
    (s) => s.name,
  );

test('suppliers: typo, accents, prefix, literal _ and %, own cooperative only', async () => {
  assert.deepEqual(await names('imprimrie generale'), ['Imprimerie Générale']);
  assert.deepEqual(await names('GÉNÉR'), ['Imprimerie Générale']);
  assert.deepEqual(await names('impr'), ['Imprimerie Générale']);
  assert.deepEqual(await names('e_c'), ['Papeterie_Centrale']);
  assert.deepEqual(await names('%'), []);
  assert.deepEqual(await names('generale', B), ['Imprimerie Générale de B']);
  assert.equal((await names('')).length, 3);
});
