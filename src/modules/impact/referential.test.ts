// The editable referential over HTTP: network staff add a survey-based indicator bound to a
// question of the QVT barometer, its figure computed by hand and naming its version, a next
// version changing the aggregation (the old version kept), the wording of an ERP indicator
// versioned, small cells hidden across cooperatives; directors read, never write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { builtinDef } from './kit/questionnaire.ts';

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

async function signed(coop: TestCoop, role: 'support' | 'entrepreneur' | 'director' | 'network_admin') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}
const linksOf = (html: string) =>
  [...html.matchAll(/https?:\/\/[^\s<]*\/enquete\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{32})/g)].map((m) => m[1]!);
const barometer = (set: Record<string, string>) => ({
  ...Object.fromEntries(builtinDef('qvt_entrepreneurs').questions.map((q) => [q.id, '3'])),
  ...set,
});
async function wave(coop: TestCoop, n: number, answers: Record<string, string>) {
  const sup = await signed(coop, 'support');
  const r = await sup.post('/impact/enquetes', { questionnaire: 'qvt_entrepreneurs', title: 'QVT', links: String(n) });
  assert.equal(r.res.status, 200);
  const anon = new TestClient(app);
  for (const l of linksOf(r.html)) assert.equal((await anon.post(`/enquete/${l}`, answers)).res.status, 200);
}

test('network staff add a survey indicator, version it; figures name their version; small cells hidden', async () => {
  // Coop A: e_wl1 at 5 for three people, at 2 for two. Coop B: three answers only.
  await wave(a, 3, barometer({ e_wl1: '5' }));
  await wave(a, 2, barometer({ e_wl1: '2' }));
  await wave(b, 3, barometer({ e_wl1: '4' }));

  const net = await signed(a, 'network_admin');
  const form = await net.get('/impact/referentiel/nouveau');
  assert.equal(form.res.status, 200);
  assert.match(form.html, /qvt_entrepreneurs::e_wl1/);
  // Errors beside the fields; an existing code is refused.
  const bad = await net.post('/impact/referentiel', {
    code: 'A1',
    name: 'x',
    definition: 'court',
    question: 'qvt_entrepreneurs::e_wl1',
    aggregation: 'share',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Ce code existe déjà/);
  assert.match(bad.html, /Cochez au moins une réponse/);
  const meanOfText = await net.post('/impact/referentiel', {
    code: 'S9',
    name: 'Texte agrégé',
    definition: 'Une moyenne sur une question qui ne s’y prête pas.',
    question: 'qvt_entrepreneurs::nope',
    aggregation: 'mean',
  });
  assert.equal(meanOfText.res.status, 400);
  assert.match(meanOfText.html, /Choisissez une question/);

  const ok = await net.post('/impact/referentiel', {
    code: 'S1',
    name: 'Charge de travail jugée raisonnable',
    definition: 'Part des réponses d’accord (4 ou 5) avec « Ma charge de travail est raisonnable ».',
    question: 'qvt_entrepreneurs::e_wl1',
    aggregation: 'share',
    match_values: '4, 5',
  });
  assert.equal(ok.res.status, 303);
  assert.equal(ok.res.headers.get('location'), '/impact/referentiel/S1');

  // A: 3 of 5 → 60 %, Wilson 95 % 23,1 – 88,2 (by hand: centre 0,5566, half-width 0,3258), version 1.
  const dirA = await signed(a, 'director');
  let page = await dirA.get('/impact/referentiel');
  assert.equal(page.res.status, 200);
  assert.match(
    page.html,
    /<th scope="row">S1<\/th><td>Charge de travail jugée raisonnable<\/td><td class="num">v1<\/td><td class="num">60 %<\/td><td>23,1 % – 88,2 %<\/td><td class="num">5<\/td>/,
  );
  assert.doesNotMatch(page.html, /Réseau \(personnes regroupées\)/);
  // B's director: 3 answers → hidden.
  const dirB = await signed(b, 'director');
  const pb = await dirB.get('/impact/referentiel');
  assert.match(
    pb.html,
    /<td class="num">v1<\/td><td class="num">moins de 5 personnes<\/td><td><\/td><td class="num">3<\/td>/,
  );

  // Version 2: the mean of the same item. A: (3×5 + 2×2) ÷ 5 = 3,8 points.
  const v2 = await net.post('/impact/referentiel/S1/versions', {
    name: 'Charge de travail (moyenne)',
    definition: 'Moyenne de l’accord (1 à 5) avec la première question de charge de travail.',
    question: 'qvt_entrepreneurs::e_wl1',
    aggregation: 'mean',
    unit: 'points',
  });
  assert.equal(v2.res.status, 303);
  page = await dirA.get('/impact/referentiel');
  assert.match(page.html, /<td class="num">v2<\/td><td class="num">3,8 points<\/td>/);
  const detail = await dirA.get('/impact/referentiel/S1');
  assert.match(detail.html, /<th scope="row">v2<\/th>/);
  assert.match(detail.html, /<th scope="row">v1<\/th><td>Charge de travail jugée raisonnable/);
  assert.doesNotMatch(detail.html, /Enregistrer la version/);

  // Network staff: pooled 8 answers; A alone shown would let B be recomputed: both hidden.
  const pn = await net.get('/impact/referentiel');
  const pooled = pn.html.slice(pn.html.indexOf('<caption>Réseau (personnes regroupées)'));
  // (3×5 + 2×2 + 3×4) ÷ 8 = 31 ÷ 8 = 3,875 → 3,9.
  assert.match(pooled.slice(0, 1500), /<td class="num">3,9 points<\/td><td><\/td><td class="num">8<\/td>/);
  const coopA = pn.html.slice(pn.html.indexOf('<caption>Coopérative alpha'));
  assert.match(coopA.slice(0, 1500), /<td class="num">moins de 5 personnes<\/td><td><\/td><td class="num">5<\/td>/);

  // The wording of an ERP indicator gets a version too; its computation stays in code.
  const erp = await net.post('/impact/referentiel/A1/versions', {
    name: 'Chiffre d’affaires médian par activité',
    definition: 'Médiane du chiffre d’affaires hors taxes des activités ayant facturé dans l’année.',
  });
  assert.equal(erp.res.status, 303);
  const a1 = await dirA.get('/impact/referentiel/A1');
  assert.match(a1.html, /<th scope="row">v2<\/th><td>Chiffre d’affaires médian par activité/);
  assert.match(a1.html, /<th scope="row">v1<\/th><td>Chiffre d’affaires annuel médian par activité/);

  // Directors and support staff read or nothing; they never write. Junk codes: 404.
  const sroiForm = {
    name: 'Essai direction',
    definition: 'Une définition assez longue pour passer.',
    question: 'qvt_entrepreneurs::e_wl1',
    aggregation: 'mean',
  };
  assert.equal((await dirA.post('/impact/referentiel', { code: 'S2', ...sroiForm })).res.status, 403);
  assert.equal((await dirA.post('/impact/referentiel/S1/versions', sroiForm)).res.status, 403);
  assert.equal((await dirA.get('/impact/referentiel/nouveau')).res.status, 403);
  assert.equal((await (await signed(a, 'entrepreneur')).get('/impact/referentiel')).res.status, 403);
  assert.equal((await net.get('/impact/referentiel/%3Cscript%3E')).res.status, 404);
  assert.equal((await net.get('/impact/referentiel/ZZ9')).res.status, 404);
  assert.equal((await net.post('/impact/referentiel/ZZ9/versions', sroiForm)).res.status, 404);
});
