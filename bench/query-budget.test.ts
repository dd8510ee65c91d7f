// Queries per page (issue 17, "no N+1"): each main page, as the person who uses it, runs at most
// its budget of SQL queries, and the count does not grow when the cooperative's sales are
// multiplied (the network generator puts each sale three times): a page that ran one query per
// invoice, per line or per person would exceed its budget on the bigger data set.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_PASSWORD } from '../src/app/demo.ts';
import { createDemoTestDb, testConfig } from '../src/app/testing.ts';
import { createTestApp, TestClient } from '../src/app/testing-web.ts';
import type { OpenDb } from '../src/core/db/index.ts';
import { countQueries } from '../src/core/db/query-count.ts';
import { generateNetwork } from './generate/network.ts';

/** Page → the most queries it may run (today's count plus a little room). */
const BUDGETS: [string, string, number][] = [
  ['entrepreneur@canopee.demo', '/', 88], // 81 on both backends, flat: the drafts' checks run on the whole list (was 93 → 129, one run per draft)
  ['entrepreneur@canopee.demo', '/factures', 16],
  ['entrepreneur@canopee.demo', '/devis', 12],
  ['entrepreneur@canopee.demo', '/compte-activite', 20],
  ['entrepreneur@canopee.demo', '/notes-de-frais', 22],
  ['entrepreneur@canopee.demo', '/salaire', 24],
  ['support@canopee.demo', '/validation', 86], // 80, flat: each type's checks run on the whole queue (was 82)
  ['support@canopee.demo', '/accompagnement', 16],
  ['support@canopee.demo', '/factures?statut=all', 15],
  ['director@canopee.demo', '/direction', 20],
  ['director@canopee.demo', '/comptabilite', 13],
  ['director@canopee.demo', '/banque', 26],
];

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
const clients = new Map<string, TestClient>();
before(async () => {
  odb = await createDemoTestDb();
  ({ app } = await createTestApp({ odb }));
  for (const email of new Set(BUDGETS.map(([e]) => e))) {
    const c = new TestClient(app);
    assert.equal((await c.signIn(email, DEMO_PASSWORD)).res.status, 302, email);
    clients.set(email, c);
  }
});
after(() => odb?.close());

async function count(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [email, path] of BUDGETS) {
    const c = clients.get(email)!;
    await c.get(path); // warm caches (chart of accounts, settings) so both runs count the same
    const { result, queries } = await countQueries(() => c.get(path));
    assert.equal(result.res.status, 200, `${path} as ${email}`);
    out.set(path, queries);
  }
  return out;
}

test('each main page stays within its query budget, and the count does not grow with the data', async () => {
  const small = await count();
  await generateNetwork(odb, { cooperatives: 3, years: 2, salesDensity: 3, fileKey: testConfig().fileKey });
  const big = await count();
  const report = BUDGETS.map(([, p, b]) => `${p} ${small.get(p)}→${big.get(p)} (budget ${b})`);
  console.log(`# queries per page: ${report.join(' · ')}`);
  for (const [, path, budget] of BUDGETS) {
    assert.ok(
      big.get(path)! <= small.get(path)!,
      `${path}: ${small.get(path)} queries, ${big.get(path)} with 3× the sales`,
    );
    assert.ok(big.get(path)! <= budget, `${path}: ${big.get(path)} queries, budget ${budget}`);
  }
});
