// Saved SROI scenarios: the worked example saved and a variant, listed with their present values
// and ratios, reopened with the form as typed, compared side by side; another cooperative's
// scenario is 404; entrepreneurs cannot use the calculator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { extractText, getDocumentProxy } from 'unpdf';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});
async function signed(coop: TestCoop, role: 'support' | 'entrepreneur') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}
const WORKED = {
  name: 'Retour à l’emploi',
  investment: '150000',
  discount_rate: '3.5',
  quantity: '40',
  proxy: '12000',
  deadweight: '25',
  displacement: '0',
  attribution: '20',
  drop_off: '10',
  duration_years: '3',
};

test('scenarios: saved, listed, reopened as typed, compared; scoped to the cooperative', async () => {
  const sup = await signed(a, 'support');
  const noName = await sup.post('/impact/sroi', { ...WORKED, save: '1', scenario_title: '' });
  assert.equal(noName.res.status, 400);
  assert.match(noName.html, /Donnez un nom au scénario/);
  const first = await sup.post('/impact/sroi', { ...WORKED, save: '1', scenario_title: 'Exemple des règles' });
  assert.equal(first.res.status, 200);
  assert.match(first.html, /Scénario « Exemple des règles » enregistré/);
  // Attribution 40 %: year 1 = 40 × 12 000 × 0,75 × 0,6 = 216 000; 194 400; 174 960 → PV 547 974,03; ratio 3,65.
  const second = await sup.post('/impact/sroi', {
    ...WORKED,
    attribution: '40',
    save: '1',
    scenario_title: 'Attribution prudente',
  });
  assert.equal(second.res.status, 200);
  const list = await sup.get('/impact/sroi');
  assert.match(
    list.html,
    /Exemple des règles<\/a><\/th><td class="num">730[\s\u202f\u00a0]632,04 €<\/td><td class="num">4,87 : 1/,
  );
  assert.match(
    list.html,
    /Attribution prudente<\/a><\/th><td class="num">547[\s\u202f\u00a0]974,03 €<\/td><td class="num">3,65 : 1/,
  );
  const ids = [...list.html.matchAll(/\/impact\/sroi\?scenario=([0-9a-f-]{36})/g)].map((m) => m[1]!);
  assert.equal(ids.length, 2);
  const reopened = await sup.get(`/impact/sroi?scenario=${ids[0]}`);
  assert.equal(reopened.res.status, 200);
  assert.match(reopened.html, /name="attribution" type="text" value="40"/);
  assert.match(reopened.html, /id="sroi-ratio">3,65 : 1/);
  const cmp = await sup.get(`/impact/sroi/comparer?s=${ids[0]}&s=${ids[1]}`);
  assert.equal(cmp.res.status, 200);
  assert.match(cmp.html, /Attribution \(%\)<\/th><td class="num">40<\/td><td class="num">20<\/td>/);
  // Scoped: another cooperative gets 404; junk ids 404; entrepreneurs 403.
  const other = await signed(b, 'support');
  assert.equal((await other.get(`/impact/sroi?scenario=${ids[0]}`)).res.status, 404);
  assert.equal((await other.get(`/impact/sroi/comparer?s=${ids[0]}`)).res.status, 404);
  assert.doesNotMatch((await other.get('/impact/sroi')).html, /Exemple des règles/);
  assert.equal((await sup.get('/impact/sroi?scenario=junk')).res.status, 404);
  assert.equal((await (await signed(a, 'entrepreneur')).get('/impact/sroi/comparer?s=x')).res.status, 403);
});

test('the yearly impact report lists the saved scenarios with ratio and sensitivity range (PDF, CSV, XLSX)', async () => {
  const sup = await signed(a, 'support');
  await sup.post('/impact/sroi', { ...WORKED, save: '1', scenario_title: 'Rapport annuel' });
  const year = new Date().getFullYear();
  const dir = new TestClient(app);
  await dir.signIn(a.users.director.email, TEST_PASSWORD);
  // The worked example's sensitivity (kit.test.ts): lowest ratio 3.47 (2 years instead of 3),
  // highest 6.09 (4 years): the range of every assumption varied.
  const csv = await dir.get(`/impact/rapports/impact.csv?annee=${year}`);
  assert.equal(csv.res.status, 200);
  assert.match(csv.html, /^SROI,Rapport annuel,4\.87,: 1,,3\.47,6\.09,,,,,valeur actuelle 730632\.04 €$/m);
  const pdf = await dir.bytes(`/impact/rapports/impact.pdf?annee=${year}`);
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf.body)), { mergePages: true });
  assert.match(
    text.replace(/\s+/g, ' '),
    /Rapport annuel : valeur actuelle 730 632,04 €, ratio 4,87 : 1 ; sensibilité de 3,47 : 1 à 6,09 : 1/,
  );
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await dir.bytes(`/impact/rapports/impact.xlsx?annee=${year}`)).body as never);
  const rows = (wb.getWorksheet('SROI')!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
  assert.deepEqual(
    rows.find((r) => r[0] === 'Rapport annuel'),
    ['Rapport annuel', a.coop.name, 730632.04, 4.87, 3.47, 6.09],
  );
  // Last year's report: saved this year, so not listed. Another cooperative's report: not listed.
  assert.doesNotMatch((await dir.get(`/impact/rapports/impact.csv?annee=${year - 1}`)).html, /^SROI,/m);
  const otherDir = new TestClient(app);
  await otherDir.signIn(b.users.director.email, TEST_PASSWORD);
  assert.doesNotMatch((await otherDir.get(`/impact/rapports/impact.csv?annee=${year}`)).html, /^SROI,/m);
  // The network's report names the cooperative beside each scenario.
  const net = new TestClient(app);
  await net.signIn(a.users.network_admin.email, TEST_PASSWORD);
  assert.match(
    (await net.get(`/impact/rapports/impact.csv?annee=${year}&portee=reseau`)).html,
    new RegExp(`^SROI,Rapport annuel \\(${a.coop.name}\\),4\\.87,: 1,,3\\.47,6\\.09,`, 'm'),
  );
});
