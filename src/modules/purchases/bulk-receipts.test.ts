// "Ajouter plusieurs justificatifs" over HTTP: the files are queued and read in the background
// (here without pg-boss, in this process after the request: see core/jobs.ts requestJob); the page
// polls the batch. 2 readable PDF receipts + 1 without an amount → 2 lines (amount, VAT, date,
// default category, stored receipt), 1 message, nothing kept for the unreadable one; the same
// receipt sent again is refused per file with the duplicate message; the category is changed in place.
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import PDFDocument from 'pdfkit';
import { createTestApp, TestClient } from '../../app/testing-web.ts';

import { todayParis } from '../../core/dates.ts';
import { settleLocalJobs } from '../../core/jobs.ts';
import { defaultCategoryFor } from './bulk-receipts.ts';
import { purchasesDb } from './db.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
});
after(async () => {
  await t?.odb.close();
});

const count = async (table: 'expense_line' | 'stored_file') =>
  Number(
    (
      await purchasesDb(t.odb.db)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('cooperative_id', '=', A.coop.id)
        .executeTakeFirstOrThrow()
    ).n,
  );
function pdf(lines: string[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: [226, 300], margin: 16 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.font('Helvetica').fontSize(10);
    for (const l of lines) doc.text(l);
    doc.end();
  });
}
async function uploadMany(client: TestClient, files: { name: string; content: Buffer }[]) {
  const fd = new FormData();
  fd.append('_csrf', client.csrf);
  for (const f of files)
    fd.append('receipts', new Blob([new Uint8Array(f.content)], { type: 'application/pdf' }), f.name);
  const res = await t.app.request('http://localhost/notes-de-frais/ajouter-plusieurs', {
    method: 'POST',
    body: fd,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  for (const sc of res.headers.getSetCookie()) {
    // keep the flash cookie, as a browser would
    const [pair] = sc.split(';');
    const i = pair.indexOf('=');
    if (/max-age=0/i.test(sc) || pair.slice(i + 1) === '') client.cookies.delete(pair.slice(0, i));
    else client.cookies.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return { res, html: await res.text() };
}
/** The last batch sent, its progress fragment once read. */
async function readBatch(client: TestClient) {
  await settleLocalJobs();
  const b = await purchasesDb(t.odb.db)
    .selectFrom('receipt_reading')
    .select('batch_id')
    .where('cooperative_id', '=', A.coop.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return client.get(`/notes-de-frais/lectures/${b.batch_id}`);
}

test('default category: the one whose default VAT rate matches the receipt, else "other"', () => {
  assert.equal(defaultCategoryFor(3_245, 295), 'meals'); // 10 %
  assert.equal(defaultCategoryFor(1_200, 200), 'other'); // 20 %: the neutral category
  assert.equal(defaultCategoryFor(1_055, 55), 'books'); // 5,5 %
  assert.equal(defaultCategoryFor(1_000, 333), 'other'); // no usual rate
  assert.equal(defaultCategoryFor(1_000, null), 'other');
});

test('several receipts at once: 2 readable PDFs + 1 unreadable → 2 lines, 1 message; a duplicate is refused', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const page = await ent.get('/notes-de-frais');
  assert.match(
    page.html,
    /<input id="f-receipts" name="receipts" type="file" multiple="" accept="image\/\*,application\/pdf"|name="receipts"[^>]*multiple/,
  );
  const today = todayParis();
  const fr = today.split('-').reverse().join('/');
  const taxi = await pdf(['TAXI LUMIÈRE', `Le ${fr}`, 'TOTAL TTC 32,45 EUR', 'dont TVA 10 % 2,95']);
  const shop = await pdf(['PAPETERIE CENTRALE', `Date : ${fr}`, 'TOTAL TTC 24,00 EUR', 'TVA 20 % 4,00']);
  const blank = await pdf(['Merci de votre visite', 'A bientôt']);
  const [lines0, files0] = [await count('expense_line'), await count('stored_file')];

  const r = await uploadMany(ent, [
    { name: 'taxi.pdf', content: taxi },
    { name: 'papeterie.pdf', content: shop },
    { name: 'illisible.pdf', content: blank },
  ]);
  assert.equal(r.res.status, 302);
  const progress = await ent.get(r.res.headers.get('location')!);
  assert.match(progress.html, /3 justificatifs sont en cours de lecture/);
  const done = await readBatch(ent);
  assert.equal(done.res.status, 200);
  assert.match(done.html, /Lecture terminée : 2 dépenses ajoutées sur 3 justificatifs/);
  assert.doesNotMatch(done.html, /hx-trigger/, 'a finished batch stops polling');
  assert.equal(await count('expense_line'), lines0 + 2);
  assert.equal(await count('stored_file'), files0 + 2); // nothing kept for the unreadable receipt
  assert.match(
    done.html,
    /illisible\.pdf<\/strong> : Le montant n(&#39;|')a pas pu être lu : saisissez cette dépense à la main/,
  );
  // Another person of the cooperative cannot follow the batch.
  const other = new TestClient(t.app);
  await other.signIn(A.users.cape.email, TEST_PASSWORD);
  const b = await purchasesDb(t.odb.db).selectFrom('receipt_reading').select('batch_id').executeTakeFirstOrThrow();
  const o = await other.get(`/notes-de-frais/lectures/${b.batch_id}`);
  assert.equal(o.res.status, 404, `${o.res.headers.get('location')} ${o.html.slice(0, 300)}`);
  const rows = await purchasesDb(t.odb.db)
    .selectFrom('expense_line')
    .select(['amount_incl_cents', 'vat_cents', 'date', 'category', 'receipt_file_id', 'activity_id', 'description'])
    .where('cooperative_id', '=', A.coop.id)
    .orderBy('amount_incl_cents')
    .execute();
  assert.deepEqual(
    rows.map((x) => ({
      amount: Number(x.amount_incl_cents),
      vat: Number(x.vat_cents),
      date: x.date,
      category: x.category,
      activity: x.activity_id,
      receipt: !!x.receipt_file_id,
    })),
    [
      { amount: 2_400, vat: 400, date: today, category: 'other', activity: A.activityId, receipt: true },
      { amount: 3_245, vat: 295, date: today, category: 'meals', activity: A.activityId, receipt: true },
    ],
  );
  const sheet = await ent.get('/notes-de-frais');
  assert.match(sheet.html, /Total : 56,45/);

  // The category chosen automatically (10 % → meals) is changed in place (htmx), then shown.
  const taxiLine = await purchasesDb(t.odb.db)
    .selectFrom('expense_line')
    .select('id')
    .where('cooperative_id', '=', A.coop.id)
    .where('amount_incl_cents', '=', 3_245)
    .executeTakeFirstOrThrow();
  assert.match(sheet.html, new RegExp(`hx-post="/notes-de-frais/ligne/${taxiLine.id}/categorie"`));
  const changed = await ent.post(
    `/notes-de-frais/ligne/${taxiLine.id}/categorie`,
    { category: 'travel' },
    {
      headers: { 'hx-request': 'true' },
    },
  );
  assert.equal(changed.res.status, 200);
  assert.match(changed.html, /<option value="travel" selected="">/);
  assert.match(changed.html, /Catégorie enregistrée/);
  const cat = await purchasesDb(t.odb.db)
    .selectFrom('expense_line')
    .select('category')
    .where('id', '=', taxiLine.id)
    .executeTakeFirstOrThrow();
  assert.equal(cat.category, 'travel');
  const bad = await ent.post(
    `/notes-de-frais/ligne/${taxiLine.id}/categorie`,
    { category: 'caviar' },
    {
      headers: { 'hx-request': 'true' },
    },
  );
  assert.match(bad.html, /Choisissez une catégorie/);
  // Another person cannot change my line.
  const theirs = await other.post(`/notes-de-frais/ligne/${taxiLine.id}/categorie`, { category: 'meals' });
  assert.equal(theirs.res.status, 404);
  assert.equal(
    (
      await purchasesDb(t.odb.db)
        .selectFrom('expense_line')
        .select('category')
        .where('id', '=', taxiLine.id)
        .executeTakeFirstOrThrow()
    ).category,
    'travel',
  );

  // The taxi receipt again, with a new readable one: the duplicate is refused on its own, the other is added.
  const parking = await pdf(['PARKING GARE', `Le ${fr}`, 'TOTAL TTC 6,00 EUR', 'TVA 20 % 1,00']);
  const again = await uploadMany(ent, [
    { name: 'taxi-encore.pdf', content: taxi },
    { name: 'parking.pdf', content: parking },
  ]);
  assert.equal(again.res.status, 302);
  const againDone = await readBatch(ent);
  assert.equal(await count('expense_line'), lines0 + 3);
  assert.equal(await count('stored_file'), files0 + 3);
  assert.match(againDone.html, /taxi-encore\.pdf<\/strong> : Ce justificatif a déjà été déposé \(dépense du/);

  // No file chosen: error next to the field, nothing written.
  const none = await uploadMany(ent, []);
  assert.equal(none.res.status, 400);
  assert.match(none.html, /id="f-receipts-error"[^>]*>Choisissez un ou plusieurs justificatifs/);
  assert.equal(await count('expense_line'), lines0 + 3);
});

test('a supplier invoice photo is read in the background, then fills the form; only its sender sees it', async () => {
  const { drawReceipt, receiptLines, rotate, toPng } = await import('./testdata/receipt-images.ts');
  const t0 = receiptLines({ supplier: 'GARAGE DES ALPES', date: todayParis(), totalCents: 21_600, vatCents: 3_600 }, [
    ['Vidange', 21_600],
  ]);
  const photo = toPng(rotate(drawReceipt(t0.lines), 3));
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const fd = new FormData();
  fd.append('_csrf', ent.csrf);
  fd.append('file', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'facture.png');
  const res = await t.app.request('http://localhost/factures-fournisseurs/lire', {
    method: 'POST',
    body: fd,
    headers: { cookie: [...ent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(res.status, 302, 'a photo is never read inside the request');
  const where = res.headers.get('location')!;
  assert.match(where, /^\/factures-fournisseurs\/nouvelle\?lecture=[0-9a-f-]{36}$/);
  const batchId = where.split('=')[1];
  await settleLocalJobs();
  const poll = await ent.get(`/factures-fournisseurs/lectures/${batchId}`);
  assert.equal(poll.res.status, 200);
  assert.equal(poll.res.headers.get('hx-redirect'), where);
  const form = await ent.get(where);
  assert.equal(form.res.status, 200);
  assert.match(form.html, /lecture du document \(OCR\)/);
  assert.match(form.html, /value="216,00"|value="180,00"/);
  assert.match(form.html, /name="fileId" value="[0-9a-f-]{36}"/);
  const other = new TestClient(t.app);
  await other.signIn(A.users.cape.email, TEST_PASSWORD);
  assert.equal((await other.get(where)).res.status, 404);
  assert.equal((await other.get(`/factures-fournisseurs/lectures/${batchId}`)).res.status, 404);
});
