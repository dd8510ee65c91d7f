// Salary simulation with the cooperative's parameters (headcount band, versement mobilité, AT/MP
// rate, health plan), part time and CDD. The reference: a FRESH publicodes engine built here from
// modele-social, with the situation written out literally, must give the same employer cost and
// net to the cent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Engine from 'publicodes';
import rules from 'modele-social';
import { createTestApp, TestClient } from '../../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../../app/testing.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { ForbiddenError } from '../../../core/actor.ts';
import { UserError } from '../../../core/errors.ts';
import { formatEuros } from '../../../core/money.ts';
import { sell, testCustomer } from '../test-helpers.ts';
import {
  simulateFromGross,
  simulateFromEmployerCost,
  simulateFromNet,
  warmUp,
  type PayrollParams,
  type SalaryOptions,
} from './salary-engine.ts';
import { cooperativePayrollParams, savePayrollSettings, payrollSettings } from './payroll-settings.service.ts';
import { requestSalary, nextMonth } from './salary-request.service.ts';

const PARIS: PayrollParams = {
  headcountBand: 'moins de 50',
  mobilityRateBp: 295,
  commune: 'Paris',
  atmpRateBp: 120,
  healthPlanMonthlyCents: 8000,
  healthEmployerShareBp: 6000,
};

// ── The reference, computed independently ───────────────────────────────────────────────────
const quiet = { log() {}, warn() {}, error() {} };
// biome-ignore lint/suspicious/noExplicitAny: the reference engine is typed loosely on purpose (rule names written out)
const ref = new Engine(rules as any, { logger: quiet });
const cents = (rule: string) => {
  const v = ref.evaluate({ valeur: rule, unité: '€/mois' } as never).nodeValue as number;
  return Math.round(Number((v * 100).toFixed(6)));
};
/** The situation written out by hand from the rules' documentation, not by the code under test. */
function referenceSituation(grossEuros: string, o: { paris?: boolean; hours?: number; cddMonths?: number }) {
  const s: Record<string, string> = {
    'salarié . contrat': o.cddMonths ? "'CDD'" : "'CDI'",
    dirigeant: 'non',
    'salarié . contrat . salaire brut': `${grossEuros} €/mois`,
  };
  if (o.cddMonths) s['salarié . contrat . CDD . durée'] = `${o.cddMonths} mois`;
  if (o.hours) {
    s['salarié . contrat . temps de travail . temps partiel'] = 'oui';
    s['salarié . contrat . temps de travail . temps partiel . heures par semaine'] =
      `${o.hours} heure/mois / période . semaines par mois`;
  }
  if (o.paris) {
    s['entreprise . salariés . effectif . seuil'] = "'moins de 50'";
    s['établissement . commune . taux versement mobilité'] = '2.95 %';
    s['établissement . taux ATMP'] = '1.2 %';
    s['salarié . cotisations . prévoyances . santé . montant'] = '80 €/mois';
    s['salarié . cotisations . prévoyances . santé . taux employeur'] = '60 %';
  }
  ref.setSituation(s as never);
  return {
    cost: cents('salarié . coût total employeur'),
    net: cents('salarié . rémunération . net . à payer avant impôt'),
  };
}

const CASES: { name: string; gross: number; o: { paris?: boolean; hours?: number; cddMonths?: number } }[] = [
  { name: 'CDI temps plein, Paris, 50 salariés', gross: 250_000, o: { paris: true } },
  { name: 'CDI temps partiel 100 h, Paris', gross: 160_050, o: { paris: true, hours: 100 } },
  { name: 'CDD 6 mois, Paris', gross: 210_000, o: { paris: true, cddMonths: 6 } },
  { name: 'CDD 12 mois temps partiel, paramètres par défaut', gross: 120_000, o: { hours: 80, cddMonths: 12 } },
  { name: 'CDI au SMIC, paramètres par défaut', gross: 182_303, o: {} },
];
const optsOf = (o: (typeof CASES)[number]['o']): SalaryOptions => ({
  params: o.paris ? PARIS : null,
  hoursPerMonth: o.hours,
  contract: o.cddMonths ? 'CDD' : 'CDI',
  cddMonths: o.cddMonths,
});

for (const c of CASES) {
  test(`reference engine, ${c.name}: same employer cost and net to the cent`, () => {
    const sim = simulateFromGross(c.gross, optsOf(c.o));
    const r = referenceSituation((c.gross / 100).toFixed(2), c.o);
    assert.equal(sim.employerCostCents, r.cost);
    assert.equal(sim.netBeforeTaxCents, r.net);
    // The breakdown adds up: cost = total gross + employer share; total gross = net + employee share.
    assert.equal(sim.totalGrossCents + sim.employerContributionsCents, sim.employerCostCents);
    assert.equal(sim.netBeforeTaxCents + sim.employeeContributionsCents, sim.totalGrossCents);
    // From the cost and from the net, the same gross comes back.
    assert.equal(simulateFromEmployerCost(sim.employerCostCents, optsOf(c.o)).grossCents, c.gross);
    assert.equal(simulateFromNet(sim.netBeforeTaxCents, optsOf(c.o)).netBeforeTaxCents, sim.netBeforeTaxCents);
  });
}

test('the parameters change the result the way the rules say', () => {
  const plain = simulateFromGross(250_000);
  const paris = simulateFromGross(250_000, { params: PARIS });
  // Versement mobilité (2,95 % from 11 employees) and a bigger employer health share cost more.
  assert.ok(paris.employerCostCents > plain.employerCostCents + 250_000 * 0.0295 - 1);
  const cdd = simulateFromGross(250_000, { contract: 'CDD', cddMonths: 6 });
  assert.ok(cdd.cddAllowancesCents > 0);
  assert.equal(plain.cddAllowancesCents, 0);
  assert.ok(cdd.lines.some((l) => l.key === 'cddAllowances'));
});

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
type Tx = Parameters<Parameters<typeof withTenant>[2]>[0];
const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(t.odb.db, A.coop.id, fn);
before(async () => {
  warmUp();
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  await inA(async (trx) => {
    const s = A.actor('support');
    await sell(trx, s, {
      activityId: A.activityId,
      customerId: await testCustomer(trx, s),
      unitCents: 1_000_000,
      payCents: 1_200_000,
    });
  });
});
after(async () => {
  await t.odb.close();
});

test('settings: only the direction saves them, bad values are refused beside their field, requests use them', async () => {
  const dir = A.actor('director');
  assert.equal(await inA((trx) => cooperativePayrollParams(trx, A.coop.id)), null);
  assert.equal((await inA((trx) => payrollSettings(trx, dir))).saved, false);
  await assert.rejects(
    inA((trx) => savePayrollSettings(trx, A.actor('support'), {})),
    ForbiddenError,
  );
  await assert.rejects(
    inA((trx) =>
      savePayrollSettings(trx, dir, {
        headcountBand: 'moins de 50',
        mobilityRate: '12',
        healthPlan: '80',
        healthEmployerShare: '30',
      }),
    ),
    (e: unknown) =>
      e instanceof UserError && !!e.fields.mobilityRate && /au moins 50 %/.test(e.fields.healthEmployerShare),
  );
  await inA((trx) =>
    savePayrollSettings(trx, dir, {
      headcountBand: 'moins de 50',
      commune: 'Paris',
      mobilityRate: '2,95',
      atmpRate: '1,20',
      healthPlan: '80',
      healthEmployerShare: '60',
    }),
  );
  assert.deepEqual(await inA((trx) => cooperativePayrollParams(trx, A.coop.id)), PARIS);
  const r = await inA((trx) =>
    requestSalary(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      month: nextMonth(),
      basis: 'net',
      amountCents: 150_000,
      contract: 'CDD',
      cddMonths: 6,
    }),
  );
  const sim = simulateFromNet(150_000, { params: PARIS, contract: 'CDD', cddMonths: 6 });
  assert.equal(r.employerCostCents, sim.employerCostCents);
  assert.equal(r.grossCents, sim.totalGrossCents);
  assert.equal(r.contract, 'CDD');
  assert.equal(r.cddMonths, 6);
  assert.notEqual(r.employerCostCents, simulateFromNet(150_000, { contract: 'CDD', cddMonths: 6 }).employerCostCents);
});

test('pages: the director sets the parameters in a form; the simulation shows a CDD breakdown; others get a 404', async () => {
  const e = new TestClient(t.app);
  await e.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await e.get('/salaire/parametres')).res.status, 404);
  const d = new TestClient(t.app);
  await d.signIn(A.users.director.email, TEST_PASSWORD);
  const form = await d.get('/salaire/parametres');
  assert.equal(form.res.status, 200);
  assert.match(form.html, /value="2,95"/);
  const bad = await d.post('/salaire/parametres', {
    headcountBand: 'moins de 50',
    mobilityRate: 'abc',
    healthPlan: '80',
    healthEmployerShare: '60',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Un taux en pourcentage entre 0 et 3,20/);
  const sim = await e.post('/salaire/simulation', { cout: '3000', contrat: 'CDD', duree: '6' });
  assert.equal(sim.res.status, 200);
  assert.match(sim.html, /indemnités de fin de contrat/);
  const expected = simulateFromEmployerCost(300_000, { params: PARIS, contract: 'CDD', cddMonths: 6 });
  assert.ok(sim.html.includes(formatEuros(expected.netBeforeTaxCents)), 'the net with the cooperative parameters');
  const noLength = await e.post('/salaire/simulation', { cout: '3000', contrat: 'CDD', duree: '' });
  assert.equal(noLength.res.status, 422);
  // The request page previews the same breakdown, with the cooperative's parameters.
  const preview = await e.post('/salaire/demandes', {
    activityId: A.activityId,
    month: nextMonth(),
    basis: 'employer_cost',
    amount: '3000',
    contract: 'CDD',
    cddMonths: '6',
    action: 'simulate',
  });
  assert.equal(preview.res.status, 200);
  assert.match(preview.html, /indemnités de fin de contrat/);
  // The request made in the previous test is listed with its contract.
  assert.match((await e.get('/salaire')).html, /CDD de 6 mois/);
});
