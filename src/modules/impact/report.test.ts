// The yearly impact report: network quartiles and trends by hand, the PDF parsed back (figures
// computed by hand on a hand-built data set, nothing on fewer than 5 people), the stored runs of
// the background job read by the dashboard and the reports, the SVG charts, and funders' links
// (only what was shared, 404 for the rest, withdrawn at once).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { extractText, getDocumentProxy } from 'unpdf';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { settleLocalJobs } from '../../core/jobs.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { createJourney, transitionJourney } from '../journeys/index.ts';
import { emptyMeasures, indicatorRows, type Measures } from './indicators.ts';
import { assembleNetwork } from './indicators.service.ts';
import { esfReport } from './esf-report.ts';
import { FRESH_MS, indicatorsQueue, latestRuns, yearFigures } from './indicator-history.service.ts';
import { esfSummary, networkQuartiles, reportCsv, reportRows, trendText, type ImpactReport } from './report.ts';
import { reportPdf } from './report-pdf.ts';
import { wilson } from './kit/stats.ts';

const flat = async (pdf: Buffer) => {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text.replace(/\s+/g, ' ');
};
const fr = (x: number) => String(Math.round(x * 10) / 10).replace('.', ',');
const coop = (id: string) => ({ id, slug: id, name: `Coopérative ${id}` });
const measures = (over: Partial<Measures>): Measures => ({ ...emptyMeasures(), ...over });

/** Hand-built year 2025 of cooperative c1, and five other cooperatives for the quartiles:
 *  women 6/10 (c1), 4/10, 5/10, 7/10, then 2/3 and 1/4 (c5, c6: hidden, never counted; two
 *  hidden cells, so no third one needs hiding to protect them). */
function handNetwork() {
  const c1 = measures({
    revenues: [1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000],
    conversion: { x: 6, n: 9 },
    positiveExits: { x: 2, n: 3 },
    women: { x: 6, n: 10 },
  });
  const others = [4, 5, 7].map((x) => measures({ women: { x, n: 10 }, conversion: { x: 5, n: 5 } }));
  const c5 = measures({ women: { x: 2, n: 3 } });
  const c6 = measures({ women: { x: 1, n: 4 } });
  return assembleNetwork(
    [c1, ...others, c5, c6].map((m, i) => ({ cooperative: coop(`c${i + 1}`) as never, m })),
    '2026-01-15T09:00:00.000Z',
  );
}

test('network quartiles from the published figures; trends in words', () => {
  const q = networkQuartiles(handNetwork()).get('D1')!;
  // 40, 50, 60, 70 % (c5, c6 hidden): Q1 = 40 + 0.75 × 10 = 47.5, median 55, Q3 = 62.5.
  assert.deepEqual(q, { q1: 47.5, median: 55, q3: 62.5, cooperatives: 4 });
  // B2: only c1 has exits (3 people): no quartiles.
  assert.equal(networkQuartiles(handNetwork()).get('B2'), null);
  const row = { value: 60, unit: '%', suppressed: false };
  assert.equal(trendText(row, 40, 2025), '+20 points depuis 2024');
  assert.equal(trendText(row, 60, 2025), 'stable depuis 2024');
  assert.equal(trendText({ value: '1200.00', unit: '€', suppressed: false }, '1500.00', 2025), '−300 € depuis 2024');
  assert.equal(trendText({ ...row, value: null, suppressed: true }, 40, 2025), 'pas de comparaison possible avec 2024');
});

test('the PDF parsed back carries the figures computed by hand and nothing under 5 people', async () => {
  const net = handNetwork();
  const rows = net.cooperatives[0]!.rows;
  const previous = indicatorRows(measures({ women: { x: 4, n: 10 }, conversion: { x: 2, n: 3 } }), 'x');
  // ESF: entrants 2025 by sex × age (women 5 + 6, men 7) and exits (own company: women 6, men 5;
  // salaried job: women 2, hidden with whatever would give it away).
  const esf = esfReport(
    {
      sexAge: [
        [5, 6, 0, 0],
        [0, 7, 0, 0],
        [0, 0, 0, 0],
      ],
      sexStatus: [
        [11, 0, 0, 0],
        [7, 0, 0, 0],
        [0, 0, 0, 0],
      ],
      sexExit: [
        [6, 2, 0, 0, 0],
        [5, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ],
    },
    2025,
  );
  const report: ImpactReport = {
    year: 2025,
    scope: 'cooperative',
    scopeName: 'Coopérative Élan & Compagnie',
    cooperatives: 1,
    computedAt: net.computedAt,
    rows: reportRows(rows, networkQuartiles(net), previous, 2025),
    esf: esfSummary(esf),
    sroi: [],
  };
  const text = await flat(await reportPdf(report, '15/01/2026'));
  assert.match(text, /Rapport d’impact 2025 — Coopérative Élan & Compagnie/);
  // A1: median of 10,000 / 20,000 / 30,000 / 40,000 / 50,000 € → 30 000,00 €, on 5 activities.
  assert.match(text, /Valeur : 30 000,00 € · personnes : 5/);
  // B1: 6 of 9 → 66,7 % with its Wilson interval; previous year hidden (3 people): no trend.
  const w = wilson(6, 9);
  assert.match(
    text,
    new RegExp(
      `Valeur : 66,7 % \\(intervalle à 95 % : ${fr(w.low * 100)} % – ${fr(w.high * 100)} %\\) · personnes : 9`,
    ),
  );
  assert.match(text, /B1 — Passage du CAPE au CESA .*?Évolution : pas de comparaison possible avec 2024/);
  // D1: 60 % against the network's 47,5 / 55 / 62,5 %, up 20 points from 40 % in 2024.
  assert.match(text, /D1 — Part des femmes Valeur : 60 %/);
  assert.match(
    text,
    /Réseau \(4 coopératives\) : 1er quartile 47,5 % · médiane 55 % · 3e quartile 62,5 % Évolution : \+20 points depuis 2024 \(2024 : 40 %\)/,
  );
  // B2: 3 people → hidden, and the 3 never shows.
  assert.match(text, /B2 — Sorties positives Valeur : moins de 5 personnes · personnes : moins de 5 personnes/);
  // ESF: 18 entrants (11 women, 7 men); the exits to a salaried job (2) never show.
  assert.match(text, /Entrées dans l’accompagnement : 18 Femmes : 11 Hommes : 7 Autre ou non renseigné : 0/);
  assert.match(text, /Emploi salarié : masqué/);
  for (const m of text.matchAll(/personnes : (\d+)/g)) assert.ok(Number(m[1]) >= 5 || m[1] === '0', m[0]);
  const esfPart = text.slice(text.indexOf('Participants 2025'));
  for (const m of esfPart.matchAll(/ : (\d+)/g)) assert.ok(Number(m[1]) >= 5 || m[1] === '0', m[0]);
  assert.doesNotMatch(text, /personnes : [1-4]\b/);
  // The CSV of the same rows.
  const csv = reportCsv(report, (cells) => cells.map(String).join(';'));
  assert.match(csv, /^D1;Part des femmes;60;%;10;/m);
  assert.match(csv, /^B2;Sorties positives;moins de 5 personnes;%;moins de 5 personnes;/m);
});

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  // Cooperative a: six CAPE in 2024; in 2025 five go on to a CESA after 90 days, one stops.
  await withTenant(odb.db, a.coop.id, async (trx) => {
    const tx = trx as unknown as Tx;
    const sup = a.actor('support');
    for (let i = 0; i < 6; i++) {
      const j = await createJourney(tx, sup, { displayName: `Personne ${i}`, startedOn: '2024-09-02' });
      await transitionJourney(tx, sup, j.id, { to: 'diagnostic', effectiveOn: '2024-09-05' });
      await transitionJourney(tx, sup, j.id, { to: 'cape', effectiveOn: '2024-10-10', capeEnd: '2025-09-30' });
      if (i < 5) await transitionJourney(tx, sup, j.id, { to: 'cesa', effectiveOn: '2025-01-08' });
      else await transitionJourney(tx, sup, j.id, { to: 'exit', effectiveOn: '2025-06-01', exitReason: 'stop' });
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

test('the background job stores every cooperative’s year with its coverage; fresh runs are read back', async () => {
  const q = indicatorsQueue(odb.db);
  await q.handler({ year: 2024 });
  await q.handler({ year: 2025 });
  const runs = await latestRuns(odb.db, [a.coop.id, b.coop.id], 2025);
  const ra = runs.get(a.coop.id)!;
  assert.equal(ra.coverage.journeys, 6);
  assert.equal(runs.get(b.coop.id)!.coverage.journeys, 0);
  // B1 of 2025 in a: six left CAPE, five for a CESA (on 90 days).
  const b1 = ra.rows.find((r) => r.code === 'B1')!;
  assert.deepEqual([b1.n, b1.value], [6, Math.round((5 / 6) * 1000) / 10]);
  const fresh = await yearFigures(odb.db, a.coop.networkId, 2025);
  assert.equal(fresh.fromStore, 2);
  assert.equal(fresh.computedAt <= new Date().toISOString(), true);
  // A day and more later the runs are stale: computed again on demand, but only the job stores.
  const later = await yearFigures(odb.db, a.coop.networkId, 2025, { now: Date.now() + FRESH_MS + 1000 });
  assert.equal(later.fromStore, 0);
  assert.ok(later.computedAt > ra.computedAt);
  assert.equal((await latestRuns(odb.db, [a.coop.id], 2025)).get(a.coop.id)!.computedAt, ra.computedAt);
  // Never stored: computed on demand, nothing written.
  const y2022 = await yearFigures(odb.db, a.coop.networkId, 2022);
  assert.equal(y2022.fromStore, 0);
  assert.equal((await latestRuns(odb.db, [a.coop.id, b.coop.id], 2022)).size, 0);
});

test('pages: reports listed, PDF/XLSX/CSV downloads, quartile columns and SVG trend charts', async () => {
  const net = await signed(a, 'network_admin');
  const list = await net.get('/impact/rapports');
  assert.equal(list.res.status, 200);
  assert.match(list.html, /Rapport d’impact/);
  assert.match(list.html, /href="\/impact\/rapports\/impact\.pdf\?annee=2025&amp;portee=reseau"/);
  const pdf = await net.bytes('/impact/rapports/impact.pdf?annee=2025&portee=reseau');
  assert.equal(pdf.res.status, 200);
  assert.equal(pdf.res.headers.get('content-type'), 'application/pdf');
  const text = await flat(Buffer.from(pdf.body));
  // The network pools a and b: B1 = 5/6 → 83,3 % on 6 people; 2024 had no exit from CAPE.
  assert.match(
    text,
    /B1 — Passage du CAPE au CESA Valeur : 83,3 % \(intervalle à 95 % : [\d,]+ % – [\d,]+ %\) · personnes : 6/,
  );
  assert.match(text, /Entrées dans l’accompagnement : /);
  for (const m of text.matchAll(/personnes : (\d+)/g)) assert.ok(Number(m[1]) >= 5 || m[1] === '0', m[0]);
  const xlsx = await net.bytes('/impact/rapports/impact.xlsx?annee=2025&portee=reseau');
  assert.equal(xlsx.res.status, 200);
  assert.equal(String.fromCharCode(xlsx.body[0]!, xlsx.body[1]!), 'PK');
  const csv = await net.get('/impact/rapports/impact.csv?annee=2025&portee=reseau');
  assert.match(csv.html, /^code,indicateur,valeur/);
  assert.match(csv.html, /^B1,Passage du CAPE au CESA,83\.3,%,6,/m);

  // The director reads the cooperative's report (a's B1 is hidden beside b's zero) but not the network's.
  const dir = await signed(a, 'director');
  const own = await flat(Buffer.from((await dir.bytes('/impact/rapports/impact.pdf?annee=2025')).body));
  assert.match(own, /B1 — Passage du CAPE au CESA Valeur : moins de 5 personnes/);
  assert.equal((await dir.get('/impact/rapports/impact.pdf?annee=2025&portee=reseau')).res.status, 403);
  for (const role of ['entrepreneur', 'accountant', 'support'] as const) {
    const u = await signed(a, role);
    assert.equal((await u.get('/impact/rapports')).res.status, 403, role);
    assert.equal((await u.get('/impact/rapports/impact.csv?annee=2025')).res.status, 403, role);
  }
  assert.equal((await dir.get('/impact/rapports/impact.pdf?annee=20x5')).res.status, 400);

  // Dashboard: quartile columns, one trend chart per indicator over 2024–2025, SVG downloads.
  const dash = await net.get('/impact?annee=2025');
  assert.equal(dash.res.status, 200);
  assert.match(dash.html, /Réseau : 1er quartile/);
  assert.match(dash.html, /Évolution sur les années/);
  assert.match(
    dash.html,
    /aria-label="B1 Passage du CAPE au CESA, évolution : 2024 : [^"]*; 2025 : [^"]*réseau 83,3 %/,
  );
  assert.match(dash.html, /href="\/impact\/graphiques\/evolution-B1\.svg\?annee=2025"/);
  const svg = await net.get('/impact/graphiques/evolution-B1.svg?annee=2025');
  assert.equal(svg.res.status, 200);
  assert.match(svg.res.headers.get('content-type') ?? '', /^image\/svg\+xml/);
  assert.match(svg.html, /^<\?xml[^>]*>\n<svg[^>]*role="img"/);
  assert.equal((await net.get('/impact/graphiques/barres.svg?annee=2025')).res.status, 200);
  assert.equal((await net.get('/impact/graphiques/evolution-ZZ.svg?annee=2025')).res.status, 404);
  const ent = await signed(a, 'entrepreneur');
  assert.equal((await ent.get('/impact/graphiques/barres.svg?annee=2025')).res.status, 403);

  // « Recalculer maintenant »: network staff ask the queue; the runs of 2023 appear once it ran.
  assert.equal((await latestRuns(odb.db, [a.coop.id, b.coop.id], 2023)).size, 0);
  assert.equal((await dir.post('/impact/recalcul?annee=2023', {})).res.status, 403);
  const asked = await net.post('/impact/recalcul?annee=2023', {});
  assert.equal(asked.res.status, 303);
  await settleLocalJobs();
  assert.equal((await latestRuns(odb.db, [a.coop.id, b.coop.id], 2023)).size, 2);
});

test('funders: a link that opens only the reports shared with it, withdrawn at once', async () => {
  const dir = await signed(a, 'director');
  await dir.get('/impact/rapports');
  const shared = await dir.post('/impact/rapports/partages', {
    name: 'Région Exemple',
    email: 'Fse@Region.example',
    report: 'impact-cooperative-2025',
  });
  assert.equal(shared.res.status, 200);
  const link = /\/financeur\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{32})/.exec(shared.html)?.[1];
  assert.ok(link, 'the link is shown once');
  // A second report for the same funder (same address): no new link.
  const again = await dir.post('/impact/rapports/partages', {
    name: '',
    email: 'fse@region.example',
    report: 'fse-cooperative-2025',
  });
  assert.doesNotMatch(again.html, /\/financeur\/[0-9a-f-]{36}\./);
  assert.match(again.html, /Région Exemple/);
  // A director may not share the network's report; bad input answers 400 with the field.
  const netShare = await dir.post('/impact/rapports/partages', {
    name: 'X',
    email: 'x@example.org',
    report: 'impact-reseau-2025',
  });
  assert.equal(netShare.res.status, 403);
  const bad = await dir.post('/impact/rapports/partages', { name: 'X', email: 'pas-une-adresse', report: 'zzz' });
  assert.equal(bad.res.status, 400);

  const funder = new TestClient(app);
  const page = await funder.get(`/financeur/${link}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Rapports partagés avec Région Exemple/);
  assert.match(page.html, /impact-cooperative-2025\.pdf/);
  assert.match(page.html, /fse-cooperative-2025\.xlsx/);
  const pdf = await funder.bytes(`/financeur/${link}/impact-cooperative-2025.pdf`);
  assert.equal(pdf.res.status, 200);
  assert.match(await flat(Buffer.from(pdf.body)), new RegExp(`Rapport d’impact 2025 — ${a.coop.name}`));
  assert.equal((await funder.bytes(`/financeur/${link}/fse-cooperative-2025.csv`)).res.status, 200);
  // Anything not shared: 404; other pages: no session, never a 200.
  for (const other of [
    'impact-cooperative-2024.pdf',
    'impact-reseau-2025.pdf',
    'fse-reseau-2025.csv',
    'fse-cooperative-2025.pdf',
    '../impact',
  ])
    assert.equal((await funder.get(`/financeur/${link}/${other}`)).res.status, 404, other);
  assert.equal((await funder.get(`/financeur/${b.coop.id}.${link.split('.')[1]}`)).res.status, 404);
  // A secret one character off (never the same one: a secret ending in « A » made this flaky).
  const offByOne = `${link.slice(0, -1)}${link.endsWith('A') ? 'B' : 'A'}`;
  assert.equal((await funder.get(`/financeur/${offByOne}`)).res.status, 404);
  for (const path of ['/impact', '/impact/rapports', '/impact/rapports/impact.pdf?annee=2025'])
    assert.notEqual((await funder.get(path)).res.status, 200, path);

  // Withdrawn: the link answers 404 at once.
  const list = await dir.get('/impact/rapports');
  const id = /action="\/impact\/financeurs\/([0-9a-f-]{36})\/retirer"/.exec(list.html)?.[1];
  assert.ok(id);
  const ent = await signed(a, 'entrepreneur');
  assert.equal((await ent.post(`/impact/financeurs/${id}/retirer`, {})).res.status, 403);
  assert.equal((await dir.post(`/impact/financeurs/${id}/retirer`, {})).res.status, 303);
  assert.equal((await funder.get(`/financeur/${link}`)).res.status, 404);
  assert.equal((await funder.bytes(`/financeur/${link}/impact-cooperative-2025.pdf`)).res.status, 404);

  // Network staff share the network's report.
  const net = await signed(a, 'network_admin');
  await net.get('/impact/rapports');
  const r = await net.post('/impact/rapports/partages', {
    name: 'Fonds social européen',
    email: 'fse@europe.example',
    report: 'impact-reseau-2025',
  });
  const netLink = /\/financeur\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{32})/.exec(r.html)?.[1];
  assert.ok(netLink);
  const netPdf = await new TestClient(app).bytes(`/financeur/${netLink}/impact-reseau-2025.pdf`);
  assert.equal(netPdf.res.status, 200);
  assert.match(await flat(Buffer.from(netPdf.body)), /Rapport d’impact 2025 — Réseau/);
});
