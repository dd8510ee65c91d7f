// The automatic checks of expense reports and supplier invoices (registered in purchases/inbox.ts):
// each on a case that raises it and one that does not; the validation queue lists the clean ones
// for a batch and the others with their findings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { storeFile } from '../../core/files.ts';
import { addMonths, todayParis } from '../../core/dates.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { updateCooperativeSettings } from '../directory/index.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { UserError } from '../../core/errors.ts';
import { expenseLimits, saveExpenseLimits } from './limits.service.ts';
import { runChecks, runChecksMany, checksFor, validationQueue, validateDocumentBatch } from '../inbox/index.ts';
import { countQueries } from '../../core/db/query-count.ts';
import {
  addExpenseLine,
  myReport,
  submitExpenseReport,
  createSupplier,
  createSupplierInvoice,
  approveSupplierInvoice,
  getExpenseReport,
  getSupplierInvoice,
  type SupplierInvoiceInput,
} from './index.ts';
import './inbox.ts';
import { purchasesDb } from './db.ts';

type Tx = Parameters<Parameters<typeof withTenant>[2]>[0];
let odb: OpenDb;
let a: TestCoop;
const key = randomBytes(32);
const today = todayParis();
/** The 10th of a month k months ago (always in the past, one expense report per month). */
const monthDay = (k: number) => `${addMonths(`${today.slice(0, 7)}-01`, -k).slice(0, 7)}-10`;
/** A PNG big enough to be a real photo for the readability check, unique per call. */
const photo = () =>
  Buffer.concat([
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    ),
    randomBytes(400),
  ]);
before(async () => {
  odb = await createTestDb();
  [a] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb.close();
});
const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, a.coop.id, fn);
const ent = () => a.actor('entrepreneur');
const sup = () => a.actor('support');

interface LineSpec {
  category?: string;
  description?: string;
  amountInclCents?: number;
  vatCents?: number;
  day?: string;
  receipt?: Buffer | null;
}
/** A submitted expense report of month k with the given lines; returns its id. */
async function report(k: number, lines: LineSpec[]): Promise<string> {
  return inA(async (trx) => {
    for (const l of lines) {
      const content = l.receipt === undefined ? photo() : l.receipt;
      await addExpenseLine(trx, ent(), key, {
        date: l.day ?? monthDay(k),
        category: l.category ?? 'meals',
        description: l.description ?? 'Déjeuner client',
        activityId: a.activityId,
        amountInclCents: l.amountInclCents ?? 2_200,
        vatCents: l.vatCents ?? 200,
        receipt: content ? { name: 'ticket.png', mimeType: 'image/png', content } : null,
      });
    }
    const r = await myReport(trx, ent(), monthDay(k).slice(0, 7));
    await submitExpenseReport(trx, ent(), r.id);
    return r.id;
  });
}
const checks = async (type: 'expense' | 'purchase', id: string) => inA((trx) => runChecks(trx, sup(), type, id));
const ids = async (type: 'expense' | 'purchase', id: string) => (await checks(type, id)).map((f) => f.checkId);

test('expense: a clean report raises nothing', async () => {
  const id = await report(1, [{}]);
  assert.deepEqual(await checks('expense', id), []);
});

test('expense.receipt: missing receipt and a file too small to be read are flagged, in plain French', async () => {
  const id = await report(2, [{ receipt: null, description: 'Taxi gare' }]);
  const f = (await checks('expense', id)).find((x) => x.checkId === 'expense.receipt');
  assert.ok(f);
  assert.match(f.message, /Justificatif manquant pour « Taxi gare »/);
  assert.match(f.message, /Renvoyez la note/);
  // A stored receipt of a few bytes (a broken upload) is unreadable.
  const id2 = await report(3, [{ description: 'Sandwich' }]);
  await inA(async (trx) => {
    const tiny = await storeFile(trx, key, {
      cooperativeId: a.coop.id,
      name: 'vide.png',
      purpose: 'receipt',
      content: Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
        'base64',
      ),
      createdBy: a.users.entrepreneur.id,
    });
    await purchasesDb(trx)
      .updateTable('expense_line')
      .set({ receipt_file_id: tiny.id, receipt_sha256: tiny.sha256 })
      .where('cooperative_id', '=', a.coop.id)
      .where('report_id', '=', id2)
      .execute();
  });
  const g = (await checks('expense', id2)).find((x) => x.checkId === 'expense.receipt');
  assert.ok(g);
  assert.match(g.message, /ne peut pas être lu/);
});

test('expense.vat: 20 % on a hotel night is implausible; 10 % is not', async () => {
  const bad = await report(4, [
    { category: 'lodging', description: 'Hôtel Lyon', amountInclCents: 12_000, vatCents: 2_000 },
  ]);
  const f = (await checks('expense', bad)).find((x) => x.checkId === 'expense.vat');
  assert.ok(f);
  assert.match(f.message, /Hôtel Lyon/);
  assert.match(f.message, /Corrigez la TVA/);
  const good = await report(5, [
    { category: 'lodging', description: 'Hôtel Nantes', amountInclCents: 11_000, vatCents: 1_000 },
  ]);
  assert.ok(!(await ids('expense', good)).includes('expense.vat'));
});

test('expense.duplicate: the same amount, date and category twice, or the same file, is flagged; a different amount is not', async () => {
  const day = monthDay(6);
  const dup = await report(6, [
    { description: 'Repas A', amountInclCents: 1_870, vatCents: 170, day },
    { description: 'Repas A bis', amountInclCents: 1_870, vatCents: 170, day },
  ]);
  const f = (await checks('expense', dup)).find((x) => x.checkId === 'expense.duplicate');
  assert.ok(f);
  assert.match(f.message, /Doublon probable/);
  const clean = await report(7, [
    { description: 'Repas B', amountInclCents: 1_870, vatCents: 170 },
    { description: 'Repas C', amountInclCents: 1_980, vatCents: 180 },
  ]);
  assert.ok(!(await ids('expense', clean)).includes('expense.duplicate'));
  // The same file under two lines (e.g. an earlier import): the hash gives it away.
  await inA(async (trx) => {
    const r = (await getExpenseReport(trx, sup(), clean))!;
    await purchasesDb(trx)
      .updateTable('expense_line')
      .set({ receipt_file_id: r.lines[0].receiptFileId, receipt_sha256: r.lines[0].receiptSha256 })
      .where('cooperative_id', '=', a.coop.id)
      .where('id', '=', r.lines[1].id)
      .execute();
  });
  const g = (await checks('expense', clean)).find((x) => x.checkId === 'expense.duplicate');
  assert.ok(g);
  assert.match(g.message, /même fichier/);
});

test("expense.limit: above the category's limit is flagged; the cooperative's own limit applies", async () => {
  // Default meal limit: 40,00 €.
  const over = await report(8, [{ description: 'Dîner équipe', amountInclCents: 5_500, vatCents: 500 }]);
  const f = (await checks('expense', over)).find((x) => x.checkId === 'expense.limit');
  assert.ok(f);
  assert.match(f.message, /Dîner équipe.*dépasse le plafond « Repas » de 40,00/);
  // The direction raises the meal limit to 60 € (the form's service): no more finding.
  await assert.rejects(
    inA((trx) => saveExpenseLimits(trx, sup(), { meals: '60' })),
    ForbiddenError,
  );
  await assert.rejects(
    inA((trx) => saveExpenseLimits(trx, a.actor('director'), { meals: 'soixante' })),
    (e: unknown) => e instanceof UserError && /par exemple 40/.test(e.fields.meals),
  );
  await inA((trx) => saveExpenseLimits(trx, a.actor('director'), { meals: '60' }));
  assert.ok(!(await ids('expense', over)).includes('expense.limit'));
  await inA((trx) => saveExpenseLimits(trx, a.actor('director'), { meals: '50' }));
  assert.ok((await ids('expense', over)).includes('expense.limit'));
  // Left empty: no limit at all for the category (not the default).
  await inA((trx) => saveExpenseLimits(trx, a.actor('director'), { meals: '' }));
  const limits = await inA((trx) => expenseLimits(trx, a.actor('director')));
  assert.equal(limits.find((l) => l.code === 'meals')!.cents, null);
  assert.ok(!(await ids('expense', over)).includes('expense.limit'));
  await inA((trx) => updateCooperativeSettings(trx, a.actor('director'), { expenseLimits: {} }));
});

let supplierN = 0;
async function supplierInvoice(over: Partial<SupplierInvoiceInput> & { file?: Buffer | null } = {}) {
  return inA(async (trx) => {
    const s =
      over.supplierId ??
      (
        await createSupplier(trx, ent(), {
          name: `Fournisseur ${++supplierN}`,
          siren: makeSiren(`6${String(supplierN).padStart(7, '0')}`),
        })
      ).id;
    const file =
      over.file === null
        ? null
        : await storeFile(trx, key, {
            cooperativeId: a.coop.id,
            name: 'facture.png',
            purpose: 'supplier-invoice',
            content: over.file ?? photo(),
            createdBy: a.users.entrepreneur.id,
          });
    const { file: _f, ...rest } = over;
    return createSupplierInvoice(trx, ent(), {
      supplierId: s,
      supplierNumber: `F-${randomBytes(4).toString('hex')}`,
      issueDate: monthDay(1),
      account: '604',
      lines: [{ description: 'Prestation', vatRateBp: 2000, exclCents: 10_000 }],
      splits: [{ activityId: a.activityId, exclCents: 10_000 }],
      fileId: file?.id ?? null,
      submit: true,
      ...rest,
    });
  });
}

test('purchase: a clean supplier invoice raises nothing', async () => {
  const inv = await supplierInvoice();
  assert.deepEqual(await checks('purchase', inv.id), []);
});

test('purchase.file: an invoice without its document is flagged', async () => {
  const inv = await supplierInvoice({ file: null });
  const f = (await checks('purchase', inv.id)).find((x) => x.checkId === 'purchase.file');
  assert.ok(f);
  assert.match(f.message, /Aucun document joint/);
});

test('purchase.vat: a VAT amount that does not match its rate, or VAT on insurance, is flagged', async () => {
  const bad = await supplierInvoice({
    lines: [{ description: 'Conseil', vatRateBp: 2000, exclCents: 10_000, vatCents: 1_000 }],
  });
  const f = (await checks('purchase', bad.id)).find((x) => x.checkId === 'purchase.vat');
  assert.ok(f);
  assert.match(f.message, /ne correspond pas au taux 20/);
  const insurance = await supplierInvoice({ account: '616' });
  assert.match((await checks('purchase', insurance.id)).map((x) => x.message).join(), /ne portent pas de TVA/);
  const ok = await supplierInvoice({
    account: '616',
    lines: [{ description: 'RC Pro', vatRateBp: 0, exclCents: 10_000 }],
  });
  assert.ok(!(await ids('purchase', ok.id)).includes('purchase.vat'));
});

test('purchase.duplicate: same supplier, amount and date, or the same file, is flagged; another date is not', async () => {
  const first = await supplierInvoice();
  const again = await supplierInvoice({ supplierId: first.supplierId });
  const f = (await checks('purchase', again.id)).find((x) => x.checkId === 'purchase.duplicate');
  assert.ok(f);
  assert.match(f.message, new RegExp(`n° ${first.supplierNumber}`));
  const later = await supplierInvoice({ supplierId: first.supplierId, issueDate: monthDay(2) });
  assert.ok(!(await ids('purchase', later.id)).includes('purchase.duplicate'));
  // The same PDF sent twice under two numbers.
  const content = photo();
  const x = await supplierInvoice({ file: content });
  const y = await supplierInvoice({ file: content, issueDate: monthDay(3) });
  assert.ok(x.supplierId !== y.supplierId);
  const g = (await checks('purchase', y.id)).find((z) => z.checkId === 'purchase.duplicate');
  assert.ok(g);
  assert.match(g.message, /même fichier/);
});

test('purchase.expected-amount: far above what the supplier usually bills is flagged; a usual amount is not', async () => {
  const first = await supplierInvoice();
  for (const k of [2, 3]) {
    const inv = await supplierInvoice({ supplierId: first.supplierId, issueDate: monthDay(k) });
    await inA((trx) => approveSupplierInvoice(trx, sup(), inv.id));
  }
  await inA((trx) => approveSupplierInvoice(trx, sup(), first.id));
  const usual = await supplierInvoice({ supplierId: first.supplierId, issueDate: monthDay(4) });
  assert.ok(!(await ids('purchase', usual.id)).includes('purchase.expected-amount'));
  const big = await supplierInvoice({
    supplierId: first.supplierId,
    issueDate: monthDay(5),
    lines: [{ description: 'Prestation', vatRateBp: 2000, exclCents: 200_000 }],
    splits: [{ activityId: a.activityId, exclCents: 200_000 }],
  });
  const f = (await checks('purchase', big.id)).find((x) => x.checkId === 'purchase.expected-amount');
  assert.ok(f);
  assert.match(f.message, /facture d'habitude \(120,00\s€, médiane de 3 factures\)/);
});

for (const [type, table] of [
  ['expense', 'expense_report'],
  ['purchase', 'supplier_invoice'],
] as const) {
  test(`${type}: the checks on all the documents at once equal the checks on each, for the same few queries as two`, async () => {
    const all = (
      await inA((trx) =>
        purchasesDb(trx).selectFrom(table).select('id').where('cooperative_id', '=', a.coop.id).execute(),
      )
    ).map((r) => r.id);
    const each = new Map();
    for (const id of all) each.set(id, await checks(type, id));
    // Every check of the type is raised by some document of this file, and some are clean.
    const raised = new Set([...each.values()].flat().map((f) => f.checkId));
    assert.equal(raised.size, checksFor(type).length);
    assert.ok([...each.values()].some((f) => f.length === 0));
    assert.deepEqual(await inA((trx) => runChecksMany(trx, sup(), type, all)), each);
    const queries = async (list: string[]) =>
      (await countQueries(() => inA((trx) => runChecksMany(trx, sup(), type, list)))).queries;
    assert.equal(await queries(all), await queries(all.slice(0, 2)));
  });
}

test('the validation queue shows expense reports and supplier invoices with their findings; the batch validates only the clean ones', async () => {
  const q = await inA((trx) => validationQueue(trx, sup()));
  const expense = q.others.find((s) => s.documentType === 'expense')!;
  const purchase = q.others.find((s) => s.documentType === 'purchase')!;
  assert.ok(expense.ready.length >= 1 && expense.review.length >= 1);
  assert.ok(purchase.ready.length >= 1 && purchase.review.length >= 1);
  assert.ok(expense.review.every((e) => e.findings.length > 0));
  const all = [...expense.ready, ...expense.review].map((e) => e.doc.id);
  const r = await validateDocumentBatch(odb.db, sup(), 'expense', all);
  assert.deepEqual(r.validated.sort(), expense.ready.map((e) => e.doc.id).sort());
  assert.equal(r.skipped.length, expense.review.length);
  const inv = purchase.ready[0].doc.id;
  const p = await validateDocumentBatch(odb.db, sup(), 'purchase', [inv]);
  assert.deepEqual(p.validated, [inv]);
  assert.equal((await inA((trx) => getSupplierInvoice(trx, sup(), inv)))!.status, 'approved');
  // An entrepreneur has no such queue.
  await assert.rejects(validateDocumentBatch(odb.db, ent(), 'expense', all));
});
