// "Ajouter plusieurs justificatifs" over HTTP: 2 readable PDF receipts + 1 without an amount →
// 2 lines (amount, VAT, date, default category, stored receipt), 1 message, nothing written for the
// unreadable one; the same receipt sent again is refused per file with the duplicate message.
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import PDFDocument from 'pdfkit';
import { createTestApp, TestClient } from '../../app/testing-web.ts';

import { todayParis } from '../../core/dates.ts';
import { defaultCategoryFor } from './bulk-receipts.ts';

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
      await t.odb.db
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
  assert.equal(r.res.status, 200);
  assert.equal(await count('expense_line'), lines0 + 2);
  assert.equal(await count('stored_file'), files0 + 2); // nothing stored for the unreadable receipt
  assert.match(r.html, /2 dépenses ajoutées/);
  const refused = /id="receipts-refused">([\s\S]*?)<\/div>/.exec(r.html)?.[1] ?? '';
  assert.equal((refused.match(/<li>/g) ?? []).length, 1);
  assert.match(
    refused,
    /illisible\.pdf<\/strong> : Le montant n(&#39;|')a pas pu être lu : saisissez cette dépense à la main/,
  );
  const rows = await t.odb.db
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
  assert.match(r.html, /Total : 56,45/);

  // The taxi receipt again, with a new readable one: the duplicate is refused on its own, the other is added.
  const parking = await pdf(['PARKING GARE', `Le ${fr}`, 'TOTAL TTC 6,00 EUR', 'TVA 20 % 1,00']);
  const again = await uploadMany(ent, [
    { name: 'taxi-encore.pdf', content: taxi },
    { name: 'parking.pdf', content: parking },
  ]);
  assert.equal(again.res.status, 200);
  assert.equal(await count('expense_line'), lines0 + 3);
  assert.equal(await count('stored_file'), files0 + 3);
  assert.match(again.html, /taxi-encore\.pdf<\/strong> : Ce justificatif a déjà été déposé \(dépense du/);

  // All readable: redirected with a confirmation; no file chosen: error next to the field, nothing written.
  const ok = await uploadMany(ent, [
    { name: 'p2.pdf', content: await pdf(['BOULANGERIE', `Le ${fr}`, 'TOTAL TTC 8,80 EUR', 'TVA 10 % 0,80']) },
  ]);
  assert.equal(ok.res.status, 302);
  assert.match((await ent.get(ok.res.headers.get('location')!)).html, /1 dépense ajoutée/);
  const none = await uploadMany(ent, []);
  assert.equal(none.res.status, 400);
  assert.match(none.html, /id="f-receipts-error"[^>]*>Choisissez un ou plusieurs justificatifs/);
  assert.equal(await count('expense_line'), lines0 + 4);
});
