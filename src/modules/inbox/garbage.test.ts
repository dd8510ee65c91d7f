// Garbage in the address or in a form (an id that is no UUID, a NUL byte, an absurd number, an
// unknown choice) gets a French answer, 400 or 404, on every inbox page: never a server error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let a: TestCoop;
const NOT_A_UUID = 'pas-un-identifiant';

before(async () => {
  t = await createTestApp();
  [a] = await seedTestCooperatives(t.odb);
});
after(async () => {
  await t?.odb.close();
});

async function signed(role: 'director' | 'entrepreneur') {
  const c = new TestClient(t.app);
  await c.signIn(a.users[role].email, TEST_PASSWORD);
  return c;
}
const frenchPage = (html: string) => /lang="fr"/.test(html) && !/Oups/.test(html);

test('ids that are no UUID answer 404 in French', async () => {
  const dir = await signed('director');
  for (const path of [`/a-faire/factures/${NOT_A_UUID}/envoyee`, `/validation/${NOT_A_UUID}/exception`]) {
    const r = await dir.post(path, { reason: 'Une raison assez longue pour valider.' });
    assert.equal(r.res.status, 404, path);
    assert.ok(frenchPage(r.html), path);
  }
  const anon = new TestClient(t.app);
  for (const path of ['/public/desabonnement/token/inconnu', '/public/calendrier-admin/token/inconnu'])
    assert.equal((await anon.get(path)).res.status, 404, path);
});

test('absurd numbers and unknown choices answer 400 with a French message', async () => {
  const dir = await signed('director');
  const cases: [string, Record<string, string>][] = [
    ['/a-faire/reporter', { key: 'sales.invoice.submit:1', days: '1e309' }],
    ['/a-faire/reporter', { key: 'sales.invoice.submit:1', days: '-7' }],
    ['/a-faire/reporter', { key: 'a\u0007b', days: '7' }],
    ['/preferences-notifications', { frequency: 'constructor' }],
    ['/preferences-notifications', { frequency: 'toString' }],
    ['/validation/reglages', { outlierFactor: '1e309', outlierMinHistory: '3', duplicateDays: '7' }],
  ];
  for (const [path, form] of cases) {
    const r = await dir.post(path, form);
    assert.equal(r.res.status, 400, `${path} ${JSON.stringify(form)}`);
    assert.ok(frenchPage(r.html), path);
  }
});

test('a NUL byte in the address or in a form answers 400', async () => {
  const dir = await signed('director');
  for (const path of ['/calendrier-admin?x=%00', '/validation?x=%00'])
    assert.equal((await dir.get(path)).res.status, 400, path);
  for (const [path, form] of [
    ['/a-faire/reporter', { key: 'x\u0000y', days: '7' }],
    ['/preferences-notifications', { frequency: 'daily\u0000' }],
    ['/validation/lot', { ids: '\u0000' }],
  ] as const) {
    const r = await dir.post(path, form);
    assert.equal(r.res.status, 400, path);
    assert.match(r.html, /caractère interdit/, path);
  }
  const anon = new TestClient(t.app);
  assert.equal((await anon.get('/public/desabonnement/token/%00')).res.status, 400);
  assert.equal((await anon.get('/public/calendrier-admin/token/%00')).res.status, 400);
});
