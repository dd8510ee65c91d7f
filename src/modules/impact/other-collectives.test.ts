// Other collectives (issue 16, item 10): a tiers-lieu registered beside a CAE uses Radieuse
// without the ERP. Its members see no ERP menu, the ERP pages answer 404 and the ERP services
// refuse them; the impact dashboard works and the ERP-computed indicators read « non applicable ».
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { navItems, seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { ForbiddenError, type Role } from '../../core/actor.ts';
import { ERP_MODULES } from '../../core/authz.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { getCooperative } from '../directory/index.ts';
import { listInvoices } from '../sales/index.ts';
import { listAccounts } from '../bank/index.ts';
import { cooperativeIndicators, networkIndicatorsSystem } from './indicators.service.ts';
import { REFERENTIAL } from './indicators.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let cae: TestCoop;
let lieu: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [cae, lieu] = await seedTestCooperatives(odb, { organisationTypes: ['cae', 'tiers_lieu'] });
});
after(async () => {
  await odb.close();
});

const ERP_CODES = REFERENTIAL.filter((d) => d.erp).map((d) => d.code);
const erpNav = (role: Role) =>
  navItems.filter((n) => n.module && ERP_MODULES.has(n.module) && (n.roles === 'all' || n.roles.includes(role)));

async function signed(coop: TestCoop, role: Role) {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}

test('the organisation type is stored with the cooperative; a CAE by default', async () => {
  assert.equal((await getCooperative(odb.db, cae.coop.id))?.organisationType, 'cae');
  assert.equal((await getCooperative(odb.db, lieu.coop.id))?.organisationType, 'tiers_lieu');
});

test('menus: the ERP entries are hidden from a tiers-lieu, shown to a CAE', async () => {
  for (const role of ['director', 'entrepreneur', 'accountant'] as Role[]) {
    const entries = erpNav(role);
    assert.ok(entries.length > 0, role);
    const inCae = (await (await signed(cae, role)).get('/')).html;
    const home = await (await signed(lieu, role)).get('/');
    assert.equal(home.res.status, 200, role);
    for (const n of entries) {
      assert.ok(inCae.includes(`href="${n.href}"`), `${role} CAE ${n.href}`);
      assert.ok(!home.html.includes(`href="${n.href}"`), `${role} tiers-lieu ${n.href}`);
    }
  }
  const dir = (await (await signed(lieu, 'director')).get('/')).html;
  assert.match(dir, /href="\/impact"/);
  assert.match(dir, /href="\/membres"/);
});

test('pages: every ERP entry answers 404 to a tiers-lieu member, not to a CAE member', async () => {
  for (const role of ['director', 'entrepreneur', 'accountant'] as Role[]) {
    const inCae = await signed(cae, role);
    const inLieu = await signed(lieu, role);
    for (const n of erpNav(role)) {
      assert.notEqual((await inCae.get(n.href)).res.status, 404, `${role} CAE ${n.href}`);
      assert.equal((await inLieu.get(n.href)).res.status, 404, `${role} tiers-lieu ${n.href}`);
    }
  }
  const dir = await signed(lieu, 'director');
  const posted = await dir.post('/factures', { customerId: '00000000-0000-4000-8000-000000000000' });
  assert.equal(posted.res.status, 404);
});

test('services: the ERP refuses a tiers-lieu actor whatever the role; the CAE is served', async () => {
  for (const [coop, refused] of [
    [cae, false],
    [lieu, true],
  ] as const) {
    await withTenant(odb.db, coop.coop.id, async (trx) => {
      const tx = trx as unknown as Tx;
      const actor = coop.actor('director');
      for (const run of [() => listInvoices(tx, actor), () => listAccounts(tx, actor)]) {
        if (refused) await assert.rejects(run(), ForbiddenError);
        else await run();
      }
    });
  }
});

test('impact: the dashboard works for a tiers-lieu; the ERP indicators read « non applicable »', async () => {
  const rows = await withTenant(odb.db, lieu.coop.id, (trx) =>
    cooperativeIndicators(trx as unknown as Tx, lieu.actor('director'), 2025),
  );
  for (const r of rows) assert.equal(!!r.notApplicable, ERP_CODES.includes(r.code), r.code);
  const caeRows = await withTenant(odb.db, cae.coop.id, (trx) =>
    cooperativeIndicators(trx as unknown as Tx, cae.actor('director'), 2025),
  );
  assert.ok(caeRows.every((r) => !r.notApplicable));
  const net = await networkIndicatorsSystem(odb.db, lieu.coop.networkId, 2025);
  const mine = net.cooperatives.find((c) => c.cooperative.id === lieu.coop.id)!;
  assert.deepEqual(
    mine.rows.filter((r) => r.notApplicable).map((r) => r.code),
    ERP_CODES,
  );
  assert.ok(net.network.every((r) => !r.notApplicable));

  const page = await (await signed(lieu, 'director')).get('/impact?annee=2025');
  assert.equal(page.res.status, 200);
  for (const code of REFERENTIAL.map((d) => d.code)) {
    const row = page.html.match(new RegExp(`<td>${code}</td>([\\s\\S]*?)</tr>`))?.[1] ?? '';
    assert.equal(row.includes('non applicable'), ERP_CODES.includes(code), code);
  }
  const caePage = await (await signed(cae, 'director')).get('/impact?annee=2025');
  assert.doesNotMatch(caePage.html, /non applicable/);
});
