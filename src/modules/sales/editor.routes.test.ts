// The shared invoice and quote editor (issue 20) over HTTP: line buttons without JavaScript,
// sections with subtotals, a customer created inside the editor (and rolled back with the draft),
// autosave, quote drafts edited, and nobody else's quote editable.
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { uuidv7 } from '../../core/ids.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { extractText, getDocumentProxy } from 'unpdf';
import { randomBytes } from 'node:crypto';
import { withTenant } from '../../core/db/tenant.ts';
import { createQuote, markQuoteAccepted, invoiceFromQuote } from './quote.service.ts';
import { validateInvoice } from './invoice.service.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { DirectoryTables } from '../directory/index.ts';
import type { SalesTables } from './schema.ts';

const testDb = moduleView<DirectoryTables & SalesTables>();

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
let B: TestCoop;
let ent: TestClient;
let customerId = '';
before(async () => {
  t = await createTestApp();
  [A, B] = await seedTestCooperatives(t.odb);
  ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const r = await ent.post('/clients/nouveau', {
    kind: 'company',
    name: 'Théâtre des Célestins',
    siren: makeSiren('71234567'),
    email: 'compta@celestins.example',
    addressLine1: '4 rue Charles Dullin',
    postalCode: '69002',
    city: 'Lyon',
    countryCode: 'FR',
    paymentTermsDays: '30',
  });
  assert.equal(r.res.status, 303);
  customerId = (await testDb(t.odb.db).selectFrom('customer').select('id').executeTakeFirstOrThrow()).id;
});
after(async () => {
  await t?.odb.close();
});
const count = async (table: 'invoice' | 'customer' | 'quote') =>
  Number(
    (
      await testDb(t.odb.db)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const line = (i: number, description: string, price: string, qty = '1') => ({
  [`l${i}_kind`]: 'item',
  [`l${i}_description`]: description,
  [`l${i}_quantity`]: qty,
  [`l${i}_unitPrice`]: price,
  [`l${i}_vat`]: 'S:2000',
  [`l${i}_nature`]: 'services',
});
const section = (i: number, title: string) => ({ [`l${i}_kind`]: 'section', [`l${i}_description`]: title });
/** The line descriptions of an editor page, in page order (item and section rows). */
const rowValues = (html: string) =>
  [...html.matchAll(/name="l(\d+)_description" type="text" value="([^"]*)"/g)].map((m) => [Number(m[1]), m[2]]);

test('without JavaScript, the line buttons move, duplicate, remove and add lines; nothing is written', async () => {
  const base = {
    activityId: A.activityId,
    customerId,
    ...line(0, 'Répétition', '300'),
    ...line(1, 'Captation', '500'),
  };
  const up = await ent.post('/factures/nouvelle', { ...base, op: 'up:1' });
  assert.equal(up.res.status, 200);
  // Rows are numbered in page order again, and one empty line waits at the end.
  assert.deepEqual(rowValues(up.html), [
    [0, 'Captation'],
    [1, 'Répétition'],
    [2, ''],
  ]);
  assert.match(up.html, /name="l0_unitPrice" type="text" value="500"/);
  const dup = await ent.post('/factures/nouvelle', { ...base, op: 'dup:0' });
  assert.deepEqual(
    rowValues(dup.html).map((r) => r[1]),
    ['Répétition', 'Répétition', 'Captation', ''],
  );
  const removed = await ent.post('/factures/nouvelle', { ...base, op: 'remove:0' });
  assert.deepEqual(
    rowValues(removed.html).map((r) => r[1]),
    ['Captation', ''],
  );
  // The totals under the lines follow: 500 € HT, 600 € TTC.
  assert.match(removed.html, /600,00/);
  const added = await ent.post('/factures/nouvelle', { ...base, l2_description: 'Régie', op: 'add' });
  assert.deepEqual(
    rowValues(added.html).map((r) => r[1]),
    ['Répétition', 'Captation', 'Régie', ''],
  );
  const sect = await ent.post('/factures/nouvelle', { ...base, op: 'section' });
  assert.match(sect.html, /name="l2_kind" value="section"/);
  assert.match(sect.html, /Titre de section \(ligne 3\)/);
  // The empty line waiting at the end is used first: « add » keeps one, a section takes it as its first line.
  const withBlank = { ...base, ...line(2, '', '', '') };
  const add2 = await ent.post('/factures/nouvelle', { ...withBlank, op: 'add' });
  assert.deepEqual(
    rowValues(add2.html).map((r) => r[1]),
    ['Répétition', 'Captation', ''],
  );
  const sect2 = await ent.post('/factures/nouvelle', { ...withBlank, op: 'section' });
  assert.match(sect2.html, /name="l2_kind" value="section"/);
  assert.match(sect2.html, /name="l3_kind" value="item"/);
  assert.doesNotMatch(sect2.html, /name="l4_kind"/);
  // A button for a row that does not exist changes nothing.
  const odd = await ent.post('/factures/nouvelle', { ...base, op: 'remove:99' });
  assert.deepEqual(
    rowValues(odd.html).map((r) => r[1]),
    ['Répétition', 'Captation', ''],
  );
  assert.equal(await count('invoice'), 0);
});

let invoiceId = '';
test('sections: saved on the invoice lines, subtotals in the editor and on the invoice page; edit shows them again', async () => {
  const form = {
    activityId: A.activityId,
    customerId,
    ...section(0, 'Création'),
    ...line(1, 'Écriture', '400'),
    ...line(2, 'Mise en scène', '600'),
    ...section(3, 'Diffusion'),
    ...line(4, 'Représentation', '900'),
    ...line(6, '', '', ''), // an empty row is ignored
    discount: '100',
  };
  const totals = await ent.post('/factures/totaux', form);
  assert.match(totals.html, /Sous-total « Création » : 1\u00a0000,00\u00a0€ HT/);
  assert.match(totals.html, /Sous-total « Diffusion » : 900,00/);
  // The overall discount counts in the live totals: 1 900 − 100 = 1 800 € HT, 2 160 € TTC.
  assert.match(totals.html, /Remise globale/);
  assert.match(totals.html, /1\u00a0800,00/);
  assert.match(totals.html, /2\u00a0160,00/);
  const r = await ent.post('/factures/nouvelle', { ...form, action: 'save' });
  assert.equal(r.res.status, 303);
  invoiceId = r.res.headers.get('location')!.split('/').pop()!;
  const lines = await testDb(t.odb.db)
    .selectFrom('invoice_line')
    .select(['description', 'section', 'position'])
    .where('invoice_id', '=', invoiceId)
    .orderBy('position')
    .execute();
  assert.deepEqual(
    lines.map((l) => [l.description, l.section]),
    [
      ['Écriture', 'Création'],
      ['Mise en scène', 'Création'],
      ['Représentation', 'Diffusion'],
    ],
  );
  const page = await ent.get(`/factures/${invoiceId}`);
  assert.match(page.html, /<th colspan="6" scope="rowgroup">Création<\/th>/);
  assert.match(page.html, /Sous-total « Création »<\/td><td class="num" data-label="Sous-total HT">1\u00a0000,00/);
  const edit = await ent.get(`/factures/${invoiceId}/modifier`);
  assert.equal(edit.res.status, 200);
  assert.deepEqual(
    rowValues(edit.html).map((x) => x[1]),
    ['Création', 'Écriture', 'Mise en scène', 'Diffusion', 'Représentation', ''],
  );
  assert.match(edit.html, /hx-post="\/factures\/[0-9a-f-]{36}\/enregistrement-auto"/);
});

test('autosave of a draft: saved with its time, or a French reason; only drafts', async () => {
  const form = { activityId: A.activityId, customerId, ...line(0, 'Représentation', '1200') };
  const ok = await ent.post(`/factures/${invoiceId}/enregistrement-auto`, form);
  assert.equal(ok.res.status, 200);
  assert.match(ok.html, /id="autosave-status"/);
  assert.match(ok.html, /Brouillon enregistré à \d\d:\d\d/);
  const inv = await testDb(t.odb.db)
    .selectFrom('invoice')
    .select(['total_incl_cents', 'status'])
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  assert.equal(Number(inv.total_incl_cents), 144000);
  const typed = await ent.post(`/factures/${invoiceId}/enregistrement-auto`, {
    ...form,
    customerId: '',
    nc_name: 'Pas encore créé',
  });
  assert.match(typed.html, /Enregistrez pour créer le nouveau client/);
  assert.equal(await count('customer'), 1, 'autosave never creates a customer');
  const bad = await ent.post(`/factures/${invoiceId}/enregistrement-auto`, { ...form, l0_quantity: 'deux' });
  assert.match(bad.html, /Brouillon non enregistré : Certains champs sont à corriger/);
  assert.equal((await ent.post(`/factures/${invoiceId}/soumettre`, {})).res.status, 303);
  const late = await ent.post(`/factures/${invoiceId}/enregistrement-auto`, { ...form, l0_unitPrice: '1' });
  assert.match(late.html, /n(&#39;|')est plus un brouillon/);
  const still = await testDb(t.odb.db)
    .selectFrom('invoice')
    .select(['total_incl_cents', 'status'])
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  assert.deepEqual([Number(still.total_incl_cents), still.status], [144000, 'submitted']);
});

test('the validated invoice PDF shows the section titles and their subtotals', async () => {
  const r = await ent.post('/factures/nouvelle', {
    activityId: A.activityId,
    customerId,
    ...section(0, 'Préparation'),
    ...line(1, 'Lecture du texte', '100'),
    ...line(2, 'Repérage', '200'),
    ...section(3, 'Jour J'),
    ...line(4, 'Animation', '300'),
    action: 'send',
  });
  assert.equal(r.res.status, 303);
  const id = r.res.headers.get('location')!.split('/').pop()!;
  const res = await t.app.request(`http://localhost/factures/${id}/pdf`, {
    headers: { cookie: [...ent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(res.status, 200);
  const pdf = await getDocumentProxy(new Uint8Array(await res.arrayBuffer()));
  const { text } = await extractText(pdf, { mergePages: true });
  const flat = text.replace(/\s+/g, ' ');
  assert.match(flat, /Préparation Lecture du texte/);
  assert.match(flat, /Sous-total Préparation 300,00/);
  assert.match(flat, /Jour J Animation/);
  assert.match(flat, /Sous-total Jour J 300,00/);
});

test('a new customer typed in the editor is created with the draft, and rolls back with it', async () => {
  const customers = await count('customer');
  const invoices = await count('invoice');
  const form = {
    activityId: A.activityId,
    customerId: '',
    nc_name: 'Opéra de Lyon',
    nc_siren: makeSiren('71234568'),
    nc_address: '1 place de la Comédie, 69001 Lyon',
    nc_email: 'factures@opera.example',
    ...line(0, 'Concert', '800'),
    action: 'save',
  };
  // The draft is refused (due date beyond 60 days) after the customer was created: both roll back.
  const late = await ent.post('/factures/nouvelle', { ...form, dueDate: addDays(todayParis(), 90) });
  assert.equal(late.res.status, 400);
  assert.match(late.html, /id="f-dueDate-error"/);
  assert.match(late.html, /value="Opéra de Lyon"/, 'the typed customer is kept in the form');
  assert.equal(await count('customer'), customers);
  assert.equal(await count('invoice'), invoices);
  // A customer the customer service refuses: its error beside its field, nothing written.
  const noSiren = await ent.post('/factures/nouvelle', { ...form, nc_siren: '' });
  assert.equal(noSiren.res.status, 400);
  assert.match(noSiren.html, /id="f-nc_siren-error"/);
  assert.match(noSiren.html, /Nouveau client : /);
  const noAddress = await ent.post('/factures/nouvelle', { ...form, nc_address: 'Lyon' });
  assert.equal(noAddress.res.status, 400);
  assert.match(noAddress.html, /id="f-nc_address-error"/);
  assert.equal(await count('customer'), customers);
  assert.equal(await count('invoice'), invoices);
  const ok = await ent.post('/factures/nouvelle', form);
  assert.equal(ok.res.status, 303);
  const c = await testDb(t.odb.db)
    .selectFrom('customer')
    .select(['id', 'address_line1', 'postal_code', 'city', 'email', 'kind'])
    .where('name', '=', 'Opéra de Lyon')
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    [c.address_line1, c.postal_code, c.city, c.email, c.kind],
    ['1 place de la Comédie', '69001', 'Lyon', 'factures@opera.example', 'company'],
  );
  const id = ok.res.headers.get('location')!.split('/').pop()!;
  const inv = await testDb(t.odb.db)
    .selectFrom('invoice')
    .select('customer_id')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(inv.customer_id, c.id);
});

let quoteId = '';
test('a quote draft is edited in the same editor (sections kept); a sent quote is not', async () => {
  const r = await ent.post('/devis/nouveau', {
    activityId: A.activityId,
    customerId,
    title: 'Saison',
    ...section(0, 'Ateliers'),
    ...line(1, 'Atelier théâtre', '250', '4'),
    action: 'save',
  });
  assert.equal(r.res.status, 303);
  quoteId = r.res.headers.get('location')!.split('/').pop()!;
  const page = await ent.get(`/devis/${quoteId}`);
  assert.match(page.html, new RegExp(`href="/devis/${quoteId}/modifier"`));
  const edit = await ent.get(`/devis/${quoteId}/modifier`);
  assert.equal(edit.res.status, 200);
  assert.deepEqual(
    rowValues(edit.html).map((x) => x[1]),
    ['Ateliers', 'Atelier théâtre', ''],
  );
  assert.match(edit.html, /value="Saison"/);
  assert.match(edit.html, new RegExp(`hx-post="/devis/${quoteId}/enregistrement-auto"`));
  // A line button on the edit page, without JavaScript.
  const dup = await ent.post(`/devis/${quoteId}/modifier`, {
    activityId: A.activityId,
    customerId,
    ...section(0, 'Ateliers'),
    ...line(1, 'Atelier théâtre', '250', '4'),
    op: 'dup:1',
  });
  assert.equal(dup.res.status, 200);
  assert.deepEqual(
    rowValues(dup.html).map((x) => x[1]),
    ['Ateliers', 'Atelier théâtre', 'Atelier théâtre', ''],
  );
  const saved = await ent.post(`/devis/${quoteId}/modifier`, {
    activityId: A.activityId,
    customerId,
    title: 'Saison 2027',
    ...section(0, 'Ateliers'),
    ...line(1, 'Atelier théâtre', '250', '4'),
    ...line(2, 'Atelier masques', '300', '2'),
    action: 'save',
  });
  assert.equal(saved.res.status, 303);
  const q = await testDb(t.odb.db)
    .selectFrom('quote')
    .select(['title', 'total_incl_cents'])
    .where('id', '=', quoteId)
    .executeTakeFirstOrThrow();
  assert.deepEqual([q.title, Number(q.total_incl_cents)], ['Saison 2027', 192000]); // (1 000 + 600) × 1,2
  assert.match(
    (await ent.get(`/devis/${quoteId}`)).html,
    /Sous-total « Ateliers »<\/td><td class="num" data-label="Sous-total HT">1\u00a0600,00/,
  );
  const qLines = await testDb(t.odb.db)
    .selectFrom('quote_line')
    .select(['kind', 'description'])
    .where('quote_id', '=', quoteId)
    .orderBy('position')
    .execute();
  assert.deepEqual(
    qLines.map((l) => l.kind),
    ['section', 'item', 'item'],
  );
  const auto = await ent.post(`/devis/${quoteId}/enregistrement-auto`, {
    activityId: A.activityId,
    customerId,
    title: 'Saison 2027',
    ...line(0, 'Atelier théâtre', '250', '2'),
  });
  assert.match(auto.html, /Brouillon enregistré à/);
  assert.equal(
    Number(
      (
        await testDb(t.odb.db)
          .selectFrom('quote')
          .select('total_incl_cents')
          .where('id', '=', quoteId)
          .executeTakeFirstOrThrow()
      ).total_incl_cents,
    ),
    60000,
  );
});

test('the quote draft editor for every role: the author and staff open it, the others get a 404', async () => {
  const expected: Record<string, number> = {
    entrepreneur: 200,
    support: 200,
    accountant: 200,
    director: 200,
    cape: 404, // no activity of theirs owns the quote
    network_admin: 403, // no sales right at all
  };
  const got: Record<string, number> = {};
  for (const role of Object.keys(expected)) {
    const c = new TestClient(t.app);
    await c.signIn(A.users[role as keyof typeof A.users].email, TEST_PASSWORD);
    got[role] = (await c.get(`/devis/${quoteId}/modifier`)).res.status;
  }
  assert.deepEqual(got, expected);
});

test('nobody else edits a quote draft: another entrepreneur of the cooperative, or of another one, gets a 404', async () => {
  // The CAPE person of cooperative A runs an activity of their own: an entrepreneur, not the quote's.
  const otherActivity = uuidv7();
  await testDb(t.odb.db)
    .insertInto('activity')
    .values({
      cooperative_id: A.coop.id,
      id: otherActivity,
      name: 'Autre activité',
      analytic_code: 'ACT9',
      description: null,
      trusted: false,
      email: null,
      phone: null,
      closed_at: null,
    })
    .execute();
  await testDb(t.odb.db)
    .insertInto('activity_owner')
    .values({ cooperative_id: A.coop.id, activity_id: otherActivity, user_id: A.users.cape.id })
    .execute();
  const form = {
    activityId: otherActivity,
    customerId,
    ...line(0, 'Détournement', '1'),
    action: 'save',
  };
  const before = await testDb(t.odb.db)
    .selectFrom('quote')
    .selectAll()
    .where('id', '=', quoteId)
    .executeTakeFirstOrThrow();
  for (const email of [A.users.cape.email, B.users.entrepreneur.email]) {
    const other = new TestClient(t.app);
    await other.signIn(email, TEST_PASSWORD);
    assert.equal((await other.get(`/devis/${quoteId}/modifier`)).res.status, 404, email);
    assert.equal((await other.post(`/devis/${quoteId}/modifier`, form)).res.status, 404, email);
    assert.equal((await other.post(`/devis/${quoteId}/modifier`, { ...form, op: 'add' })).res.status, 404, email);
    assert.equal((await other.post(`/devis/${quoteId}/enregistrement-auto`, form)).res.status, 404, email);
    assert.equal((await other.post(`/factures/${invoiceId}/modifier`, { ...form, op: 'add' })).res.status, 404, email);
    assert.equal((await other.post(`/factures/${invoiceId}/enregistrement-auto`, form)).res.status, 404, email);
  }
  const afterwards = await testDb(t.odb.db)
    .selectFrom('quote')
    .selectAll()
    .where('id', '=', quoteId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(afterwards, before);
  // Once sent, not even its author edits it.
  assert.equal((await ent.post(`/devis/${quoteId}/envoyer`, {})).res.status, 303);
  const sent = await ent.post(`/devis/${quoteId}/modifier`, {
    activityId: A.activityId,
    customerId,
    ...line(0, 'Atelier théâtre', '1'),
    action: 'save',
  });
  assert.equal(sent.res.status, 400);
  assert.match(sent.html, /Un devis envoyé ne peut plus être modifié/);
});

test('a balance invoice keeps its deposit deduction through the editor: shown, saved again unchanged', async () => {
  const ent1 = A.actor('entrepreneur');
  const { balanceId } = await withTenant(t.odb.db, A.coop.id, async (trx) => {
    const q = await createQuote(trx, ent1, {
      activityId: A.activityId,
      customerId,
      lines: [
        {
          kind: 'item',
          description: 'Spectacle',
          quantityMilli: 1000,
          unitPriceCents: 100000,
          vatCategory: 'S',
          vatRateBp: 2000,
        },
      ],
    });
    await markQuoteAccepted(trx, ent1, randomBytes(32), q.id, {
      name: 'devis-signe.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.7 signé'),
    });
    const dep = await invoiceFromQuote(trx, ent1, q.id, { kind: 'deposit', percentBp: 3000 });
    await validateInvoice(trx, A.actor('support'), dep.id);
    return { balanceId: (await invoiceFromQuote(trx, ent1, q.id, { kind: 'balance' })).id };
  });
  const total = async () =>
    Number(
      (
        await testDb(t.odb.db)
          .selectFrom('invoice')
          .select('total_incl_cents')
          .where('id', '=', balanceId)
          .executeTakeFirstOrThrow()
      ).total_incl_cents,
    );
  const before = await total();
  const edit = await ent.get(`/factures/${balanceId}/modifier`);
  assert.equal(edit.res.status, 200);
  assert.match(edit.html, /name="deductions" value="1"/);
  assert.match(edit.html, /Déduction de l(&#39;|')acompte/);
  // The form as the browser sends it back, with a line button first (no JavaScript), then saved.
  const form: Record<string, string> = { action: 'save' };
  for (const m of edit.html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) form[m[1]] = m[2];
  for (const m of edit.html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>(.*?)<\/select>/g))
    form[m[1]] = /<option value="([^"]*)" selected/.exec(m[2])?.[1] ?? '';
  delete form._csrf;
  delete form.op;
  const moved = await ent.post(`/factures/${balanceId}/modifier`, { ...form, action: '', op: 'down:0' });
  assert.equal(moved.res.status, 200);
  assert.equal((await ent.post(`/factures/${balanceId}/modifier`, form)).res.status, 303);
  assert.equal(await total(), before);
  const lines = await testDb(t.odb.db)
    .selectFrom('invoice_line')
    .select(['description', 'quantity_milli'])
    .where('invoice_id', '=', balanceId)
    .orderBy('position')
    .execute();
  assert.equal(lines.length, 2);
  assert.ok(Number(lines[1].quantity_milli) < 0 && /acompte/.test(lines[1].description));
});
