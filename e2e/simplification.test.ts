// Effort measured in Chromium for two common tasks of an entrepreneur: submit a month of expenses
// with 3 receipts (/notes-de-frais) and request a salary (/salaire). Actions = clicks + typed
// fields + selections + file choices, counted from the task's page once signed in. Counts are
// merged into test-output/action-counts.json under "simplification".
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../src/app/testing.ts';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import PDFDocument from 'pdfkit';
import type { Browser, Page } from 'playwright-core';
import { toolSkip } from '../src/core/testing-tools.ts';
import { startTestServer, launchBrowser, recordActionCounts, CHROMIUM, OUTPUT, counted } from './browser.ts';

import { withTenant } from '../src/core/db/tenant.ts';
import { createCustomer } from '../src/modules/sales/index.ts';
import { sell } from '../src/modules/ledger/test-helpers.ts';
import { todayParis } from '../src/core/dates.ts';
import { moduleView } from '../src/core/db/handles.ts';
import type { LedgerTables } from '../src/modules/ledger/index.ts';
import type { PurchasesTables } from '../src/modules/purchases/index.ts';

const testDb = moduleView<LedgerTables & PurchasesTables>();

const skip = toolSkip(CHROMIUM, 'chromium');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let a: TestCoop;
const counts: Record<string, number> = {};

/** A receipt as a PDF with a text layer (read by text extraction, no OCR: fast and reliable). */
function receiptPdf(shop: string, date: string, total: string, vat: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: [226, 300], margin: 16 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.font('Helvetica-Bold').fontSize(12).text(shop);
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(`Le ${date.split('-').reverse().join('/')}`)
      .moveDown();
    doc.fontSize(11).text(`TOTAL TTC  ${total} EUR`).fontSize(9).text(`dont TVA  ${vat}`).text('Merci de votre visite');
    doc.end();
  });
}

before(async () => {
  if (skip) return;
  srv = await startTestServer();
  [a] = await seedTestCooperatives(srv.odb);
  // The activity needs money for a salary: an invoice created, validated and paid through the sales services.
  await withTenant(srv.odb.db, a.coop.id, async (trx) => {
    const c = await createCustomer(trx, a.actor('entrepreneur'), {
      kind: 'individual',
      name: 'Jeanne Martin',
      email: 'jeanne@exemple.fr',
      addressLine1: '3 rue des Tests',
      postalCode: '69002',
      city: 'Lyon',
      countryCode: 'FR',
    });
    await sell(trx, a.actor('support'), {
      activityId: a.activityId,
      customerId: c.id,
      unitCents: 800_000,
      payCents: 960_000,
    });
  });
  browser = await launchBrowser();
});
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
  if (Object.keys(counts).length)
    recordActionCounts('simplification', {
      ...counts,
      note: 'Entrepreneur actions (clicks, typed fields, selections, file choices) counted from the task page (/notes-de-frais, /salaire) once signed in; reaching it from the home page adds 1 click. Issue 8 target for the expenses month: ≤ 8; reached with "Ajouter plusieurs justificatifs" (3 PDF receipts chosen at once, read by the server), was 10 one receipt at a time.',
    });
});

async function signedIn(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/connexion`);
  await page.fill('input[name="email"]', a.users.entrepreneur.email);
  await page.fill('input[name="password"]', TEST_PASSWORD);
  await page.click('button[type="submit"]:has-text("Se connecter")');
  await page.waitForURL(`${srv.url}/`);
  return page;
}

test('submit a month of expenses with 3 receipts', { skip }, async () => {
  const page = await signedIn();
  await page.goto(`${srv.url}/notes-de-frais`);
  const act = counted(page);
  // "Ajouter plusieurs justificatifs": the 3 receipts chosen at once, read by the server (amount, VAT, date).
  const today = todayParis();
  const files = await Promise.all(
    (
      [
        ['Boulangerie du Port', '18,50', '1,68'],
        ['Papeterie Centrale', '42,00', '7,00'],
        ['Parking Gare', '7,20', '1,20'],
      ] as const
    ).map(async ([shop, total, vat], i) => ({
      name: `ticket-${i + 1}.pdf`,
      mimeType: 'application/pdf',
      buffer: await receiptPdf(shop, today, total, vat),
    })),
  );
  await act.file('input[name="receipts"]', files);
  await act.click('button[name="action"][value="bulk"]');
  // Read in the background: the sheet polls, then reloads itself with the lines (no click).
  await page.waitForSelector('.flash >> text=3 dépenses ajoutées', { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelectorAll('table.data tbody tr').length === 3);
  assert.equal(await page.locator('table.data tbody tr').count(), 3);
  assert.match((await page.textContent('main')) ?? '', /Total : 67,70/);
  await act.click('button:has-text("Envoyer la note de frais")');
  await page.waitForSelector('text=Note de frais envoyée');
  await page.screenshot({ path: `${OUTPUT}/simplification-expenses-mobile.png`, fullPage: true });
  const sheet = await testDb(srv.odb.db)
    .selectFrom('expense_report')
    .select(['status', 'total_cents'])
    .where('cooperative_id', '=', a.coop.id)
    .where('user_id', '=', a.users.entrepreneur.id)
    .executeTakeFirstOrThrow();
  assert.equal(sheet.status, 'submitted');
  assert.equal(Number(sheet.total_cents), 6_770);
  const receipts = await testDb(srv.odb.db)
    .selectFrom('expense_line')
    .select('receipt_file_id')
    .where('cooperative_id', '=', a.coop.id)
    .execute();
  assert.equal(receipts.filter((r) => r.receipt_file_id).length, 3);
  counts.expensesMonth3Receipts = act.n;
  // Several receipts at once: choose the 3 files + "Ajouter les justificatifs" + send = 3 (it was
  // 3 × (file + amount + add) + send = 10 one receipt at a time); issue 8 asks for 8 at most.
  assert.ok(act.n <= 8, `expenses month took ${act.n} actions`);
  await page.context().close();
});

test('request a salary', { skip }, async () => {
  const page = await signedIn();
  await page.goto(`${srv.url}/salaire`);
  const act = counted(page);
  await act.fill('input[name="amount"]', '2 000');
  await act.click('button[name="action"][value="request"]');
  await page.waitForSelector('.flash-success');
  const req = await testDb(srv.odb.db)
    .selectFrom('salary_request')
    .select(['status', 'employer_cost_cents'])
    .where('cooperative_id', '=', a.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(req.status, 'requested');
  assert.ok(Number(req.employer_cost_cents) <= 200_000 && Number(req.employer_cost_cents) > 0);
  await page.screenshot({ path: `${OUTPUT}/simplification-salary-mobile.png`, fullPage: true });
  counts.salaryRequest = act.n;
  assert.ok(act.n <= 2, `salary request took ${act.n} actions`);
  await page.context().close();
});
