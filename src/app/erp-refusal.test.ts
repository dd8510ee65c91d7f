// Without the ERP (a tiers-lieu, a collective), the ERP services refuse on their own, whatever
// the actor's roles: not only the pages (404) and the declared permissions, but also the services
// that check plain roles or leave the role to their caller. Each module's table (its testing.ts,
// gathered in testing-erp.ts) is tried with a tiers-lieu actor holding every role, which must be
// refused, and with a CAE's, which must not (whatever else the made-up arguments cause).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from './testing.ts';
import { ERP_REFUSAL_CASES } from './testing-erp.ts';
import { type Actor, ForbiddenError, ROLES } from '../core/actor.ts';
import { ERP_MODULES } from '../core/authz.ts';
import type { OpenDb } from '../core/db/index.ts';
import { withTenant } from '../core/db/tenant.ts';
import type { ErpRefusalCase } from '../core/testing-authz.ts';

let odb: OpenDb;
let cae: TestCoop;
let lieu: TestCoop;
before(async () => {
  odb = await createTestDb();
  [cae, lieu] = await seedTestCooperatives(odb, { organisationTypes: ['cae', 'tiers_lieu'] });
});
after(async () => {
  await odb.close();
});

class Rollback extends Error {}
const everyRole = (coop: TestCoop): Actor => ({ ...coop.actor('director'), roles: [...ROLES] });

/** What the service threw (null: it returned), its work rolled back. */
async function outcome(coop: TestCoop, c: ErpRefusalCase): Promise<unknown> {
  try {
    await withTenant(odb.db, coop.coop.id, async (trx) => {
      await c.run(trx, everyRole(coop));
      throw new Rollback();
    });
  } catch (e) {
    return e instanceof Rollback ? null : e;
  }
  return null;
}

test('every table belongs to an ERP module', () => {
  for (const m of Object.keys(ERP_REFUSAL_CASES)) assert.ok(ERP_MODULES.has(m), m);
});

for (const [module, cases] of Object.entries(ERP_REFUSAL_CASES)) {
  test(`${module}: each service refuses a tiers-lieu holding every role, and serves a CAE`, async () => {
    assert.ok(cases.length > 0);
    for (const c of cases) {
      const refused = await outcome(lieu, c);
      assert.ok(refused instanceof ForbiddenError, `${module}.${c.name} should refuse a tiers-lieu, got ${refused}`);
      const served = await outcome(cae, c);
      assert.ok(!(served instanceof ForbiddenError), `${module}.${c.name} should not refuse a CAE, got ${served}`);
    }
  });
}
