import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { createTestApp, TestClient } from '../../app/testing-web.ts';

import type { OpenDb } from '../../core/db/index.ts';
import { withTenant, type Tx } from '../../core/db/tenant.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { makeIban, makeSiren } from '../../core/identifiers.ts';
import {
  createSupplier,
  createSupplierInvoice,
  approveSupplierInvoice,
  addExpenseLine,
  myReport,
  submitExpenseReport,
  validateExpenseReports,
} from '../purchases/index.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { PurchasesTables } from '../purchases/index.ts';
import type { BankTables } from './schema.ts';

// The test reads the supplier invoices the transfers paid: a view over those tables besides its module's own.
const testDb = moduleView<BankTables & PurchasesTables>();

/** The parts of a parsed pain.001 credit transfer the tests read. */
interface PainTransfer {
  Amt: { InstdAmt: { '#text': string; '@_Ccy': string } };
  CdtrAcct: { Id: { IBAN: string } };
  Cdtr: { Nm: string };
  CdtrAgt: { FinInstnId: { BIC: string } };
  RmtInf: { Ustrd: string };
  PmtId: { EndToEndId: string };
}

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let A: TestCoop;
const today = todayParis();
const lastMonthDay = (() => {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
})();
const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, A.coop.id, fn);
const ibanPaper = makeIban('FR', '30004000031234567890143');
const ibanPrint = makeIban('FR', '20041010050500013M02606');
let invPaper = '';
let invPrint = '';
let invNoIban = '';
let reportId = '';

async function counts() {
  const b = await testDb(odb.db)
    .selectFrom('sepa_batch')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  const i = await testDb(odb.db)
    .selectFrom('sepa_batch_item')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  return [Number(b.n), Number(i.n)];
}

before(async () => {
  const t = await createTestApp();
  odb = t.odb;
  app = t.app;
  [A] = await seedTestCooperatives(odb);
  const ent = A.actor('entrepreneur');
  const support = A.actor('support');
  const invoice = async (supplierId: string, number: string, exclCents: number) => {
    const inv = await inA((trx) =>
      createSupplierInvoice(trx, ent, {
        supplierId,
        supplierNumber: number,
        issueDate: lastMonthDay,
        dueDate: addDays(lastMonthDay, 30),
        account: '604',
        lines: [{ description: 'Prestation', vatRateBp: 2000, exclCents }],
        splits: [{ activityId: A.activityId, exclCents }],
        submit: true,
      }),
    );
    await inA((trx) => approveSupplierInvoice(trx, support, inv.id));
    return inv.id;
  };
  const paper = await inA((trx) =>
    createSupplier(trx, ent, {
      name: 'Papeterie du Centre',
      siren: makeSiren('41234567'),
      iban: ibanPaper,
      bic: 'BNPAFRPP',
    }),
  );
  const print = await inA((trx) =>
    createSupplier(trx, ent, { name: 'Imprimerie Rhône', siren: makeSiren('52345678'), iban: ibanPrint }),
  );
  const none = await inA((trx) => createSupplier(trx, ent, { name: 'Sans Banque', siren: makeSiren('63456789') }));
  invPaper = await invoice(paper.id, 'PAP-1', 10_001); // 120,01 € TTC (12 001 + 2 000,2 → rounded by purchases)
  invPrint = await invoice(print.id, 'IMP-7', 25_000);
  invNoIban = await invoice(none.id, 'SB-1', 5_000);
  await inA((trx) =>
    addExpenseLine(trx, ent, randomBytes(32), {
      date: lastMonthDay,
      category: 'supplies',
      description: 'Fournitures',
      activityId: A.activityId,
      amountInclCents: 2_400,
    }),
  );
  const sheet = await inA((trx) => myReport(trx, ent, lastMonthDay.slice(0, 7)));
  await inA((trx) => submitExpenseReport(trx, ent, sheet.id));
  await inA((trx) => validateExpenseReports(trx, support, [sheet.id], { date: today }));
  reportId = sheet.id;
});
after(async () => {
  await odb?.close();
});

async function signedIn(role: 'entrepreneur' | 'support' | 'accountant' | 'director') {
  const c = new TestClient(app);
  await c.signIn(A.users[role].email, TEST_PASSWORD);
  return c;
}

test('/banque/virements: accountants and directors only, linked from /banque', async () => {
  for (const role of ['entrepreneur', 'support'] as const) {
    const c = await signedIn(role);
    assert.equal((await c.get('/banque/virements')).res.status, 403, role);
    assert.equal(
      (await c.post('/banque/virements', { items: `supplier_invoice:${invPaper}`, executionDate: today })).res.status,
      403,
      role,
    );
  }
  const dir = await signedIn('director');
  assert.match((await dir.get('/banque')).html, /href="\/banque\/virements"/);
  assert.equal((await dir.get('/banque/virements')).res.status, 200);
  assert.deepEqual(await counts(), [0, 0]);
});

test('bad input: French error beside the field, HTTP 400, nothing written', async () => {
  const acc = await signedIn('accountant');
  const page = await acc.get('/banque/virements');
  assert.equal(page.res.status, 200);
  assert.match(page.html, new RegExp(`value="supplier_invoice:${invPaper}"`));
  assert.match(page.html, new RegExp(`value="supplier_invoice:${invPrint}"`));
  // No IBAN: shown, but not selectable.
  assert.match(page.html, /Sans Banque/);
  assert.match(page.html, /IBAN manquant/);
  assert.doesNotMatch(page.html, new RegExp(`value="supplier_invoice:${invNoIban}"`));
  assert.doesNotMatch(page.html, new RegExp(`value="expense_report:${reportId}"`));

  const none = await acc.post('/banque/virements', { executionDate: today });
  assert.equal(none.res.status, 400);
  assert.match(none.html, /id="f-items-error"[^>]*>Choisissez au moins un virement/);

  const past = await acc.post('/banque/virements', {
    items: `supplier_invoice:${invPaper}`,
    executionDate: addDays(today, -1),
  });
  assert.equal(past.res.status, 400);
  assert.match(past.html, /ne peut pas être passée/);
  assert.match(past.html, /id="f-executionDate-error"/);

  const badDate = await acc.post('/banque/virements', {
    items: `supplier_invoice:${invPaper}`,
    executionDate: '2026-02-31',
  });
  assert.equal(badDate.res.status, 400);
  assert.match(badDate.html, /Date d&#39;exécution invalide|Date d'exécution invalide/);

  const noIban = await acc.post('/banque/virements', {
    items: [`supplier_invoice:${invPaper}`, `supplier_invoice:${invNoIban}`],
    executionDate: today,
  });
  assert.equal(noIban.res.status, 400);
  assert.match(noIban.html, /Sans Banque \(Facture SB-1\) : IBAN manquant/);

  const report = await acc.post('/banque/virements', { items: `expense_report:${reportId}`, executionDate: today });
  assert.equal(report.res.status, 400);
  assert.match(report.html, /IBAN manquant/);

  const unknown = await acc.post('/banque/virements', {
    items: 'supplier_invoice:01900000-0000-7000-8000-000000000000',
    executionDate: today,
  });
  assert.equal(unknown.res.status, 400);
  assert.match(unknown.html, /déjà dans un lot ou n&#39;est plus à payer|déjà dans un lot ou n'est plus à payer/);

  assert.deepEqual(await counts(), [0, 0]);
});

test('export: pain.001 download with the right NbOfTxs, CtrlSum and creditor IBANs; those items are not offered again', async () => {
  const acc = await signedIn('accountant');
  const totals = await inA(async (trx) => {
    const rows = await testDb(trx)
      .selectFrom('supplier_invoice')
      .select(['id', 'total_incl_cents'])
      .where('cooperative_id', '=', A.coop.id)
      .where('id', 'in', [invPaper, invPrint])
      .execute();
    return new Map(rows.map((r) => [r.id, Number(r.total_incl_cents)]));
  });
  const execDate = addDays(today, 2);
  const r = await acc.post('/banque/virements', {
    items: [`supplier_invoice:${invPaper}`, `supplier_invoice:${invPrint}`],
    executionDate: execDate,
  });
  assert.equal(r.res.status, 200);
  assert.match(r.res.headers.get('content-type') ?? '', /^application\/xml/);
  assert.match(
    r.res.headers.get('content-disposition') ?? '',
    /^attachment; filename="virements-[0-9-]+-[0-9a-f]{8}\.xml"$/,
  );

  const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(r.html);
  const init = doc.Document.CstmrCdtTrfInitn;
  const expected = totals.get(invPaper)! + totals.get(invPrint)!;
  const euros = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;
  assert.equal(init.GrpHdr.NbOfTxs, '2');
  assert.equal(init.GrpHdr.CtrlSum, euros(expected));
  assert.equal(init.PmtInf.CtrlSum, euros(expected));
  assert.equal(init.PmtInf.ReqdExctnDt, execDate);
  assert.equal(init.PmtInf.DbtrAcct.Id.IBAN, A.coop.iban!.replace(/\s/g, ''));
  const txs: PainTransfer[] = [init.PmtInf.CdtTrfTxInf].flat();
  assert.deepEqual(txs.map((t) => t.CdtrAcct.Id.IBAN).sort(), [ibanPaper, ibanPrint].sort());
  assert.deepEqual(
    txs.map((t) => t.Amt.InstdAmt['#text']).sort(),
    [euros(totals.get(invPaper)!), euros(totals.get(invPrint)!)].sort(),
  );
  assert.ok(txs.some((t) => t.Cdtr.Nm === 'Papeterie du Centre' && t.CdtrAgt.FinInstnId.BIC === 'BNPAFRPP'));

  assert.deepEqual(await counts(), [1, 2]);
  const batch = await testDb(odb.db)
    .selectFrom('sepa_batch')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(batch.total_cents), expected);
  assert.equal(batch.count, 2);
  assert.equal(batch.content, r.html);
  // Not marked paid at export.
  const st = await testDb(odb.db)
    .selectFrom('supplier_invoice')
    .select('status')
    .where('cooperative_id', '=', A.coop.id)
    .where('id', '=', invPaper)
    .executeTakeFirstOrThrow();
  assert.equal(st.status, 'approved');

  const again = await acc.get('/banque/virements');
  assert.doesNotMatch(again.html, new RegExp(`value="supplier_invoice:${invPaper}"`));
  assert.doesNotMatch(again.html, new RegExp(`value="supplier_invoice:${invPrint}"`));
  assert.match(again.html, new RegExp(`href="/banque/virements/${batch.id}.xml"`));
  const twice = await acc.post('/banque/virements', { items: `supplier_invoice:${invPaper}`, executionDate: today });
  assert.equal(twice.res.status, 400);
  assert.deepEqual(await counts(), [1, 2]);

  const dl = await acc.get(`/banque/virements/${batch.id}.xml`);
  assert.equal(dl.res.status, 200);
  assert.equal(dl.html, r.html);
});

test('once the entrepreneur records their IBAN, their expense report can be paid by transfer', async () => {
  const ent = await signedIn('entrepreneur');
  const bad = await ent.post('/profil/banque', { iban: 'FR76 0000 0000 0000', bic: 'XX' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /id="f-iban-error"[^>]*>IBAN invalide/);
  assert.match(bad.html, /id="f-bic-error"[^>]*>BIC invalide/);
  const ibanEnt = makeIban('FR', '30003000700001234567890');
  const ok = await ent.post('/profil/banque', { iban: ibanEnt.replace(/(.{4})/g, '$1 '), bic: 'SOGEFRPP' });
  assert.equal(ok.res.status, 302);
  const acc = await signedIn('accountant');
  const page = await acc.get('/banque/virements');
  assert.match(page.html, new RegExp(`value="expense_report:${reportId}"`));
  const r = await acc.post('/banque/virements', { items: `expense_report:${reportId}`, executionDate: today });
  assert.equal(r.res.status, 200);
  assert.match(r.html, new RegExp(`<IBAN>${ibanEnt}</IBAN>`));
});
