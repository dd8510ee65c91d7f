// Each ERP indicator on a hand-built data set (pure: facts in, rows out), expected values
// computed by hand; then the same through the real services on a database, the CLI's network
// figure, and the pages with their permissions (403 for an entrepreneur, 400 for garbage).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { createJourney, transitionJourney, type JourneyFact } from '../journeys/index.ts';
import { indicatorRows, measuresOf, mergeMeasures, stageOn, type CoopFacts } from './indicators.ts';
import { networkIndicatorsSystem } from './indicators.service.ts';
import { wilson } from './kit/stats.ts';

const T = (from: string | null, to: string, on: string, exitReason: string | null = null) => ({
  from,
  to,
  on,
  exitReason,
});
const journey = (transitions: JourneyFact['transitions'], extra: Partial<JourneyFact> = {}): JourneyFact => ({
  userId: null,
  stage: transitions[transitions.length - 1]!.to,
  transitions,
  attendedWorkshopInYear: false,
  ...extra,
});

/** Ten journeys of 2025, by hand:
 *  - u1..u6: CAPE on 2025-01-10, CESA on 2025-04-10 (90 days), u1 and u2 associates on 2025-09-01;
 *  - c7, c8: CAPE 2025-02-01, exit 2025-08-01 (c7 stop, c8 own company);
 *  - c9: CAPE 2025-03-01 → exit salaried job 2025-10-01; c10: CAPE 2025-05-01, still in CAPE. */
function handFacts(): CoopFacts {
  const cesa = (u: string, associate: boolean) =>
    journey(
      [
        T(null, 'contact', '2024-12-01'),
        T('contact', 'cape', '2025-01-10'),
        T('cape', 'cesa', '2025-04-10'),
        ...(associate ? [T('cesa', 'associate', '2025-09-01')] : []),
      ],
      { userId: u, attendedWorkshopInYear: u === 'u1' || u === 'u3' || u === 'u5' },
    );
  return {
    journeys: [
      cesa('u1', true),
      cesa('u2', true),
      cesa('u3', false),
      cesa('u4', false),
      cesa('u5', false),
      cesa('u6', false),
      journey([
        T(null, 'contact', '2025-01-01'),
        T('contact', 'cape', '2025-02-01'),
        T('cape', 'exit', '2025-08-01', 'stop'),
      ]),
      journey([
        T(null, 'contact', '2025-01-01'),
        T('contact', 'cape', '2025-02-01'),
        T('cape', 'exit', '2025-08-01', 'own_company'),
      ]),
      journey([
        T(null, 'contact', '2025-01-01'),
        T('contact', 'cape', '2025-03-01'),
        T('cape', 'exit', '2025-10-01', 'salaried_job'),
      ]),
      journey([T(null, 'contact', '2025-01-01'), T('contact', 'cape', '2025-05-01')], { attendedWorkshopInYear: true }),
      // A contact who left before starting counts in no exit figure.
      journey([T(null, 'contact', '2025-01-01'), T('contact', 'exit', '2025-02-01', 'other')]),
    ],
    who5Scores: [92, 28, 60, 48, 80, 44],
    // A and C cooperated; Z too, but invoiced nothing this year (not in E2's population).
    cooperatingCodes: ['A', 'C', 'Z'],
    profiles: { people: 12, genderKnown: 10, women: 6, statusKnown: 8, jobSeekers: 5, qpvKnown: 3, qpv: 1 },
    ledger: {
      revenueByActivity: [
        { analyticCode: 'A', cents: 1_000_000 },
        { analyticCode: 'B', cents: 2_500_050 },
        { analyticCode: 'C', cents: 4_000_000 },
        { analyticCode: 'D', cents: 3_000_000 },
        { analyticCode: 'E', cents: 500_000 },
      ],
      salaries: [
        { userId: 'u1', months: 10, grossCents: 2_000_000 }, // 2,000.00 a month
        { userId: 'u2', months: 4, grossCents: 600_000 }, // 1,500.00
        { userId: 'u3', months: 2, grossCents: 500_000 }, // 2,500.00
        { userId: 'u4', months: 5, grossCents: 900_000 }, // 1,800.00
        { userId: 'u5', months: 1, grossCents: 110_000 }, // 1,100.00
      ],
    },
  };
}

const byCode = (rows: ReturnType<typeof indicatorRows>) => Object.fromEntries(rows.map((r) => [r.code, r]));
const r1 = (x: number) => Math.round(x * 1000) / 10;

test('every ERP indicator on a hand-built data set', () => {
  const rows = byCode(indicatorRows(measuresOf(handFacts(), 2025, '2026-06-01'), '2026-06-01T10:00:00.000Z'));
  // A1: median of 5,000.00, 10,000.00, 25,000.50, 30,000.00, 40,000.00 → 25,000.50 €.
  assert.deepEqual([rows.A1!.value, rows.A1!.n, rows.A1!.unit, rows.A1!.suppressed], ['25000.50', 5, '€', false]);
  // A2: at the end of 2025, six people are in CESA or associates (u1–u6); five were paid.
  assert.equal(rows.A2!.n, 6);
  assert.equal(rows.A2!.value, r1(5 / 6));
  assert.equal(rows.A2!.low, r1(wilson(5, 6).low));
  // A2m: monthly gross 1,100 / 1,500 / 1,800 / 2,000 / 2,500 → 1,800.00 €.
  assert.equal(rows.A2m!.value, '1800.00');
  // A3: ten activities began (u1–u6, c7–c10), none followed a full year by the end of 2025:
  // the survival at one year is not known yet.
  assert.equal(rows.A3!.n, 10);
  assert.equal(rows.A3!.value, null);
  // Measured in mid-2026: one stop (c7, 181 days after 2025-02-01), the only event, with 10 at
  // risk → S(365) = 9/10 = 90 %; the others are censored (exits elsewhere, or still active).
  const later = byCode(indicatorRows(measuresOf(handFacts(), 2026, '2026-06-01'), 'x'));
  assert.deepEqual([later.A3!.value, later.A3!.n], [90, 10]);
  // B1: nine people left CAPE in 2025 (six for a CESA, three exits): 6/9; delay 90 days.
  assert.equal(rows.B1!.n, 9);
  assert.equal(rows.B1!.value, r1(6 / 9));
  assert.equal(rows.B1!.high, r1(wilson(6, 9).high));
  assert.equal(rows.B1d!.value, 90);
  // B2: three exits after an activity (the contact who never started does not count): n < 5.
  assert.equal(rows.B2!.n, 3);
  assert.deepEqual([rows.B2!.value, rows.B2!.low, rows.B2!.suppressed], [null, null, true]);
  // C1: mean of 92, 28, 60, 48, 80, 44 = 352 / 6 = 58.7 points; C1p: 3 of 6 at 50 or less.
  assert.deepEqual([rows.C1!.value, rows.C1!.n, rows.C1!.unit], [58.7, 6, 'points']);
  assert.deepEqual([rows.C1p!.value, rows.C1p!.n], [50, 6]);
  assert.equal(rows.C1p!.low, r1(wilson(3, 6).low));
  // D1: 6 women out of 10 known; D2: 5 of 8; D3: 3 known only → suppressed.
  assert.deepEqual([rows.D1!.value, rows.D1!.n], [60, 10]);
  assert.deepEqual([rows.D2!.value, rows.D2!.n], [62.5, 8]);
  assert.equal(rows.D3!.suppressed, true);
  // E2: of the 5 activities that invoiced (A–E), A and C cooperated: 2/5 = 40 %.
  assert.deepEqual([rows.E2!.value, rows.E2!.n, rows.E2!.unit], [40, 5, '%']);
  assert.equal(rows.E2!.low, r1(wilson(2, 5).low));
  // F1: 2 associates out of 6 in CESA or associates.
  assert.deepEqual([rows.F1!.value, rows.F1!.n], [r1(2 / 6), 6]);
  // F3: 7 in activity at the end of 2025 (u1–u6, c10); 4 attended a workshop.
  assert.deepEqual([rows.F3!.value, rows.F3!.n], [r1(4 / 7), 7]);
  for (const r of Object.values(rows)) {
    assert.equal(r.computed_at, '2026-06-01T10:00:00.000Z');
    if (r.suppressed) assert.deepEqual([r.value, r.low, r.high], [null, null, null]);
  }
});

test('stage on a date, and the network pools people rather than averaging cooperatives', () => {
  const f = handFacts();
  assert.equal(stageOn(f.journeys[0]!.transitions, '2025-03-31'), 'cape');
  assert.equal(stageOn(f.journeys[0]!.transitions, '2024-01-01'), null);
  const one = measuresOf(f, 2025, '2026-06-01');
  const both = mergeMeasures([one, one]);
  const rows = byCode(indicatorRows(both, 'x'));
  assert.equal(rows.B2!.n, 6); // 3 + 3: published once pooled
  assert.equal(rows.B2!.suppressed, false);
  assert.equal(rows.B2!.value, r1(4 / 6));
  assert.equal(rows.D3!.n, 6);
});

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  // Six journeys in cooperative a: five CAPE → CESA after 90 days, one CAPE → exit (stop).
  await withTenant(odb.db, a.coop.id, async (trx) => {
    const tx = trx as unknown as Tx;
    const sup = a.actor('support');
    for (let i = 0; i < 6; i++) {
      const j = await createJourney(tx, sup, { displayName: `Personne ${i}`, startedOn: '2025-01-02' });
      await transitionJourney(tx, sup, j.id, { to: 'diagnostic', effectiveOn: '2025-01-05' });
      await transitionJourney(tx, sup, j.id, { to: 'cape', effectiveOn: '2025-01-10', capeEnd: '2025-12-31' });
      if (i < 5) await transitionJourney(tx, sup, j.id, { to: 'cesa', effectiveOn: '2025-04-10' });
      else await transitionJourney(tx, sup, j.id, { to: 'exit', effectiveOn: '2025-06-01', exitReason: 'stop' });
    }
  });
});
after(async () => {
  await odb.close();
});

test('through the services: the network figure, each cooperative with secondary suppression', async () => {
  const net = await networkIndicatorsSystem(odb.db, a.coop.networkId, 2025);
  const b1 = net.network.find((r) => r.code === 'B1')!;
  assert.deepEqual([b1.n, b1.value, b1.suppressed], [6, r1(5 / 6), false]);
  const d1 = net.network.find((r) => r.code === 'B1d')!;
  assert.equal(d1.value, 90);
  const coopA = net.cooperatives.find((c) => c.cooperative.id === a.coop.id)!;
  // Cooperative b has no journey: n = 0, suppressed; a single other cooperative can then not be
  // shown next to the network total either (it would give b away by subtraction: here 0).
  const coopB = net.cooperatives.find((c) => c.cooperative.id === b.coop.id)!;
  assert.equal(coopB.rows.find((r) => r.code === 'B1')!.suppressed, true);
  assert.equal(coopA.rows.find((r) => r.code === 'B1')!.suppressed, true);
  for (const r of net.network) assert.ok(r.suppressed || r.n >= 5);
});

async function signed(coop: TestCoop, role: 'support' | 'entrepreneur' | 'director' | 'network_admin' | 'accountant') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}

test('pages: the dashboard for the direction and the network, 403 for others; garbage answers 400', async () => {
  const dir = await signed(a, 'director');
  const page = await dir.get('/impact?annee=2025');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Indicateurs d’impact 2025/);
  assert.match(page.html, /moins de 5 personnes/);
  assert.match(page.html, /<svg[^>]*role="img"/);
  assert.doesNotMatch(page.html, /Toutes les coopératives du réseau/);
  const net = await signed(a, 'network_admin');
  const all = await net.get('/impact?annee=2025');
  assert.equal(all.res.status, 200);
  assert.match(all.html, /Toutes les coopératives du réseau/);
  assert.match(all.html, new RegExp(b.coop.name));
  for (const role of ['entrepreneur', 'accountant'] as const) {
    const u = await signed(a, role);
    assert.equal((await u.get('/impact')).res.status, 403, role);
  }
  for (const bad of ['abcd', '1899', '2025%00', '99999', '-1', "2025'"])
    assert.equal((await dir.get(`/impact?annee=${bad}`)).res.status, 400, bad);
  const anon = new TestClient(app);
  assert.notEqual((await anon.get('/impact')).res.status, 200);
});

test('pages: the SROI calculator reproduces the worked example with its sensitivity table', async () => {
  const sup = await signed(a, 'support');
  const form = await sup.get('/impact/sroi');
  assert.equal(form.res.status, 200);
  const r = await sup.post('/impact/sroi', {
    name: 'Retour à l’emploi',
    investment: '150 000',
    discount_rate: '3,5',
    quantity: '40',
    proxy: '12000',
    deadweight: '25',
    displacement: '0',
    attribution: '20',
    drop_off: '10',
    duration_years: '3',
  });
  assert.equal(r.res.status, 200);
  assert.match(r.html, /730[\s\u202f\u00a0]632,04 €/);
  assert.match(r.html, /4,87 : 1/);
  assert.match(r.html, /Taux d’actualisation/);
  assert.match(r.html, /633[\s\u202f\u00a0]214,43 €/);
  const bad = await sup.post('/impact/sroi', { investment: 'beaucoup', deadweight: '25', duration_years: 'x' });
  assert.equal(bad.res.status, 400);
  const worse = await sup.post('/impact/sroi', {
    investment: '1',
    quantity: '1',
    proxy: '1',
    deadweight: '250',
    duration_years: '3',
    discount_rate: '3.5',
  });
  assert.equal(worse.res.status, 400);
  const ent = await signed(a, 'entrepreneur');
  assert.equal((await ent.get('/impact/sroi')).res.status, 403);
  assert.equal((await ent.post('/impact/sroi', { investment: '1' })).res.status, 403);
});
