// Purchases pages end to end: upload of our own Factur-X → pre-filled form → invoice → approval;
// expense sheet with a receipt photo, duplicate refused (400, nothing written), batch validation; mileage.
import { settleLocalJobs } from '../../core/jobs.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';

import { addDays, todayParis } from '../../core/dates.ts';
import { renderInvoicePdf } from '../sales/index.ts';
import { fixtures, SELLER_SIREN } from '../sales/testing.ts';
import { moduleView } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createSupplier, createSupplierInvoice } from './index.ts';
import type { LedgerTables } from '../ledger/index.ts';
import type { PurchasesTables } from './schema.ts';

const testDb = moduleView<LedgerTables & PurchasesTables>();

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
});
after(async () => {
  await t?.odb.close();
});

const count = async (table: 'supplier_invoice' | 'expense_line' | 'stored_file' | 'supplier') =>
  Number(
    (
      await testDb(t.odb.db)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
async function upload(
  client: TestClient,
  url: string,
  fields: Record<string, string>,
  file: { field: string; name: string; type: string; content: Buffer },
) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('_csrf', client.csrf);
  fd.append(file.field, new Blob([new Uint8Array(file.content)], { type: file.type }), file.name);
  const res = await t.app.request(`http://localhost${url}`, {
    method: 'POST',
    body: fd,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { res, html: await res.text() };
}
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const formFields = (html: string) => {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
    if (m[1] !== '_csrf')
      out[m[1]] = m[2]
        .replace(/&amp;/g, '&')
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"');
  for (const m of html.matchAll(/<select [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const s = /<option value="([^"]*)" selected/.exec(m[2]);
    if (s) out[m[1]] = s[1];
  }
  return out;
};

test('supplier invoice: our Factur-X uploaded, form pre-filled, created, approved by support', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await ent.get('/factures-fournisseurs')).res.status, 200);
  const pdf = await renderInvoicePdf(fixtures.standard);
  const read = await upload(
    ent,
    '/factures-fournisseurs/lire',
    {},
    { field: 'file', name: 'facture.pdf', type: 'application/pdf', content: pdf },
  );
  assert.equal(read.res.status, 200);
  assert.match(read.html, /Facture électronique lue \(Factur-X\)/);
  const f = formFields(read.html);
  assert.equal(f.supplierNumber, fixtures.standard.number);
  assert.equal(f.new_siren, SELLER_SIREN);
  assert.equal(f.issueDate, fixtures.standard.issueDate);
  assert.equal(f.l0_excl, '1292,50'); // 12.5 h × 65 € + 480 €
  assert.equal(f.l0_vat, '258,50');
  assert.ok(hidden(read.html, 'fileId'));
  // Bad split: refused next to the field, nothing written.
  const before = await count('supplier_invoice');
  const bad = await ent.post('/factures-fournisseurs', { ...f, s0_activity: A.activityId, s0_amount: '1000,00' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /La répartition entre activités/);
  assert.equal(await count('supplier_invoice'), before);
  assert.equal(await count('supplier'), 0);
  const ok = await ent.post('/factures-fournisseurs', { ...f, s0_activity: A.activityId, s0_amount: '' });
  assert.equal(ok.res.status, 302, ok.html.match(/role="alert">[^<]*/g)?.join(' | '));
  const id = ok.res.headers.get('location')!.split('/').pop()!;
  const page = await ent.get(`/factures-fournisseurs/${id}`);
  assert.match(page.html, /À approuver/);
  assert.match(page.html, /1\u00a0551,00/);
  assert.doesNotMatch(page.html, /Approuver \(comptabiliser\)/);

  const sup = new TestClient(t.app);
  await sup.signIn(A.users.support.email, TEST_PASSWORD);
  const appr = await sup.post(`/factures-fournisseurs/${id}/approuver`, {});
  assert.equal(appr.res.status, 302);
  assert.match((await sup.get(`/factures-fournisseurs/${id}`)).html, /Approuvée/);
  const entry = await testDb(t.odb.db)
    .selectFrom('journal_entry')
    .select('journal_code')
    .where('source_type', '=', 'purchases.supplier_invoice')
    .where('source_id', '=', id)
    .executeTakeFirst();
  assert.equal(entry?.journal_code, 'AC');
  const suppliers = await ent.get('/fournisseurs');
  assert.equal(suppliers.res.status, 200);
  assert.match(suppliers.html, /Les Ruches &amp; Co|Les Ruches & Co/);
  const file = await ent.get(`/factures-fournisseurs/${id}/fichier`);
  assert.equal(file.res.status, 200);
  assert.equal(file.res.headers.get('content-type'), 'application/pdf');
});

test('supplier invoice: disputed then refused from its page with a reason; its entrepreneur reads why', async () => {
  const inv = await withTenant(t.odb.db, A.coop.id, async (trx) => {
    const s = await createSupplier(trx, A.actor('entrepreneur'), { name: 'Traiteur Saône' });
    return createSupplierInvoice(trx, A.actor('entrepreneur'), {
      supplierId: s.id,
      supplierNumber: 'TS-88',
      issueDate: todayParis(),
      account: '604',
      lines: [{ description: 'Buffet', vatRateBp: 1000, exclCents: 40_000 }],
      splits: [{ activityId: A.activityId, exclCents: 40_000 }],
      submit: true,
    });
  });
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.doesNotMatch(
    (await ent.get(`/factures-fournisseurs/${inv.id}`)).html,
    /Refuser la facture ou la mettre en litige/,
  );
  // The entrepreneur cannot decide (the service says no), whatever they post.
  await ent.post(`/factures-fournisseurs/${inv.id}/refuser`, { decision: 'refused', reasonCode: 'DOUBLON' });
  const sup = new TestClient(t.app);
  await sup.signIn(A.users.support.email, TEST_PASSWORD);
  let page = await sup.get(`/factures-fournisseurs/${inv.id}`);
  assert.match(page.html, /Refuser la facture ou la mettre en litige/);
  assert.match(page.html, /<option value="QTE_ERR">Quantité facturée erronée \(QTE_ERR\)<\/option>/);
  // No reason: the page again (422), the form open as sent, the French message beside the reason
  // field; nothing changed.
  const bad = await sup.post(`/factures-fournisseurs/${inv.id}/refuser`, {
    decision: 'disputed',
    reasonCode: '',
    note: 'À revoir avec le traiteur',
  });
  assert.equal(bad.res.status, 422);
  assert.match(bad.html, /<details class="refusal" open=""/);
  assert.match(
    bad.html,
    /<select id="f-reasonCode" name="reasonCode" required="" aria-invalid="true" aria-describedby="f-reasonCode-error">/,
  );
  assert.match(bad.html, /<p class="error" id="f-reasonCode-error" role="alert">Choisissez le motif dans la liste/);
  assert.match(bad.html, />À revoir avec le traiteur<\/textarea>/);
  assert.match(bad.html, /<option value="disputed" selected=""/);
  assert.doesNotMatch((await sup.get(`/factures-fournisseurs/${inv.id}`)).html, /Facture en litige/);
  // A code of both lists comes back chosen once, in the list of the decision sent.
  const long = await sup.post(`/factures-fournisseurs/${inv.id}/refuser`, {
    decision: 'refused',
    reasonCode: 'MONTANTTOTAL_ERR',
    note: 'x'.repeat(501),
  });
  assert.equal(long.res.status, 422);
  assert.match(long.html, /<p class="error" id="f-note-error" role="alert">Précision trop longue/);
  assert.equal(long.html.match(/<option value="MONTANTTOTAL_ERR" selected=""/g)?.length, 1);
  assert.match(
    long.html,
    /<optgroup label="Motifs de refus">(?:(?!<\/optgroup>).)*value="MONTANTTOTAL_ERR" selected=""/s,
  );
  const r = await sup.post(`/factures-fournisseurs/${inv.id}/refuser`, {
    decision: 'disputed',
    reasonCode: 'QTE_ERR',
    note: 'Buffet pour 20 au lieu de 30',
  });
  assert.equal(r.res.status, 302);
  page = await ent.get(`/factures-fournisseurs/${inv.id}`);
  assert.match(page.html, /Facture en litige/);
  assert.match(page.html, /Quantité facturée erronée<\/strong> \(QTE_ERR\)/);
  assert.match(page.html, /Buffet pour 20 au lieu de 30/);
  assert.match((await ent.get('/')).html, /TS-88 de Traiteur Saône .* est en litige/);
  await sup.post(`/factures-fournisseurs/${inv.id}/refuser`, { decision: 'refused', reasonCode: 'MONTANTTOTAL_ERR' });
  page = await ent.get(`/factures-fournisseurs/${inv.id}`);
  assert.match(page.html, /Facture refusée/);
  assert.match(page.html, /Montant total erroné/);
  assert.doesNotMatch((await sup.get(`/factures-fournisseurs/${inv.id}`)).html, /Approuver \(comptabiliser\)/);
  const listed = await sup.get('/factures-fournisseurs?statut=refused');
  assert.match(listed.html, /TS-88/);
});

test('expense sheet: receipt photo, duplicate refused (400, nothing written), submission, batch validation', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const page = await ent.get('/notes-de-frais');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /accept="image\/\*,application\/pdf" capture="environment"/);
  const photo = Buffer.concat([
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    ),
    Buffer.from('photo du ticket'),
  ]);
  const line = {
    date: todayParis(),
    category: 'meals',
    amount: '18,50',
    vat: '',
    description: 'Déjeuner client',
    activityId: A.activityId,
    action: 'add',
  };
  const r1 = await upload(ent, '/notes-de-frais/ajouter', line, {
    field: 'receipt',
    name: 'ticket.png',
    type: 'image/png',
    content: photo,
  });
  assert.equal(r1.res.status, 302);
  const files = await count('stored_file');
  const lines = await count('expense_line');
  const r2 = await upload(ent, '/notes-de-frais/ajouter', line, {
    field: 'receipt',
    name: 'ticket-bis.png',
    type: 'image/png',
    content: photo,
  });
  assert.equal(r2.res.status, 400);
  assert.match(r2.html, /Ce justificatif a déjà été déposé/);
  assert.match(r2.html, /id="f-receipt-error"/);
  assert.equal(await count('stored_file'), files);
  assert.equal(await count('expense_line'), lines);
  const r3 = await upload(
    ent,
    '/notes-de-frais/ajouter',
    { ...line, amount: 'douze' },
    { field: 'receipt', name: 'autre.png', type: 'image/png', content: Buffer.concat([photo, Buffer.from('2')]) },
  );
  assert.equal(r3.res.status, 400);
  assert.match(r3.html, /Montant invalide/);
  const sheet = await testDb(t.odb.db).selectFrom('expense_report').select('id').executeTakeFirstOrThrow();
  assert.equal((await ent.post(`/notes-de-frais/${sheet.id}/envoyer`, {})).res.status, 302);

  const sup = new TestClient(t.app);
  await sup.signIn(A.users.support.email, TEST_PASSWORD);
  const queue = await sup.get('/notes-de-frais/a-valider');
  assert.match(queue.html, /Sans anomalie/);
  assert.match(queue.html, /Valider les 1 note\(s\) sans anomalie/);
  const v = await sup.post('/notes-de-frais/valider', { mode: 'clean' });
  assert.equal(v.res.status, 302);
  const r = await testDb(t.odb.db)
    .selectFrom('expense_report')
    .select(['status', 'reimbursement'])
    .where('id', '=', sheet.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(r, { status: 'validated', reimbursement: 'to_pay' });
  const detail = await sup.get(`/notes-de-frais/${sheet.id}`);
  assert.equal(detail.res.status, 200);
  assert.match(detail.html, /Déjeuner client/);
  assert.match(detail.html, /Validée/);
  const queue2 = await sup.get('/notes-de-frais/a-valider');
  assert.match(queue2.html, /Marquer remboursée/);
  // Another entrepreneur's sheet is not visible to the author's peers.
  const cape = new TestClient(t.app);
  await cape.signIn(A.users.cape.email, TEST_PASSWORD);
  assert.equal((await cape.get(`/notes-de-frais/${sheet.id}`)).res.status, 404);
});

test('mileage: vehicle and trip through the pages, errors next to the fields', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const bad = await ent.post('/indemnites-kilometriques/vehicule', { label: 'Clio', fiscalHp: 'quatre' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /id="f-fiscalHp-error"/);
  assert.equal(
    (await ent.post('/indemnites-kilometriques/vehicule', { label: 'Clio', fiscalHp: '4' })).res.status,
    302,
  );
  const page = await ent.get('/indemnites-kilometriques');
  assert.match(page.html, new RegExp(`Barème ${todayParis().slice(0, 4)}`));
  const vehicleId = /<option value="([0-9a-f-]{36})"[^>]*>Clio \(4 CV\)/.exec(page.html)![1];
  // Last month: this month's sheet was already sent in the test above.
  const d = new Date(`${todayParis().slice(0, 7)}-01T00:00:00Z`);
  d.setUTCDate(0);
  const trip = await ent.post('/indemnites-kilometriques/trajet', {
    date: d.toISOString().slice(0, 10),
    vehicleId,
    description: 'Lyon → Vienne',
    distanceKm: '100',
    activityId: A.activityId,
  });
  assert.equal(trip.res.status, 302, trip.html.match(/role="alert">[^<]*/g)?.join(' | '));
  assert.match((await ent.get('/indemnites-kilometriques')).html, /Trajet ajouté : 60,60/); // 100 × 0.606
});

test('expense: a receipt PDF is read and fills the form (amount, VAT, date), then added with the stored receipt', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const d = new Date(`${todayParis().slice(0, 7)}-01T00:00:00Z`);
  d.setUTCDate(0);
  const date = d.toISOString().slice(0, 10);
  const PDFDocument = (await import('pdfkit')).default;
  const pdf: Buffer = await new Promise((resolve) => {
    const doc = new PDFDocument({ size: [226, 300], margin: 16 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc
      .font('Helvetica')
      .fontSize(12)
      .text('TAXI LUMIÈRE')
      .fontSize(9)
      .text(`Le ${date.split('-').reverse().join('/')}`)
      .text('TOTAL TTC 32,45 EUR')
      .text('dont TVA 10 % 2,95');
    doc.end();
  });
  const read = await upload(
    ent,
    '/notes-de-frais/ajouter',
    { action: 'read', date: todayParis(), category: 'travel', activityId: A.activityId },
    { field: 'receipt', name: 'taxi.pdf', type: 'application/pdf', content: pdf },
  );
  assert.equal(read.res.status, 200);
  assert.match(read.html, /Ticket lu : vérifiez le montant et la date/);
  const f = formFields(read.html);
  assert.equal(f.amount, '32,45');
  assert.equal(f.vat, '2,95');
  assert.equal(f.date, date);
  assert.ok(f.receiptFileId);
  const lines = await count('expense_line');
  const add = await ent.post('/notes-de-frais/ajouter', { ...f, action: 'add' });
  assert.equal(add.res.status, 302);
  assert.equal(await count('expense_line'), lines + 1);
  const l = await testDb(t.odb.db)
    .selectFrom('expense_line')
    .select(['receipt_file_id', 'amount_incl_cents', 'vat_cents', 'date'])
    .where('receipt_file_id', '=', f.receiptFileId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    { ...l, amount_incl_cents: Number(l.amount_incl_cents), vat_cents: Number(l.vat_cents) },
    { receipt_file_id: f.receiptFileId, amount_incl_cents: 3_245, vat_cents: 295, date },
  );
});

test('supplier invoice: a plain PDF gives suggestions; a hostile XML is refused next to the file field', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const PDFDocument = (await import('pdfkit')).default;
  const pdf: Buffer = await new Promise((resolve) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc
      .font('Helvetica')
      .fontSize(14)
      .text('Garage des Alpes')
      .fontSize(10)
      .text('Facture n° GA-7781')
      .text('Date : 04/11/2026')
      .text('Total TTC 216,00 €');
    doc.end();
  });
  const read = await upload(
    ent,
    '/factures-fournisseurs/lire',
    {},
    { field: 'file', name: 'garage.pdf', type: 'application/pdf', content: pdf },
  );
  assert.equal(read.res.status, 200);
  assert.match(read.html, /Champs suggérés/);
  const f = formFields(read.html);
  assert.equal(f.supplierNumber, 'GA-7781');
  assert.equal(f.issueDate, '2026-11-04');
  assert.equal(f.new_name, 'Garage des Alpes');
  assert.equal(f.l0_excl, '180,00');
  assert.equal(f.l0_vat, '36,00');
  assert.equal(f.l0_rate, '2000'); // no VAT found: split at 20 %
  const files = await count('stored_file');
  const bomb = await upload(
    ent,
    '/factures-fournisseurs/lire',
    {},
    {
      field: 'file',
      name: 'x.xml',
      type: 'text/xml',
      content: Buffer.from('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><Invoice>&b;</Invoice>'),
    },
  );
  assert.equal(bomb.res.status, 400);
  assert.match(bomb.html, /id="f-file-error"[^>]*>Fichier XML refusé/);
  assert.equal(await count('stored_file'), files);
});

test('hostile uploads (corrupt photo, corrupt PDF, deflate bomb, XHTML receipt) get a French message; the server keeps serving', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const files = await count('stored_file');
  const corruptJpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
    Buffer.alloc(4000, 0xa5),
  ]);
  const corruptPdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nxref garbage\n%%EOF');
  const { deflateSync } = await import('node:zlib');
  const bombed = deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x41));
  const bombPdf = Buffer.concat([
    Buffer.from(`%PDF-1.7\n4 0 obj << /Type /EmbeddedFile /Filter /FlateDecode /Length ${bombed.length} >>\nstream\n`),
    bombed,
    Buffer.from('\nendstream\nendobj\n%%EOF\n'),
  ]);
  for (const [name, type, content] of [
    ['ticket.jpg', 'image/jpeg', corruptJpeg],
    ['ticket.pdf', 'application/pdf', corruptPdf],
    ['bombe.pdf', 'application/pdf', bombPdf],
  ] as const) {
    const r = await upload(
      ent,
      '/notes-de-frais/ajouter',
      { action: 'read', date: addDays(todayParis(), -70) },
      { field: 'receipt', name, type, content },
    );
    if (type === 'image/jpeg') {
      // A photo is read in the background (never inside the request): the message comes with the batch.
      assert.equal(r.res.status, 302, name);
      await settleLocalJobs();
      const b = await testDb(t.odb.db)
        .selectFrom('receipt_reading')
        .select(['batch_id', 'status'])
        .where('cooperative_id', '=', A.coop.id)
        .where('file_name', '=', name)
        .executeTakeFirstOrThrow();
      assert.equal(b.status, 'failed');
      const progress = await ent.get(`/notes-de-frais/lectures/${b.batch_id}`);
      assert.match(progress.html, /illisible|abîmée/, name);
    } else {
      assert.equal(r.res.status, 400, name);
      assert.match(r.html, /illisible|abîmée|protégé/, name);
    }
    const s = await upload(ent, '/factures-fournisseurs/lire', {}, { field: 'file', name, type, content });
    if (type === 'image/jpeg') {
      // Read in the background too: the form says it once the job has run.
      assert.equal(s.res.status, 302, name);
      await settleLocalJobs();
      const read = await ent.get(s.res.headers.get('location')!);
      assert.equal(read.res.status, 400, name);
      assert.match(read.html, /illisible|abîmée/i, name);
    } else {
      assert.equal(s.res.status, 400, name);
      assert.match(s.html, /illisible|abîmée|protégé|aucune facture/i, name);
    }
  }
  // The attack of issue 11: XHTML with htmx attributes declared as a receipt "text/xml".
  const xhtml = Buffer.from(
    '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body hx-post="/cooperative/membres" hx-trigger="load"/></html>',
  );
  const x = await upload(
    ent,
    '/notes-de-frais/ajouter',
    { action: 'read', date: addDays(todayParis(), -70) },
    { field: 'receipt', name: 'ticket.xml', type: 'text/xml', content: xhtml },
  );
  assert.equal(x.res.status, 400);
  assert.equal(await count('stored_file'), files, 'nothing stored');
  assert.equal((await ent.get('/notes-de-frais')).res.status, 200, 'the server still answers');
});

test('limits per expense category: the direction sets them in a form (400 beside a bad field); others get a 404', async () => {
  const e = new TestClient(t.app);
  await e.signIn(A.users.support.email, TEST_PASSWORD);
  assert.equal((await e.get('/notes-de-frais/plafonds')).res.status, 404);
  const d = new TestClient(t.app);
  await d.signIn(A.users.director.email, TEST_PASSWORD);
  const page = await d.get('/notes-de-frais/plafonds');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /name="meals"[^>]*value="40,00"/);
  const bad = await d.post('/notes-de-frais/plafonds', { meals: 'beaucoup', lodging: '150' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /par exemple 40/);
  const ok = await d.post('/notes-de-frais/plafonds', { meals: '55', lodging: '' });
  assert.equal(ok.res.status, 303);
  const again = await d.get('/notes-de-frais/plafonds');
  assert.match(again.html, /name="meals"[^>]*value="55,00"/);
  assert.match(again.html, /name="lodging"[^>]*value=""/);
});
