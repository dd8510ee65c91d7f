// Payroll variables from real data: expenses to reimburse (validated, not yet reimbursed expense
// reports of the month) and working days of absence (recorded absences, public holidays and
// week-ends excluded); the absences page for support, 404 for an entrepreneur.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestApp, TestClient } from '../../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../../app/testing.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { ForbiddenError } from '../../../core/actor.ts';
import { UserError } from '../../../core/errors.ts';
import { addMonths, endOfMonth, todayParis } from '../../../core/dates.ts';
import {
  addExpenseLine,
  myReport,
  submitExpenseReport,
  validateExpenseReports,
  markExpenseReportReimbursed,
} from '../../purchases/index.ts';
import { sell, testCustomer } from '../test-helpers.ts';
import { requestSalary, approveSalaryRequest } from './salary-request.service.ts';
import { payrollVariables, payrollRows } from './payroll-variables.ts';
import { recordAbsence, workingDays, frenchPublicHolidays, listAbsences, deleteAbsence } from './absence.service.ts';
import { warmUp } from './salary-engine.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
const today = todayParis();
const month = today.slice(0, 7);
type Tx = Parameters<Parameters<typeof withTenant>[2]>[0];
const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(t.odb.db, A.coop.id, fn);
const key = randomBytes(32);

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

test('working days: Monday to Friday without the French public holidays (Easter-based ones included)', () => {
  // May 2026: 21 weekdays, minus 1 and 8 May, Ascension (14) and Whit Monday (25).
  assert.equal(workingDays('2026-05-01', '2026-05-31'), 17);
  assert.ok(frenchPublicHolidays(2027).has('2027-03-29')); // Easter Monday 2027
  assert.equal(workingDays('2027-03-01', '2027-03-31'), 22);
  assert.equal(workingDays('2026-12-05', '2026-12-06'), 0); // a week-end
  assert.equal(workingDays('2026-12-24', '2026-12-28'), 2); // Thursday 24, Friday 25 off, week-end, Monday 28
});

test('absences: recorded by support, refused for overlaps, bad dates and to an entrepreneur', async () => {
  const sup = A.actor('support');
  const who = A.users.entrepreneur.id;
  await assert.rejects(
    inA((trx) =>
      recordAbsence(trx, A.actor('entrepreneur'), { userId: who, startDate: today, endDate: today, kind: 'maladie' }),
    ),
    ForbiddenError,
  );
  await assert.rejects(
    inA((trx) =>
      recordAbsence(trx, sup, { userId: who, startDate: '2026-03-10', endDate: '2026-03-09', kind: 'conge' }),
    ),
    (e: unknown) => e instanceof UserError && /ne peut pas précéder/.test(e.fields.endDate),
  );
  await assert.rejects(
    inA((trx) =>
      recordAbsence(trx, sup, { userId: who, startDate: '2026-03-10', endDate: '2026-03-12', kind: 'vacances' }),
    ),
    (e: unknown) => e instanceof UserError && /type d’absence/.test(e.message),
  );
  const a = await inA((trx) =>
    recordAbsence(trx, sup, { userId: who, startDate: '2026-03-10', endDate: '2026-03-12', kind: 'maladie' }),
  );
  assert.equal(a.workingDays, 3);
  await assert.rejects(
    inA((trx) =>
      recordAbsence(trx, sup, { userId: who, startDate: '2026-03-12', endDate: '2026-03-13', kind: 'conge' }),
    ),
    /couvre déjà une partie de ces jours/,
  );
  await inA((trx) => deleteAbsence(trx, sup, a.id));
  assert.deepEqual(await inA((trx) => listAbsences(trx, sup, '2026-03')), []);
});

test('payroll variables: expenses to reimburse and working days of absence of the month, from real data', async () => {
  const ent = A.actor('entrepreneur');
  const sup = A.actor('support');
  const r = await inA((trx) =>
    requestSalary(trx, ent, { activityId: A.activityId, month, basis: 'employer_cost', amountCents: 300_000 }),
  );
  await inA((trx) => approveSalaryRequest(trx, sup, r.id));
  const before = await inA((trx) => payrollVariables(trx, A.actor('accountant'), month));
  assert.equal(before.length, 1);
  assert.equal(before[0].expensesCents, 0);
  assert.equal(before[0].absenceDays, 0);
  // This month's expense report, validated: owed. Last month's, validated and reimbursed: not.
  const sheet = async (date: string, cents: number) =>
    inA(async (trx) => {
      await addExpenseLine(trx, ent, key, {
        date,
        category: 'meals',
        description: 'Repas',
        activityId: A.activityId,
        amountInclCents: cents,
        vatCents: Math.round(cents / 11),
      });
      const rep = await myReport(trx, ent, date.slice(0, 7));
      await submitExpenseReport(trx, ent, rep.id);
      await validateExpenseReports(trx, sup, [rep.id]);
      return rep.id;
    });
  await sheet(today, 3_480);
  const old = await sheet(`${addMonths(`${month}-01`, -1).slice(0, 7)}-15`, 2_000);
  await inA((trx) => markExpenseReportReimbursed(trx, A.actor('accountant'), old));
  // An absence across the month's end counts only the days inside the month.
  const first = `${month}-01`;
  await inA((trx) =>
    recordAbsence(trx, sup, {
      userId: A.users.entrepreneur.id,
      startDate: `${month}-20`,
      endDate: `${addMonths(first, 1).slice(0, 7)}-05`,
      kind: 'conge',
    }),
  );
  const expected = workingDays(`${month}-20`, endOfMonth(first));
  const [v] = await inA((trx) => payrollVariables(trx, A.actor('accountant'), month));
  assert.equal(v.expensesCents, 3_480);
  assert.equal(v.absenceDays, expected);
  assert.ok(expected > 0);
  assert.equal(payrollRows([v])[0].expenses, 3_480);
  assert.equal(payrollRows([v])[0].absences, expected);
  // The CSV: the same numbers, French decimal comma.
  const acc = new TestClient(t.app);
  await acc.signIn(A.users.accountant.email, TEST_PASSWORD);
  const csv = await acc.get(`/salaire/variables?mois=${month}&format=csv`);
  const [, line] = csv.html.replace(/^\ufeff/, '').split('\r\n');
  assert.equal(line.split(';')[4], '34,80');
  assert.equal(line.split(';')[5], String(expected));
});

test('the absences page: support records one in the browser form; an entrepreneur gets a 404', async () => {
  const e = new TestClient(t.app);
  await e.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await e.get('/absences')).res.status, 404);
  assert.equal((await e.post('/absences', { userId: A.users.entrepreneur.id })).res.status, 404);
  const s = new TestClient(t.app);
  await s.signIn(A.users.support.email, TEST_PASSWORD);
  const page = await s.get('/absences?mois=2026-02');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Enregistrer une absence/);
  const bad = await s.post('/absences?mois=2026-02', {
    userId: A.users.cape.id,
    startDate: '',
    endDate: '2026-02-03',
    kind: 'autre',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Indiquez le premier jour/);
  const ok = await s.post('/absences?mois=2026-02', {
    userId: A.users.cape.id,
    startDate: '2026-02-02',
    endDate: '2026-02-06',
    kind: 'autre',
    note: 'Formation',
  });
  assert.equal(ok.res.status, 303);
  const list = await s.get('/absences?mois=2026-02');
  assert.match(list.html, /Formation/);
  assert.match(list.html, /<td data-label="Jours ouvrés ce mois" class="num">5<\/td>/);
});
