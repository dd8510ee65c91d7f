// The ESF participants report: counts on a hand-built data set, suppression (no cell under 5,
// none rebuilt from the margins), and the pages and downloads with their permissions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import type { StatisticalProfile } from '../directory/index.ts';
import { createJourney, transitionJourney, type JourneyFact } from '../journeys/index.ts';
import { ageCol, entryDate, esfCounts, esfCsv, esfReport, esfRows, statusCol } from './esf-report.ts';
import { derivableCells } from './kit/suppression.ts';

const journey = (userId: string, steps: [string | null, string, string, string?][]): JourneyFact => ({
  userId,
  stage: steps.at(-1)![1],
  transitions: steps.map(([from, to, on, exitReason]) => ({ from, to, on, exitReason: exitReason ?? null })),
  attendedWorkshopInYear: false,
});

test('counts by hand: entrants crossed by sex, age band and status at entry; exits by outcome', () => {
  const profiles: StatisticalProfile[] = [];
  const journeys: JourneyFact[] = [];
  const person = (id: string, gender: 'F' | 'M' | null, birthYear: number | null, status: string | null) =>
    profiles.push({ userId: id, gender, birthYear, statusAtEntry: status });
  // 8 women entering CAPE in 2025: 3 under 25 (born 2002), 5 aged 30 (born 1995); 6 job seekers, 2 employed.
  for (let i = 0; i < 8; i++) {
    person(`f${i}`, 'F', i < 3 ? 2002 : 1995, i < 6 ? 'demandeur_emploi' : 'salarie');
    journeys.push(
      journey(`f${i}`, [
        [null, 'contact', '2024-11-02'],
        ['diagnostic', 'cape', '2025-02-01'],
      ]),
    );
  }
  // 6 men entering CESA directly in 2025, aged 60 (born 1965), status unknown; 2 leave in 2025 for a job.
  for (let i = 0; i < 6; i++) {
    person(`m${i}`, 'M', 1965, null);
    journeys.push(
      journey(`m${i}`, [
        [null, 'contact', '2025-01-05'],
        ['contact', 'cesa', '2025-03-01'],
        ...(i < 2 ? ([['cesa', 'exit', '2025-10-01', 'salaried_job']] as [string, string, string, string][]) : []),
      ]),
    );
  }
  // Entered in 2024 (not an entrant of 2025) and left in 2025 to create a company.
  person('old', 'F', 1980, 'rsa');
  journeys.push(
    journey('old', [
      [null, 'cape', '2024-03-01'],
      ['cape', 'exit', '2025-05-01', 'own_company'],
    ]),
  );
  // No account, no profile: counted in « non renseigné ».
  journeys.push({ ...journey('', [[null, 'cape', '2025-06-01']]), userId: null });
  // A prospect who never entered the support is not a participant.
  journeys.push(journey('p', [[null, 'info_meeting', '2025-04-01']]));

  const c = esfCounts({ journeys, profiles }, 2025);
  assert.deepEqual(c.sexAge, [
    [3, 5, 0, 0],
    [0, 0, 6, 0],
    [0, 0, 0, 1],
  ]);
  assert.deepEqual(c.sexStatus, [
    [6, 2, 0, 0],
    [0, 0, 0, 6],
    [0, 0, 0, 1],
  ]);
  assert.deepEqual(c.sexExit, [
    [1, 0, 0, 0, 0],
    [0, 2, 0, 0, 0],
    [0, 0, 0, 0, 0],
  ]);
  assert.equal(entryDate(journeys[0]!.transitions), '2025-02-01');
  assert.deepEqual([ageCol(2001, 2025), ageCol(2000, 2025), ageCol(1971, 2025), ageCol(1970, 2025)], [0, 1, 1, 2]);
  assert.equal(ageCol(2026, 2025), 3, 'born after entry: unknown');
  assert.deepEqual(
    ['rsa', 'salarie', 'etudiant', null].map((s) => statusCol(s)),
    [0, 1, 2, 3],
  );

  // Suppression: every published interior or margin cell counts 0 or at least 5, and no hidden
  // cell can be rebuilt from what is published.
  const r = esfReport(c, 2025);
  for (const t of r.tables) {
    const published = [...t.table.cells.flat(), ...t.table.rowTotals, ...t.table.colTotals, t.table.total];
    for (const v of published) assert.ok(v === null || v === 0 || v >= 5, `${t.id}: ${v}`);
    const hidden = new Set<string>();
    const R = t.rowLabels.length;
    const C = t.colLabels.length;
    t.table.cells.forEach((row, i) => {
      row.forEach((v, j) => {
        if (v === null) hidden.add(`${i},${j}`);
      });
    });
    t.table.rowTotals.forEach((v, i) => {
      if (v === null) hidden.add(`${i},${C}`);
    });
    t.table.colTotals.forEach((v, j) => {
      if (v === null) hidden.add(`${R},${j}`);
    });
    if (t.table.total === null) hidden.add(`${R},${C}`);
    assert.deepEqual(derivableCells(R, C, hidden), [], t.id);
  }
  const sexAge = r.tables[0]!.table;
  assert.equal(sexAge.cells[0]![0], null, '3 women under 25: hidden');
  assert.equal(sexAge.primary[0]![0], true);
  // Protecting them (and the one person without a profile) hides their rows; what stays
  // published cannot give them away: the age columns 25–54 (5) and 55+ (6), and the 15 entrants.
  assert.deepEqual([sexAge.colTotals[1], sexAge.colTotals[2], sexAge.total], [5, 6, 15]);
  // The long format carries every cell once, totals included; hidden ones say so in the CSV.
  assert.equal(esfRows(r).length, 3 * 4 + 3 + 4 + 1 + (3 * 4 + 3 + 4 + 1) + (3 * 5 + 3 + 5 + 1));
  const csv = esfCsv(r, (cells) => cells.join(',')).split('\n');
  assert.equal(csv[0], 'tableau,ligne,colonne,personnes');
  assert.ok(csv.some((l) => l.endsWith('Femmes,Moins de 25 ans,moins de 5 personnes (masqué)')));
});

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  // Seven people enter CAPE in 2025 in cooperative a (no account: sex and age « non renseigné »); one leaves.
  await withTenant(odb.db, a.coop.id, async (trx) => {
    const tx = trx as unknown as Tx;
    const sup = a.actor('support');
    for (let i = 0; i < 7; i++) {
      const j = await createJourney(tx, sup, { displayName: `Personne ${i}`, startedOn: '2025-01-02' });
      await transitionJourney(tx, sup, j.id, { to: 'diagnostic', effectiveOn: '2025-01-05' });
      await transitionJourney(tx, sup, j.id, { to: 'cape', effectiveOn: '2025-01-10', capeEnd: '2025-12-31' });
      if (i === 0)
        await transitionJourney(tx, sup, j.id, { to: 'exit', effectiveOn: '2025-06-01', exitReason: 'stop' });
    }
  });
});
after(async () => {
  await odb.close();
});

async function signed(coop: TestCoop, role: 'support' | 'entrepreneur' | 'director' | 'network_admin' | 'accountant') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}

test('pages and downloads: the direction reads its cooperative, the network pools; others get 403', async () => {
  const dir = await signed(a, 'director');
  const page = await dir.get('/impact/rapports/fse?annee=2025');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Rapport FSE — participants 2025/);
  assert.match(page.html, /<td class="num" data-label="Âge non renseigné">7<\/td>/);
  assert.match(page.html, /moins de 5/, 'the single exit is hidden');
  const csv = await dir.get('/impact/rapports/fse.csv?annee=2025');
  assert.equal(csv.res.status, 200);
  assert.match(
    csv.res.headers.get('content-disposition') ?? '',
    /attachment; filename="rapport-fse-participants-2025\.csv"/,
  );
  assert.equal(csv.html.split('\n')[0], 'tableau,ligne,colonne,personnes');
  assert.match(csv.html, /Autre ou non renseigné,Âge non renseigné,7/);
  const xlsx = await dir.bytes('/impact/rapports/fse.xlsx?annee=2025');
  assert.equal(xlsx.res.status, 200);
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(xlsx.body) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('Sexe et âge')!;
  assert.equal(ws.getRow(5).getCell(5).value, 7, 'row « Autre ou non renseigné », column « Âge non renseigné »');
  assert.equal(ws.getRow(6).getCell(6).value, 7, 'grand total');
  // A director may not pool the network; network staff may, and see both cooperatives' people.
  assert.equal((await dir.get('/impact/rapports/fse?annee=2025&portee=reseau')).res.status, 403);
  const net = await signed(b, 'network_admin');
  const pooled = await net.get('/impact/rapports/fse?annee=2025&portee=reseau');
  assert.equal(pooled.res.status, 200);
  assert.match(pooled.html, /Réseau : \d+ coopératives/);
  assert.match(pooled.html, /<td class="num" data-label="Total">7<\/td>/);
  const own = await net.get('/impact/rapports/fse?annee=2025');
  assert.doesNotMatch(own.html, /data-label="Âge non renseigné">7</, "b's own report holds none of a's people");
  for (const role of ['entrepreneur', 'support', 'accountant'] as const) {
    const u = await signed(a, role);
    assert.equal((await u.get('/impact/rapports/fse')).res.status, 403, role);
    assert.equal((await u.get('/impact/rapports/fse.csv')).res.status, 403, role);
  }
  for (const bad of ['abcd', '1899', '99999', "2025'"])
    assert.equal((await dir.get(`/impact/rapports/fse?annee=${bad}`)).res.status, 400, bad);
});
