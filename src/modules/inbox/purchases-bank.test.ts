// Purchases and bank inbox items appear and disappear with the state created through their
// services (no hand-made rows).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { TenantTx as Tx } from './db.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { todayParis, addDays } from '../../core/dates.ts';
import type { Actor } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';

import {
  addExpenseLine,
  submitExpenseReport,
  myReport,
  validateExpenseReports,
  createSupplier,
  createSupplierInvoice,
  approveSupplierInvoice,
} from '../purchases/index.ts';
import { ensureMainAccount, importStatement, markIgnored, listToJustify, writeCamt053 } from '../bank/index.ts';
import { computeInbox } from './index.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
const fileKey = randomBytes(32);
const today = todayParis();
const lastMonthDay = (() => {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
})();
const png = (n: number) =>
  Buffer.concat([
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    ),
    Buffer.from(`receipt-${n}-${Math.random()}`),
  ]);
const tx = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, A.coop.id, fn);
const items = (actor: Actor, day = today) => tx((trx) => computeInbox(trx, actor, day));
const kinds = async (actor: Actor, prefix: string, day = today) =>
  (await items(actor, day)).filter((i) => i.kind.startsWith(prefix));

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});

test("purchases: last month's sheet to submit (due the 5th), receipts missing, sheets to validate, all resolved by the services", async () => {
  const ent = A.actor('entrepreneur');
  const support = A.actor('support');
  assert.deepEqual(await kinds(ent, 'purchases.'), []);
  await tx((trx) =>
    addExpenseLine(trx, ent, fileKey, {
      date: lastMonthDay,
      category: 'meals',
      activityId: A.activityId,
      amountInclCents: 2_450,
      receipt: { name: 'r.png', mimeType: 'image/png', content: png(1) },
    }),
  );
  const prevMonth = lastMonthDay.slice(0, 7);
  let list = await kinds(ent, 'purchases.');
  assert.deepEqual(
    list.map((i) => i.kind),
    ['purchases.expense.submit'],
  );
  assert.match(list[0].title, /^Soumettez votre note de frais de \S+ \d{4}$/);
  assert.equal(list[0].dueDate, `${today.slice(0, 7)}-05`);
  assert.equal(list[0].urgency, today > `${today.slice(0, 7)}-05` ? 'high' : 'medium');
  assert.equal(list[0].action.href, `/notes-de-frais?mois=${prevMonth}`);
  // Someone else in the cooperative or another cooperative sees nothing of it.
  assert.deepEqual(await kinds(A.actor('cape'), 'purchases.'), []);
  assert.deepEqual(
    (await withTenant(odb.db, B.coop.id, (trx) => computeInbox(trx, B.actor('support'), today))).filter((i) =>
      i.kind.startsWith('purchases.'),
    ),
    [],
  );

  // A line without receipt (this month) adds its own item.
  const noReceipt = await tx((trx) =>
    addExpenseLine(trx, ent, fileKey, {
      date: today,
      category: 'meals',
      description: 'Parking gare',
      activityId: A.activityId,
      amountInclCents: 800,
    }),
  );
  list = await kinds(ent, 'purchases.expense.receipt');
  assert.equal(list.length, 1);
  assert.equal(list[0].key, `purchases.expense.receipt:${noReceipt.id}`);
  assert.match(list[0].title, /^Ajoutez le justificatif de « Parking gare »/);

  // Support: nothing to validate yet; submitting moves the item from the entrepreneur to support.
  assert.deepEqual(await kinds(support, 'purchases.expense.validate'), []);
  const sheet = await tx((trx) => myReport(trx, ent, prevMonth));
  await tx((trx) => submitExpenseReport(trx, ent, sheet.id));
  assert.deepEqual(await kinds(ent, 'purchases.expense.submit'), []);
  const v = await kinds(support, 'purchases.expense.validate');
  assert.equal(v.length, 1);
  assert.equal(v[0].title, 'Validez 1 note de frais');
  assert.equal(v[0].link, '/notes-de-frais/a-valider');
  assert.equal((await kinds(A.actor('accountant'), 'purchases.expense.validate')).length, 1);
  assert.deepEqual(await kinds(ent, 'purchases.expense.validate'), []);
  await tx((trx) => validateExpenseReports(trx, support, [sheet.id]));
  assert.deepEqual(await kinds(support, 'purchases.expense.validate'), []);
  // The receipt item is still there (this month's sheet is a draft); deleting the line would resolve it.
  assert.equal((await kinds(ent, 'purchases.expense.receipt')).length, 1);
});

test('purchases: supplier invoices to approve appear for support and accountants, disappear once approved', async () => {
  const ent = A.actor('entrepreneur');
  const support = A.actor('support');
  const s = await tx((trx) => createSupplier(trx, ent, { name: 'Imprimerie Rhône', siren: makeSiren('52345678') }));
  const inv = await tx((trx) =>
    createSupplierInvoice(trx, ent, {
      supplierId: s.id,
      supplierNumber: 'IMP-118',
      issueDate: lastMonthDay,
      dueDate: addDays(lastMonthDay, 30),
      account: '604',
      lines: [{ description: 'Flyers', vatRateBp: 2000, exclCents: 30_000 }],
      splits: [{ activityId: A.activityId, exclCents: 30_000 }],
      submit: true,
    }),
  );
  for (const who of [support, A.actor('accountant')]) {
    const l = await kinds(who, 'purchases.supplier_invoice');
    assert.equal(l.length, 1);
    assert.equal(l[0].key, `purchases.supplier_invoice.approve:${inv.id}`);
    assert.match(l[0].title, /IMP-118 de Imprimerie Rhône \(360,00/);
    assert.equal(l[0].dueDate, addDays(lastMonthDay, 30));
  }
  assert.deepEqual(await kinds(ent, 'purchases.supplier_invoice'), []);
  await tx((trx) => approveSupplierInvoice(trx, support, inv.id));
  assert.deepEqual(await kinds(support, 'purchases.supplier_invoice'), []);
});

test('bank: one item with the count of lines to justify for accountants and the director, gone once justified', async () => {
  const acct = A.actor('accountant');
  assert.deepEqual(await kinds(acct, 'bank.'), []);
  const acc = (await tx((trx) => ensureMainAccount(trx, acct)))!;
  const file = Buffer.from(
    writeCamt053({
      messageId: 'INBOX-1',
      iban: A.coop.iban!,
      createdAt: `${today}T08:00:00`,
      entries: [
        { amountCents: -1290, bookingDate: today, label: 'FRAIS TENUE DE COMPTE', bankRef: 'IB1' },
        { amountCents: -4_321, bookingDate: today, label: 'PRLV INCONNU', bankRef: 'IB2' },
      ],
    }),
  );
  await tx((trx) => importStatement(trx, acct, { accountId: acc.id, bytes: file, fileName: 'releve.xml' }));
  const open = await tx((trx) => listToJustify(trx, acct));
  assert.equal(open.total, 2);
  for (const who of [acct, A.actor('director')]) {
    const l = await kinds(who, 'bank.');
    assert.equal(l.length, 1);
    assert.equal(l[0].title, '2 lignes bancaires à justifier');
    assert.equal(l[0].link, '/banque');
  }
  assert.deepEqual(await kinds(A.actor('entrepreneur'), 'bank.'), []);
  assert.deepEqual(await kinds(A.actor('support'), 'bank.'), []);
  await tx((trx) => markIgnored(trx, acct, open.items[0].tx.id));
  assert.equal((await kinds(acct, 'bank.'))[0].title, '1 ligne bancaire à justifier');
  await tx((trx) => markIgnored(trx, acct, open.items[1].tx.id));
  assert.deepEqual(await kinds(acct, 'bank.'), []);
});
