// Purchases services and their ledger postings, on the backend the run was started with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant, type Tx } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { storeFile } from '../../core/files.ts';
import { makeIban, makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';

import {
  createSupplier,
  createSupplierInvoice,
  approveSupplierInvoice,
  markSupplierInvoicePaid,
  getSupplierInvoice,
  addExpenseLine,
  myReport,
  submitExpenseReport,
  validateExpenseReports,
  reportsToValidate,
  markExpenseReportReimbursed,
  addVehicle,
  addMileageTrip,
  getExpenseReport,
  vatIncluded,
} from './index.ts';
import { purchasesDb } from './db.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { LedgerTables } from '../ledger/index.ts';
import type { DirectoryTables } from '../directory/index.ts';
import type { PurchasesTables } from './schema.ts';

// The test reads what the ledger posted and adds activities: a view over those tables besides its module's own.
const testDb = moduleView<PurchasesTables & LedgerTables & DirectoryTables>();

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
const key = randomBytes(32);
const png = (n: number) =>
  Buffer.concat([
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    ),
    Buffer.from(`receipt-${n}-${Math.random()}`),
  ]);
const today = todayParis();
const lastMonthDay = (() => {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
})();
before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb.close();
});

const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, a.coop.id, fn);
async function entries(sourceType: string, id: string) {
  return inA(async (trx) => {
    const e = await testDb(trx)
      .selectFrom('journal_entry')
      .selectAll()
      .where('cooperative_id', '=', a.coop.id)
      .where('source_type', '=', sourceType)
      .where('source_id', '=', id)
      .execute();
    const lines = e.length
      ? await testDb(trx)
          .selectFrom('entry_line')
          .selectAll()
          .where('cooperative_id', '=', a.coop.id)
          .where('entry_id', '=', e[0].id)
          .orderBy('line_no')
          .execute()
      : [];
    return {
      e,
      lines: lines.map((l) => ({
        account: l.account,
        d: Number(l.debit_cents),
        c: Number(l.credit_cents),
        code: l.analytic_code,
        aux: l.aux_account,
      })),
    };
  });
}
const balanced = (lines: { d: number; c: number }[]) =>
  lines.reduce((s, l) => s + l.d, 0) === lines.reduce((s, l) => s + l.c, 0);
const sum = (lines: { account: string; d: number; c: number }[], account: string) =>
  lines.filter((l) => l.account === account).reduce((s, l) => s + l.d - l.c, 0);

async function secondActivity(): Promise<string> {
  return inA(async (trx) => {
    const id = '01900000-0000-7000-8000-0000000000b2';
    await testDb(trx)
      .insertInto('activity')
      .values({
        cooperative_id: a.coop.id,
        id,
        name: 'Deuxième activité',
        analytic_code: 'ACT9',
        description: null,
        trusted: false,
        email: null,
        phone: null,
        closed_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await testDb(trx)
      .insertInto('activity_owner')
      .values({ cooperative_id: a.coop.id, activity_id: id, user_id: a.users.entrepreneur.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return id;
  });
}

test('supplier: invalid IBAN, BIC and SIREN refused in French, nothing written', async () => {
  const ent = a.actor('entrepreneur');
  await assert.rejects(
    inA((trx) =>
      createSupplier(trx, ent, {
        name: 'Papeterie',
        iban: 'FR7630004000031234567890144',
        bic: 'XX',
        siren: '123456789',
      }),
    ),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.fields.iban, /IBAN invalide/);
      assert.match(e.fields.bic, /BIC invalide/);
      assert.match(e.fields.siren, /SIREN invalide/);
      return true;
    },
  );
  const n = await inA((trx) =>
    purchasesDb(trx).selectFrom('supplier').select('id').where('cooperative_id', '=', a.coop.id).execute(),
  );
  assert.equal(n.length, 0);
  const siren = makeSiren('51234567');
  const s = await inA((trx) =>
    createSupplier(trx, ent, {
      name: 'Papeterie du Centre',
      siren,
      vatNumber: frenchVatFromSiren(siren),
      iban: makeIban('FR', '30004000031234567890143'),
      bic: 'BNPAFRPP',
    }),
  );
  assert.equal(s.siren, siren);
  await assert.rejects(
    inA((trx) => createSupplier(trx, ent, { name: 'Doublon', siren })),
    /déjà celui du fournisseur/,
  );
});

test('supplier invoice: split must equal the total excl. VAT (refused, nothing written), approval and payment post balanced entries per activity', async () => {
  const ent = a.actor('entrepreneur');
  const support = a.actor('support');
  const act2 = await secondActivity();
  const s = await inA((trx) => createSupplier(trx, ent, { name: 'Imprimerie Rhône', siren: makeSiren('52345678') }));
  const base = {
    supplierId: s.id,
    supplierNumber: 'IMP-2026-118',
    issueDate: lastMonthDay,
    dueDate: addDays(lastMonthDay, 30),
    account: '604',
    lines: [
      { description: 'Flyers', vatRateBp: 2000, exclCents: 30_000 },
      { description: 'Livres', vatRateBp: 550, exclCents: 10_001 },
    ],
  };
  await assert.rejects(
    inA((trx) =>
      createSupplierInvoice(trx, ent, {
        ...base,
        splits: [
          { activityId: a.activityId, exclCents: 20_000 },
          { activityId: act2, exclCents: 20_000 },
        ],
      }),
    ),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.fields.splits, /répartition entre activités .* doit être égale au total hors taxes .*400,01/);
      return true;
    },
  );
  assert.equal(
    (
      await inA((trx) =>
        purchasesDb(trx).selectFrom('supplier_invoice').select('id').where('cooperative_id', '=', a.coop.id).execute(),
      )
    ).length,
    0,
  );
  // Another cooperative's activity cannot be charged.
  await assert.rejects(
    inA((trx) =>
      createSupplierInvoice(trx, ent, { ...base, splits: [{ activityId: b.activityId, exclCents: 40_001 }] }),
    ),
    /propres activités/,
  );

  const inv = await inA((trx) =>
    createSupplierInvoice(trx, ent, {
      ...base,
      submit: true,
      splits: [
        { activityId: a.activityId, exclCents: 30_001 },
        { activityId: act2, exclCents: 10_000 },
      ],
    }),
  );
  assert.equal(inv.status, 'to_approve');
  assert.equal(inv.vatCents, 6_000 + 550); // 20 % of 300 € + 5.5 % of 100.01 € (5.50055 → 5.50)
  assert.equal(inv.totalInclCents, 46_551);
  await assert.rejects(
    inA((trx) =>
      createSupplierInvoice(trx, ent, { ...base, splits: [{ activityId: a.activityId, exclCents: 40_001 }] }),
    ),
    /déjà enregistrée/,
  );
  await assert.rejects(
    inA((trx) => approveSupplierInvoice(trx, ent, inv.id)),
    /accès/,
  );

  await inA((trx) => approveSupplierInvoice(trx, support, inv.id));
  const ac = await entries('purchases.supplier_invoice', inv.id);
  assert.equal(ac.e.length, 1);
  assert.equal(ac.e[0].journal_code, 'AC');
  assert.ok(balanced(ac.lines));
  assert.equal(sum(ac.lines, '604'), 40_001);
  assert.equal(sum(ac.lines, '44566'), 6_550);
  assert.equal(sum(ac.lines, '401'), -46_551);
  assert.ok(ac.lines.every((l) => l.code === 'ACT1' || l.code === 'ACT9'));
  assert.equal(
    ac.lines.filter((l) => l.account === '604' && l.code === 'ACT9').reduce((t, l) => t + l.d, 0),
    10_000,
  );
  assert.ok(ac.lines.filter((l) => l.account === '401').every((l) => l.aux === s.id));
  // Per activity, each share balances on its own.
  for (const code of ['ACT1', 'ACT9']) assert.ok(balanced(ac.lines.filter((l) => l.code === code)));

  // Ten clicks on "Payer" at once (issue 11 #8): one payment, one entry, nine refusals.
  const clicks = await Promise.allSettled(
    Array.from({ length: 10 }, () => inA((trx) => markSupplierInvoicePaid(trx, support, inv.id, today))),
  );
  assert.equal(clicks.filter((c) => c.status === 'fulfilled').length, 1);
  const bq = await entries('purchases.supplier_payment', inv.id);
  assert.equal(bq.e.length, 1, 'one payment entry');
  assert.ok(balanced(bq.lines));
  assert.equal(sum(bq.lines, '401'), 46_551);
  assert.equal(sum(bq.lines, '512'), -46_551);
  assert.equal((await inA((trx) => getSupplierInvoice(trx, support, inv.id)))!.status, 'paid');
  await assert.rejects(
    inA((trx) => markSupplierInvoicePaid(trx, support, inv.id, today)),
    /déjà payée/,
  );
});

test('expense sheet: duplicate receipt refused (nothing written), checks, batch validation of clean sheets, postings', async () => {
  const ent = a.actor('entrepreneur');
  const support = a.actor('support');
  const receipt = png(1);
  const meal = await inA((trx) =>
    addExpenseLine(trx, ent, key, {
      date: lastMonthDay,
      category: 'meals',
      description: 'Déjeuner client',
      activityId: a.activityId,
      amountInclCents: 2_750,
      receipt: { name: 'ticket.png', mimeType: 'image/png', content: receipt },
    }),
  );
  assert.equal(meal.vatCents, vatIncluded(2_750, 1000));
  assert.equal(meal.vatCents, 250);
  assert.deepEqual(meal.issues, []);
  const files = async () =>
    (
      await inA((trx) =>
        purchasesDb(trx).selectFrom('stored_file').select('id').where('cooperative_id', '=', a.coop.id).execute(),
      )
    ).length;
  const before = await files();
  await assert.rejects(
    inA((trx) =>
      addExpenseLine(trx, ent, key, {
        date: lastMonthDay,
        category: 'meals',
        activityId: a.activityId,
        amountInclCents: 2_750,
        receipt: { name: 'encore.png', mimeType: 'image/png', content: receipt },
      }),
    ),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.fields.receipt, /déjà été déposé/);
      return true;
    },
  );
  assert.equal(await files(), before);
  // Refused input: negative amount, VAT above the amount, someone else's activity.
  await assert.rejects(
    inA((trx) =>
      addExpenseLine(trx, ent, key, {
        date: lastMonthDay,
        category: 'meals',
        activityId: b.activityId,
        amountInclCents: -5,
        vatCents: 10,
      }),
    ),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.ok(e.fields.amountInclCents && e.fields.activityId);
      return true;
    },
  );
  // A line without receipt, with implausible VAT and over the limit: three reasons.
  const bad = await inA((trx) =>
    addExpenseLine(trx, ent, key, {
      date: lastMonthDay,
      category: 'meals',
      description: 'Repas de groupe',
      activityId: a.activityId,
      amountInclCents: 12_000,
      vatCents: 4_000,
    }),
  );
  assert.equal(bad.issues.length, 3);
  assert.match(bad.issues.join(' '), /Justificatif manquant/);
  assert.match(bad.issues.join(' '), /TVA peu vraisemblable/);
  assert.match(bad.issues.join(' '), /plafond/);

  const month = lastMonthDay.slice(0, 7);
  const sheet = await inA((trx) => myReport(trx, ent, month));
  assert.equal(sheet.totalCents, 14_750);
  assert.equal(sheet.issues, 3);
  await inA((trx) => submitExpenseReport(trx, ent, sheet.id));
  await assert.rejects(
    inA((trx) =>
      addExpenseLine(trx, ent, key, {
        date: lastMonthDay,
        category: 'supplies',
        activityId: a.activityId,
        amountInclCents: 1_200,
      }),
    ),
    /déjà envoyée/,
  );

  // The CAPE's clean sheet (own activity) is validated in the batch; the one with issues is skipped.
  const cape = a.actor('cape');
  await inA((trx) =>
    testDb(trx)
      .insertInto('activity_owner')
      .values({ cooperative_id: a.coop.id, activity_id: a.activityId, user_id: a.users.cape.id })
      .execute(),
  );
  await inA((trx) =>
    addExpenseLine(trx, cape, key, {
      date: lastMonthDay,
      category: 'supplies',
      activityId: a.activityId,
      amountInclCents: 2_400,
      receipt: { name: 'r.png', mimeType: 'image/png', content: png(2) },
    }),
  );
  const capeSheet = await inA((trx) => myReport(trx, cape, month));
  await inA((trx) => submitExpenseReport(trx, cape, capeSheet.id));
  const waiting = await inA((trx) => reportsToValidate(trx, support));
  assert.equal(waiting.length, 2);
  const done = await inA((trx) =>
    validateExpenseReports(
      trx,
      support,
      waiting.map((w) => w.id),
      { onlyClean: true, date: today },
    ),
  );
  assert.deepEqual(done, [capeSheet.id]);
  const od = await entries('purchases.expense_report', capeSheet.id);
  assert.ok(balanced(od.lines));
  assert.equal(sum(od.lines, '6064'), 2_000);
  assert.equal(sum(od.lines, '44566'), 400);
  assert.equal(sum(od.lines, '421'), -2_400);
  assert.ok(od.lines.every((l) => l.code === 'ACT1'));
  assert.equal(od.lines.find((l) => l.account === '421')!.aux, a.users.cape.id);

  await inA((trx) => validateExpenseReports(trx, support, [sheet.id], { date: today }));
  const od2 = await entries('purchases.expense_report', sheet.id);
  assert.ok(balanced(od2.lines));
  assert.equal(sum(od2.lines, '6256'), 2_500 + 8_000);
  assert.equal(sum(od2.lines, '44566'), 4_250);
  assert.equal(sum(od2.lines, '421'), -14_750);
  const clicks = await Promise.allSettled(
    Array.from({ length: 10 }, () => inA((trx) => markExpenseReportReimbursed(trx, support, sheet.id, today))),
  );
  assert.equal(clicks.filter((c) => c.status === 'fulfilled').length, 1, 'one reimbursement');
  const bq = await entries('purchases.expense_reimbursement', sheet.id);
  assert.equal(bq.e.length, 1, 'one reimbursement entry');
  assert.ok(balanced(bq.lines));
  assert.equal(sum(bq.lines, '421'), 14_750);
  assert.equal(sum(bq.lines, '512'), -14_750);
  assert.equal((await inA((trx) => getExpenseReport(trx, ent, sheet.id)))!.reimbursement, 'paid');
});

test('mileage: cumulative distance over the year crosses the 5,000 km band, posted D 6251 / C 421', async () => {
  const ent = a.actor('entrepreneur');
  const support = a.actor('support');
  const car = await inA((trx) => addVehicle(trx, ent, { label: 'Clio grise', fiscalHp: 5 }));
  await assert.rejects(
    inA((trx) => addVehicle(trx, ent, { label: '', fiscalHp: 0 })),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.ok(e.fields.label && e.fields.fiscalHp);
      return true;
    },
  );
  const year = Number(today.slice(0, 4));
  const d1 = `${year}-01-01`;
  const d2 = `${year}-01-01`; // never in the future
  // 5 CV: up to 5,000 km d × 0.636; 5,001–20,000 km d × 0.357 + 1,395 €.
  const t1 = await inA((trx) =>
    addMileageTrip(trx, ent, {
      date: d1,
      vehicleId: car.id,
      activityId: a.activityId,
      description: 'Lyon → Grenoble (tournée)',
      distanceKm: 4_000,
    }),
  );
  assert.equal(t1.amountCents, 254_400); // 4,000 × 0.636 = 2,544.00 €
  const t2 = await inA((trx) =>
    addMileageTrip(trx, ent, {
      date: d2,
      vehicleId: car.id,
      activityId: a.activityId,
      description: 'Lyon → Paris et retour (salon)',
      distanceKm: 2_000,
    }),
  );
  // Year total 6,000 km: 6,000 × 0.357 + 1,395 = 3,537.00 €; this trip = 3,537.00 − 2,544.00 = 993.00 €.
  assert.equal(t2.yearKmBefore, 4_000);
  assert.equal(t2.amountCents, 99_300);
  await assert.rejects(
    inA((trx) =>
      addMileageTrip(trx, ent, {
        date: d2,
        vehicleId: car.id,
        activityId: a.activityId,
        description: '',
        distanceKm: 0,
      }),
    ),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.ok(e.fields.distanceKm && e.fields.description);
      return true;
    },
  );
  const sheet = await inA((trx) => myReport(trx, ent, d1.slice(0, 7)));
  assert.equal(sheet.totalCents, 353_700);
  await inA((trx) => submitExpenseReport(trx, ent, sheet.id));
  await inA((trx) => validateExpenseReports(trx, support, [sheet.id], { date: d2 }));
  const od = await entries('purchases.expense_report', sheet.id);
  assert.ok(balanced(od.lines));
  assert.equal(sum(od.lines, '6251'), 353_700);
  assert.equal(sum(od.lines, '421'), -353_700);
  assert.equal(sum(od.lines, '44566'), 0);
});

test('a stored file id uploaded by someone else cannot be attached (and so never downloaded through it)', async () => {
  const support = a.actor('support');
  const theirs = await inA((trx) =>
    storeFile(trx, key, {
      cooperativeId: a.coop.id,
      name: 'bulletin.pdf',
      purpose: 'receipt',
      content: Buffer.from(`%PDF-1.7\n${Math.random()}\n%%EOF\n`),
      createdBy: support.userId,
    }),
  );
  await assert.rejects(
    inA((trx) =>
      addExpenseLine(trx, a.actor('entrepreneur'), key, {
        date: lastMonthDay,
        category: 'supplies',
        activityId: a.activityId,
        amountInclCents: 1_000,
        receiptFileId: theirs.id,
      }),
    ),
    /introuvable/,
  );
});
