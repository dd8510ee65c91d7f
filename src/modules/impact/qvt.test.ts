// The QVT lab over HTTP: a yearly barometer wave answered through anonymous links, its
// dimension scores computed by hand, hidden under 5 answers, and across cooperatives a lone
// hidden one takes another with it; support staff's WHO-5 stays out of indicator C1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { builtinDef } from './kit/questionnaire.ts';
import { impactDb } from './db.ts';

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

async function wave(coop: TestCoop, questionnaire: string, n: number, answers: Record<string, string>) {
  const sup = await signed(coop, 'support');
  const r = await sup.post('/impact/enquetes', {
    questionnaire,
    title: `QVT ${questionnaire}`,
    kind: 'yearly',
    links: String(n),
  });
  assert.equal(r.res.status, 200);
  const anon = new TestClient(app);
  for (const l of linksOf(r.html)) assert.equal((await anon.post(`/enquete/${l}`, answers)).res.status, 200);
}

/** Every item at 3, WHO-5 at 3, with some items set. */
function answersFor(key: 'qvt_entrepreneurs' | 'qvt_support', set: Record<string, string>) {
  return { ...Object.fromEntries(builtinDef(key).questions.map((q) => [q.id, '3'])), ...set };
}

test('the barometer: scores by hand, hidden under 5, secondary suppression across cooperatives', async () => {
  // Coop A: 5 entrepreneurs. Workload: (5−1)/4 = 100, (4−1)/4 = 75, reversed item at 2 → 1 − 1/4 = 75:
  // mean 83.3. Isolation: reversed item at 1 → 100, other at 3 → 50: 75. Autonomy 3,3 → 50. WHO-5 at 3 → 60.
  await wave(
    a,
    'qvt_entrepreneurs',
    5,
    answersFor('qvt_entrepreneurs', { e_wl1: '5', e_wl2: '4', e_wl3: '2', e_is1: '1' }),
  );
  // Coop B: 3 entrepreneurs (hidden), and 5 support staff.
  await wave(b, 'qvt_entrepreneurs', 3, answersFor('qvt_entrepreneurs', { e_wl1: '1' }));
  await wave(b, 'qvt_support', 5, answersFor('qvt_support', { s_re1: '5', s_re2: '5', q0: '0', q1: '0' }));
  const year = new Date().getFullYear();

  const dirA = await signed(a, 'director');
  const pa = await dirA.get('/impact/qvt');
  assert.equal(pa.res.status, 200);
  assert.match(
    pa.html,
    new RegExp(
      `<th scope="row">${year}</th><td class="num">5</td><td class="num">83,3</td><td class="num">75</td><td class="num">50</td>`,
    ),
  );
  assert.match(pa.html, /<td class="num">60<\/td>/);
  assert.doesNotMatch(pa.html, /Le réseau/);
  // The support team's load: one support member in a test cooperative, so hidden.
  assert.match(
    pa.html,
    /<th scope="row">Votre coopérative<\/th><td class="num">1<\/td><td colspan="2">moins de 5 membres/,
  );

  const dirB = await signed(b, 'director');
  const pb = await dirB.get('/impact/qvt');
  assert.match(
    pb.html,
    new RegExp(`<th scope="row">${year}</th><td class="num">3</td><td colspan="6">moins de 5 personnes`),
  );
  // Support staff of B: recognition (5,5) → 100; WHO-5 items 0,0,3,3,3 → 9 × 4 = 36.
  assert.match(pb.html, /<td class="num">100<\/td><td class="num">50<\/td><td class="num">36<\/td>/);

  // Network staff: the pooled network (8 entrepreneurs) shows; per cooperative, B is hidden and so is A
  // (else the network figure minus A would give B away).
  const net = await signed(a, 'network_admin');
  const pn = await net.get('/impact/qvt');
  assert.match(pn.html, /Le réseau/);
  const coopA = pn.html.slice(pn.html.indexOf('<caption>Coopérative alpha — Entrepreneur·es'));
  assert.match(
    coopA.slice(0, 2000),
    new RegExp(`<th scope="row">${year}</th><td class="num">5</td><td colspan="6">moins de 5 personnes`),
  );
  const pooled = pn.html.slice(pn.html.indexOf('<caption>Réseau — Entrepreneur·es'));
  assert.match(pooled.slice(0, 2000), new RegExp(`<th scope="row">${year}</th><td class="num">8</td><td class="num">`));

  // Entrepreneurs and support staff have no access.
  assert.equal((await (await signed(a, 'entrepreneur')).get('/impact/qvt')).res.status, 403);
  assert.equal((await (await signed(a, 'support')).get('/impact/qvt')).res.status, 403);

  // Support staff's WHO-5 never feeds the entrepreneurs' indicator C1 (score stays empty).
  const staffRows = await impactDb(odb.db)
    .selectFrom('impact_survey_answer as x')
    .innerJoin('impact_survey as s', (j) => j.onRef('s.id', '=', 'x.survey_id'))
    .select(['x.score', 's.questionnaire'])
    .execute();
  for (const r of staffRows) assert.equal(r.score === null, r.questionnaire === 'qvt_support');
});
