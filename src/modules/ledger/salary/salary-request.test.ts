// Salary requests: envelope check (nothing written above it), approval through HTTP, payment
// posted balanced with the right split, payroll variables exported as real numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createTestApp, TestClient } from '../../../app/testing-web.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { todayParis } from '../../../core/dates.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop, verifyIdentityForTest } from '../../../app/testing.ts';
import { sell, testCustomer } from '../test-helpers.ts';
import { activityAccount } from '../reports.ts';
import { requestSalary, salaryPostingLines, nextMonth } from './salary-request.service.ts';
import { simulateFromEmployerCost, warmUp } from './salary-engine.ts';
import { UserError } from '../../../core/errors.ts';
import { ledgerDb } from '../db.ts';

/** The session cookies a test client holds, for a request made outside it. */
const cookieOf = (acc: TestClient) => [...acc.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
const year = Number(todayParis().slice(0, 4));
before(async () => {
  warmUp();
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  // 10 000,00 € excl. VAT of services invoiced and collected today: the envelope is 10 000,00 €.
  await withTenant(t.odb.db, A.coop.id, async (trx) => {
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
const count = async (table: 'salary_request' | 'journal_entry') =>
  Number(
    (
      await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(table)} where cooperative_id = ${A.coop.id}`.execute(t.odb.db)
    ).rows[0].n,
  );
const html = (s: string) =>
  s
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

test('the salary posting is balanced and split gross / employer charges / net / social bodies', () => {
  const sim = simulateFromEmployerCost(300_000);
  const lines = salaryPostingLines({
    analyticCode: 'ACT1',
    userId: 'u1',
    userName: 'Léa',
    month: '2026-12',
    grossCents: sim.grossCents,
    netCents: sim.netBeforeTaxCents,
    employerContributionsCents: sim.employerContributionsCents,
    employeeContributionsCents: sim.employeeContributionsCents,
  });
  const by = (a: string) => lines.find((l) => l.account === a)!;
  assert.equal(by('641').debitCents, sim.grossCents);
  assert.equal(by('645').debitCents, sim.employerCostCents - sim.grossCents);
  assert.equal(by('421').creditCents, sim.netBeforeTaxCents);
  assert.equal(by('431').creditCents, sim.employerCostCents - sim.netBeforeTaxCents);
  assert.equal(
    lines.reduce((s, l) => s + (l.debitCents ?? 0), 0),
    sim.employerCostCents,
  );
  assert.equal(
    lines.reduce((s, l) => s + (l.debitCents ?? 0) - (l.creditCents ?? 0), 0),
    0,
  );
  assert.ok(lines.every((l) => l.analyticCode === 'ACT1'));
});

test('a request above the envelope is refused in French and writes nothing', async () => {
  const before = await count('salary_request');
  await assert.rejects(
    () =>
      withTenant(t.odb.db, A.coop.id, (trx) =>
        requestSalary(trx, A.actor('entrepreneur'), {
          activityId: A.activityId,
          month: nextMonth(),
          basis: 'employer_cost',
          amountCents: 1_000_001,
        }),
      ),
    (e: unknown) =>
      e instanceof UserError && /ne dispose que de 10\u00a0000,00\u00a0€/.test(e.message) && e.field === 'amount',
  );
  const c = new TestClient(t.app);
  await c.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const r = await c.post('/salaire/demandes', {
    activityId: A.activityId,
    month: nextMonth(),
    basis: 'net',
    amount: '9 000',
    action: 'request',
  });
  assert.equal(r.res.status, 400);
  assert.match(
    html(r.html),
    /id="f-amount-error"[^>]*>Ce salaire coûterait [^<]+ mais votre activité ne dispose que de 10\u00a0000,00\u00a0€/,
  );
  assert.equal(await count('salary_request'), before);
});

test('request → refuse needs a reason → approve → "Salaires payés" posts the payroll entry', async () => {
  const month = nextMonth();
  const e = new TestClient(t.app);
  await e.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const sim = await e.post('/salaire/demandes', {
    activityId: A.activityId,
    month,
    basis: 'employer_cost',
    amount: '3 000',
    action: 'simulate',
  });
  assert.equal(sim.res.status, 200);
  assert.match(html(sim.html), /Votre simulation/);
  assert.equal(await count('salary_request'), 0, 'a simulation writes nothing');
  const ok = await e.post('/salaire/demandes', {
    activityId: A.activityId,
    month,
    basis: 'employer_cost',
    amount: '3 000',
    action: 'request',
  });
  assert.equal(ok.res.status, 302);
  const req = await ledgerDb(t.odb.db)
    .selectFrom('salary_request')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(req.status, 'requested');
  assert.ok(Number(req.employer_cost_cents) <= 300_000);
  const twice = await e.post('/salaire/demandes', {
    activityId: A.activityId,
    month,
    basis: 'employer_cost',
    amount: '100',
    action: 'request',
  });
  assert.equal(twice.res.status, 400);
  assert.match(html(twice.html), /déjà une demande/);
  assert.equal(
    (await e.post(`/salaire/demandes/${req.id}/accepter`, {})).res.status,
    403,
    'the entrepreneur cannot approve',
  );

  const s = new TestClient(t.app);
  await s.signIn(A.users.support.email, TEST_PASSWORD);
  const queue = await s.get('/salaire');
  assert.equal(queue.res.status, 200);
  assert.match(html(queue.html), /À valider/);
  assert.ok(queue.html.includes(`/salaire/demandes/${req.id}/accepter`));
  const noReason = await s.post(`/salaire/demandes/${req.id}/refuser`, { reason: '' });
  assert.equal(noReason.res.status, 400);
  assert.match(html(noReason.html), /Expliquez en quelques mots/);
  assert.equal((await s.post(`/salaire/demandes/${req.id}/accepter`, {})).res.status, 302);
  const approved = await ledgerDb(t.odb.db)
    .selectFrom('salary_request')
    .select('status')
    .where('cooperative_id', '=', A.coop.id)
    .where('id', '=', req.id)
    .executeTakeFirstOrThrow();
  assert.equal(approved.status, 'approved');
  const audited = await t.odb.db
    .selectFrom('audit_log')
    .select('action')
    .where('cooperative_id', '=', A.coop.id)
    .where('target_id', '=', req.id)
    .execute();
  assert.deepEqual(audited.map((a) => a.action).sort(), ['salary.approved', 'salary.requested']);

  const entries = await count('journal_entry');
  const acc = new TestClient(t.app);
  await acc.signIn(A.users.accountant.email, TEST_PASSWORD);
  // The first salary waits for the person's identity to be verified by support: nothing posted.
  const unverified = await acc.post('/salaire/paie', { payMonth: month });
  assert.equal(unverified.res.status, 400);
  assert.match(html(unverified.html), /son identité doit d'abord être vérifiée/);
  assert.equal(await count('journal_entry'), entries);
  await verifyIdentityForTest(t.odb.db, A, 'entrepreneur', t.config.fileKey);
  assert.equal((await acc.post('/salaire/paie', { payMonth: month })).res.status, 302);
  assert.equal(await count('journal_entry'), entries + 1);
  const paid = await ledgerDb(t.odb.db)
    .selectFrom('salary_request')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .where('id', '=', req.id)
    .executeTakeFirstOrThrow();
  assert.equal(paid.status, 'paid');
  assert.ok(paid.entry_id);
  const lines = await ledgerDb(t.odb.db)
    .selectFrom('entry_line')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .where('entry_id', '=', paid.entry_id!)
    .execute();
  const amt = (a: string) => {
    const l = lines.find((x) => x.account === a)!;
    return Number(l.debit_cents) - Number(l.credit_cents);
  };
  assert.equal(amt('641'), Number(paid.gross_cents));
  assert.equal(amt('645'), Number(paid.employer_cost_cents) - Number(paid.gross_cents));
  assert.equal(amt('421'), -Number(paid.net_cents));
  assert.equal(amt('431'), -(Number(paid.employer_cost_cents) - Number(paid.net_cents)));
  assert.ok(lines.every((l) => l.analytic_code === A.analyticCode));
  const again = await acc.post('/salaire/paie', { payMonth: month });
  assert.equal(again.res.status, 400);
  assert.match(html(again.html), /Aucun salaire accepté à payer/);
  const aa = await withTenant(t.odb.db, A.coop.id, (trx) =>
    activityAccount(trx, A.actor('accountant'), A.analyticCode, year),
  );
  assert.equal(aa.total.salariesCents, Number(paid.employer_cost_cents));
  assert.equal(aa.total.availableCents, 1_000_000 - Number(paid.employer_cost_cents));

  // Payroll variables, XLSX read back: real numbers.
  const res = await t.app.request(`http://localhost/salaire/variables?mois=${month}&format=xlsx`, {
    headers: { cookie: cookieOf(acc) },
  });
  assert.equal(res.status, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const ws = wb.worksheets[0];
  assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), [
    'Nom',
    'Code activité',
    'Heures',
    'Brut demandé',
    'Frais à rembourser',
    "Jours d'absence",
  ]);
  const row = ws.getRow(2);
  assert.equal(row.getCell(2).value, A.analyticCode);
  assert.equal(typeof row.getCell(3).value, 'number');
  assert.equal(row.getCell(3).value, 151.67);
  assert.equal(row.getCell(4).value, Number(paid.gross_cents) / 100);
  assert.equal(row.getCell(5).value, 0);
  const csv = await t.app.request(`http://localhost/salaire/variables?mois=${month}&format=csv`, {
    headers: { cookie: cookieOf(acc) },
  });
  const text = (await csv.text()).replace(/^\ufeff/, '');
  const [, line] = text.split('\r\n');
  assert.equal(line.split(';')[3], (Number(paid.gross_cents) / 100).toFixed(2).replace('.', ','));
});

test('director page and accountant exports render (SVG chart with a table; XLSX download)', async () => {
  const d = new TestClient(t.app);
  await d.signIn(A.users.director.email, TEST_PASSWORD);
  const dir = await d.get('/direction');
  assert.equal(dir.res.status, 200);
  assert.match(dir.html, /<svg class="chart"/);
  assert.match(html(dir.html), /Activités en trésorerie négative/);
  const e = new TestClient(t.app);
  await e.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await e.get('/direction')).res.status, 403);
  const acc = new TestClient(t.app);
  await acc.signIn(A.users.accountant.email, TEST_PASSWORD);
  const ex = await acc.get(`/comptabilite/exports?annee=${year}`);
  assert.equal(ex.res.status, 200);
  assert.match(ex.html, /TVA nette due/);
  assert.equal((await acc.get(`/comptabilite/exports?annee=${year}&periode=13`)).res.status, 400);
  const f = await t.app.request(
    `http://localhost/comptabilite/exports/fichier?type=grand-livre&annee=${year}&format=xlsx`,
    { headers: { cookie: cookieOf(acc) } },
  );
  assert.equal(f.status, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await f.arrayBuffer()) as unknown as Parameters<typeof wb.xlsx.load>[0]);
  assert.ok(wb.worksheets[0].rowCount > 1);
});
