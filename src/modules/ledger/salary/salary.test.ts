// Salary simulation against references computed by ANOTHER path: a fresh publicodes Engine over the
// published (unmodified) modele-social rules, evaluated in the forward direction (gross → cost, net),
// which involves no numeric inversion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Engine from 'publicodes';
import rules from 'modele-social';
import {
  simulateFromEmployerCost,
  simulateFromGross,
  simulateFromNet,
  warmUp,
  engineInfo,
  salaryCacheStats,
  clearSalaryCache,
  eurosToCents,
  SalaryInputError,
  FULL_TIME_HOURS_PER_MONTH,
} from './salary-engine.ts';

warmUp();

// The reference engine: stock rules, built once for the file.
const ref = new Engine(rules, { logger: { log() {}, warn() {}, error() {} } });
function refForward(grossCents: number, hoursPerMonth?: number) {
  const s: Record<string, string> = {
    'salarié . contrat': "'CDI'",
    dirigeant: 'non',
    'salarié . contrat . salaire brut': `${grossCents / 100} €/mois`,
  };
  if (hoursPerMonth !== undefined) {
    s['salarié . contrat . temps de travail . temps partiel'] = 'oui';
    s['salarié . contrat . temps de travail . temps partiel . heures par semaine'] =
      `${hoursPerMonth} heure/mois / période . semaines par mois`;
  }
  ref.setSituation(s as Parameters<typeof ref.setSituation>[0]);
  const e = (r: string) => ref.evaluate({ valeur: r, unité: '€/mois' }).nodeValue as number;
  return {
    cost: e('salarié . coût total employeur'),
    net: e('salarié . rémunération . net . à payer avant impôt'),
    employer: e('salarié . cotisations . employeur'),
    employee: e('salarié . cotisations . salarié'),
    quotite: ref.evaluate('salarié . contrat . temps de travail . quotité').nodeValue as number,
  };
}
const near = (a: number, b: number, tol: number, msg: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg}: ${a} vs ${b} (tolérance ${tol})`);

test('the engine is built once, by warmUp', () => {
  const info = engineInfo();
  assert.equal(info.built, true);
  assert.ok(info.buildMs !== null && info.buildMs > 0);
  assert.equal(warmUp(), 0, 'a second warmUp does not rebuild');
});

test('eurosToCents: one rule, half away from zero, no binary noise', () => {
  assert.equal(eurosToCents(1.005), 101); // 1.005 * 100 = 100.49999999999999 in binary
  assert.equal(eurosToCents(-1.005), -101);
  assert.equal(eurosToCents(0.1 + 0.2), 30);
  assert.equal(eurosToCents(2425.2149999), 242521);
  assert.equal(eurosToCents(2425.215), 242522);
  assert.equal(eurosToCents(1897.8134189159807), 189781);
});

test('envelope 3 000 € → gross → net matches the forward computation of the stock rules', () => {
  const s = simulateFromEmployerCost(300_000);
  // The largest whole-cent gross that fits in the envelope.
  assert.ok(s.employerCostCents <= 300_000 && s.employerCostCents >= 300_000 - 2, `coût ${s.employerCostCents}`);
  assert.ok(
    simulateFromGross(s.grossCents + 1).employerCostCents > 300_000,
    'one more cent of gross exceeds the envelope',
  );
  const r = refForward(s.grossCents);
  assert.equal(eurosToCents(r.cost), s.employerCostCents, 'cost recomputed from the gross by the stock rules');
  assert.equal(eurosToCents(r.net), s.netBeforeTaxCents, 'net recomputed from the gross by the stock rules');
  // The breakdown adds up exactly and matches the rules' own contribution totals.
  assert.equal(s.employerCostCents - s.employerContributionsCents, s.grossCents);
  assert.equal(s.grossCents - s.employeeContributionsCents, s.netBeforeTaxCents);
  near(s.employerContributionsCents, eurosToCents(r.employer), 1, 'employer contributions');
  near(s.employeeContributionsCents, eurosToCents(r.employee), 1, 'employee contributions');
  // Plausibility for 2026 rules: a 3 000 € envelope is roughly 2 400 € gross and 1 900 € net.
  assert.ok(s.grossCents > 230_000 && s.grossCents < 260_000, `brut ${s.grossCents}`);
  assert.ok(s.netBeforeTaxCents > 180_000 && s.netBeforeTaxCents < 200_000, `net ${s.netBeforeTaxCents}`);
});

test('from a gross of 2 000 €: identical to the stock rules, net/gross between 0.70 and 0.85', () => {
  const s = simulateFromGross(200_000);
  const r = refForward(200_000);
  assert.equal(s.grossCents, 200_000);
  assert.equal(s.employerCostCents, eurosToCents(r.cost));
  assert.equal(s.netBeforeTaxCents, eurosToCents(r.net));
  const ratio = s.netBeforeTaxCents / s.grossCents;
  assert.ok(ratio > 0.7 && ratio < 0.85, `net/brut = ${ratio}`);
  assert.ok(s.employerCostCents > s.grossCents);
});

test('net → employer cost → net is stable to the cent', () => {
  for (const net of [120_000, 160_000, 187_654, 250_000, 400_000]) {
    const a = simulateFromNet(net);
    assert.equal(a.netBeforeTaxCents, net, `net ${net} comes back as the input`);
    assert.ok(simulateFromGross(a.grossCents - 1).netBeforeTaxCents < net, 'the smallest gross paying that net');
    const b = simulateFromEmployerCost(a.employerCostCents);
    assert.equal(b.netBeforeTaxCents, net, `net ${net} → coût ${a.employerCostCents} → net ${b.netBeforeTaxCents}`);
    near(b.grossCents, a.grossCents, 1, 'same gross both ways');
    // And the stock rules, forward from that gross, land on the same net.
    near(eurosToCents(refForward(a.grossCents).net), net, 1, 'stock rules forward');
  }
});

test('employer cost → net → employer cost: same gross, never above the envelope', () => {
  // 2 420,89 € falls in a gap of the rules: between the grosses 2 110,19 € and 2 110,20 € the general
  // relief (RGDU) steps down and the cost jumps by ~21 cents; the envelope is then not exceeded.
  for (const cost of [150_000, 242_089, 300_000, 512_345]) {
    const a = simulateFromEmployerCost(cost);
    assert.ok(a.employerCostCents <= cost, `coût ${a.employerCostCents} ≤ ${cost}`);
    assert.ok(simulateFromGross(a.grossCents + 1).employerCostCents > cost, `brut maximal pour ${cost}`);
    const b = simulateFromNet(a.netBeforeTaxCents);
    assert.equal(b.netBeforeTaxCents, a.netBeforeTaxCents);
    assert.ok(
      b.grossCents <= a.grossCents && a.grossCents - b.grossCents <= 1,
      `brut ${b.grossCents} vs ${a.grossCents}`,
    );
    assert.ok(b.employerCostCents <= cost, `coût ${cost} → net → coût ${b.employerCostCents}`);
  }
});

test('monotonic: more envelope, more gross and more net', () => {
  let prev = simulateFromEmployerCost(120_000);
  for (let cost = 160_000; cost <= 640_000; cost += 40_000) {
    const s = simulateFromEmployerCost(cost);
    assert.ok(s.grossCents > prev.grossCents, `brut croissant à ${cost}`);
    assert.ok(s.netBeforeTaxCents > prev.netBeforeTaxCents, `net croissant à ${cost}`);
    assert.ok(
      s.netBeforeTaxCents < s.grossCents && s.grossCents < s.employerCostCents,
      `ordre coût > brut > net à ${cost}`,
    );
    prev = s;
  }
});

test('part time: the situation is applied (quotité) and changes the contributions', () => {
  const full = simulateFromGross(150_000);
  const part = simulateFromGross(150_000, { hoursPerMonth: 100 });
  assert.equal(part.input.hoursPerMonth, 100);
  const r = refForward(150_000, 100);
  near(r.quotite, (100 / FULL_TIME_HOURS_PER_MONTH) * 100, 1e-6, 'quotité');
  assert.equal(part.employerCostCents, eurosToCents(r.cost));
  // Same gross for fewer hours = a higher hourly wage, so less general relief: it costs more.
  assert.ok(part.employerCostCents > full.employerCostCents, `${part.employerCostCents} > ${full.employerCostCents}`);
  // Full time or more is treated as full time.
  assert.equal(simulateFromGross(150_000, { hoursPerMonth: FULL_TIME_HOURS_PER_MONTH }).input.hoursPerMonth, null);
});

test('the cache returns the same result without evaluating again', () => {
  clearSalaryCache();
  const a = simulateFromEmployerCost(275_000);
  assert.deepEqual(salaryCacheStats(), { hits: 0, misses: 1, size: 1 });
  const b = simulateFromEmployerCost(275_000);
  assert.deepEqual(salaryCacheStats(), { hits: 1, misses: 1, size: 1 });
  assert.equal(b, a, 'the very same (frozen) object');
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.lines));
  // A different option is a different situation: a miss.
  simulateFromEmployerCost(275_000, { hoursPerMonth: 120 });
  assert.equal(salaryCacheStats().misses, 2);
});

test('plain-French breakdown lines', () => {
  const s = simulateFromEmployerCost(300_000);
  const byKey = new Map(s.lines.map((l) => [l.key, l]));
  assert.equal(byKey.get('employerCost')?.label, 'Ce que vous coûtez à la coopérative');
  assert.equal(byKey.get('gross')?.label, 'Votre salaire brut');
  assert.equal(byKey.get('netBeforeTax')?.label, 'Ce que vous recevez sur votre compte (net avant impôt)');
  assert.equal(byKey.get('employerContributions')?.amountCents, s.employerContributionsCents);
  assert.equal(byKey.get('employeeContributions')?.amountCents, s.employeeContributionsCents);
  const csg = byKey.get('csgCrds')?.amountCents ?? 0;
  assert.ok(csg > 0 && csg < s.employeeContributionsCents, 'CSG-CRDS is part of the employee contributions');
});

test('invalid inputs are refused with a French message', () => {
  for (const bad of [0, -100, 12.5, Number.NaN, 100_000_01])
    assert.throws(() => simulateFromEmployerCost(bad), SalaryInputError, String(bad));
  assert.throws(() => simulateFromNet(100_000, { hoursPerMonth: 0 }), SalaryInputError);
  assert.throws(() => simulateFromGross(100_000, { contract: 'interim' as 'CDI' }), SalaryInputError);
  assert.throws(() => simulateFromGross(100_000, { contract: 'CDD', cddMonths: 0 }), SalaryInputError);
  // 1 €: no gross fits in the envelope; that is reported as an input problem, not a crash.
  assert.throws(() => simulateFromEmployerCost(100), SalaryInputError);
});
