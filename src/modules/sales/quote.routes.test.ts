// Screens: catalogue, editor live totals (htmx fragment), catalogue pre-fill, duplicate, edit a
// draft, amount filter, "Envoyer", customers CSV import, quotes and the public acceptance page.
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { salesDb } from './db.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
let ent: TestClient;
let customerId = '';
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const r = await ent.post('/clients/nouveau', {
    kind: 'company',
    name: 'Imprimerie du Rhône',
    siren: makeSiren('81234567'),
    email: 'factures@imprimerie.example',
    addressLine1: '5 rue Mercière',
    postalCode: '69002',
    city: 'Lyon',
    countryCode: 'FR',
    paymentTermsDays: '30',
  });
  assert.equal(r.res.status, 303);
  customerId = (await salesDb(t.odb.db).selectFrom('customer').select('id').executeTakeFirstOrThrow()).id;
});
after(async () => {
  await t?.odb.close();
});
const count = async (table: 'invoice' | 'customer' | 'catalogue_item' | 'quote') =>
  Number(
    (
      await salesDb(t.odb.db)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('catalogue: add an item (bad price refused), then it pre-fills an invoice line', async () => {
  const bad = await ent.post('/catalogue', {
    activityId: A.activityId,
    name: 'Affiche A2',
    unitCode: 'C62',
    price: 'douze',
    vat: 'S:2000',
    nature: 'goods',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Prix invalide/);
  assert.equal(await count('catalogue_item'), 0);
  assert.equal(
    (
      await ent.post('/catalogue', {
        activityId: A.activityId,
        name: 'Affiche A2',
        unitCode: 'C62',
        price: '12,50',
        vat: 'S:2000',
        nature: 'goods',
      })
    ).res.status,
    303,
  );
  const item = await salesDb(t.odb.db).selectFrom('catalogue_item').select('id').executeTakeFirstOrThrow();
  const page = await ent.get('/catalogue');
  assert.match(page.html, /Affiche A2/);
  const editor = await ent.get('/factures/nouvelle');
  assert.match(editor.html, /hx-post="\/factures\/totaux"/);
  assert.match(editor.html, /hx-trigger="input changed delay:300ms, change"/);
  // The catalogue search of a line: the item's name is offered, with what fills the line.
  assert.match(editor.html, new RegExp(`<option value="Affiche A2" label="12,50[^"]*HT" data-id="${item.id}"`));
  assert.match(editor.html, /list="catalogue-names"/);
  const pre = await ent.post('/factures/nouvelle', {
    activityId: A.activityId,
    customerId,
    l0_item: item.id,
    l0_quantity: '4',
    action: 'prefill',
  });
  assert.equal(pre.res.status, 200);
  assert.match(pre.html, /value="Affiche A2"/);
  assert.match(pre.html, /value="12,50"/);
  assert.match(pre.html, /60,00/); // 4 × 12,50 € + 20 % shown in the totals
  assert.equal(await count('invoice'), 0, 'pre-filling writes nothing');
  // Saving straight from the catalogue choice works too.
  const saved = await ent.post('/factures/nouvelle', {
    activityId: A.activityId,
    customerId,
    l0_item: item.id,
    l0_quantity: '2',
    action: 'save',
  });
  assert.equal(saved.res.status, 303);
  const line = await salesDb(t.odb.db).selectFrom('invoice_line').selectAll().executeTakeFirstOrThrow();
  assert.equal(line.description, 'Affiche A2');
  assert.equal(Number(line.unit_price_cents), 1250);
  assert.equal(line.nature, 'goods');
});

test('live totals fragment computes as you type, with French errors, and writes nothing', async () => {
  const r = await ent.post('/factures/totaux', {
    l0_description: 'Conseil',
    l0_quantity: '1,5',
    l0_unitPrice: '100',
    l0_vat: 'S:2000',
    l1_description: 'Repas',
    l1_quantity: '1',
    l1_unitPrice: '10',
    l1_vat: 'S:1000',
    discount: '',
  });
  assert.equal(r.res.status, 200);
  assert.match(r.html, /id="invoice-totals"/);
  assert.match(r.html, /160,00/); // HT
  assert.match(r.html, /31,00/); // 30 + 1
  assert.match(r.html, /191,00/);
  const bad = await ent.post('/factures/totaux', {
    l0_description: 'Conseil',
    l0_quantity: '-2',
    l0_unitPrice: '100',
    l0_vat: 'S:2000',
  });
  assert.match(bad.html, /ne peut pas être négative/);
});

test('edit a draft, duplicate an invoice, filter by amount', async () => {
  const inv = await salesDb(t.odb.db).selectFrom('invoice').select('id').executeTakeFirstOrThrow();
  const edit = await ent.get(`/factures/${inv.id}/modifier`);
  assert.equal(edit.res.status, 200);
  assert.match(edit.html, /value="Affiche A2"/);
  const r = await ent.post(`/factures/${inv.id}/modifier`, {
    activityId: A.activityId,
    customerId,
    l0_description: 'Affiche A1',
    l0_quantity: '10',
    l0_unitPrice: '20',
    l0_vat: 'S:2000',
    l0_nature: 'goods',
    action: 'save',
  });
  assert.equal(r.res.status, 303);
  const after1 = await salesDb(t.odb.db)
    .selectFrom('invoice')
    .select(['total_incl_cents'])
    .where('id', '=', inv.id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(after1.total_incl_cents), 24000);
  const dup = await ent.post(`/factures/${inv.id}/dupliquer`, {});
  assert.equal(dup.res.status, 303);
  const copyId = dup.res.headers.get('location')!.split('/').pop()!;
  assert.notEqual(copyId, inv.id);
  assert.equal(await count('invoice'), 2);
  const list = await ent.get('/factures?min=200&max=250');
  assert.equal((list.html.match(/href="\/factures\/[0-9a-f-]{36}"/g) ?? []).length, 2);
  const none = await ent.get('/factures?min=300');
  assert.match(none.html, /Aucune facture ne correspond/);
});

test('customers CSV import: all or nothing, every refused line reported with its number and reason', async () => {
  const csv = (text: string) => {
    const fd = new FormData();
    fd.append('_csrf', ent.csrf);
    fd.append('file', new Blob([text], { type: 'text/csv' }), 'clients.csv');
    return fd;
  };
  const send = (text: string) =>
    t.app.request('http://localhost/clients/import', {
      method: 'POST',
      body: csv(text),
      headers: { cookie: [...ent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
  const before = await count('customer');
  const bad = await send(
    `type;nom;siren;email;adresse;code postal;ville\nentreprise;Café des Arts;${makeSiren('81234568')};cafe@arts.example;1 place Sathonay;69001;Lyon\nentreprise;Sans Siren;;x@y.example;2 rue X;69001;Lyon\nparticulier;Jeanne Roux;;jeanne@roux.example;3 rue Y;690;Lyon\nentreprise;Imprimerie du Rhone SARL;${makeSiren('81234570')};;4 rue Z;69002;Lyon\nentreprise;Café des arts;;;5 rue W;69001;Lyon\n`,
  );
  const html = await bad.text();
  assert.equal(bad.status, 400);
  assert.match(
    html,
    /4 lignes refusées : aucun client n&#39;a été importé|4 lignes refusées : aucun client n'a été importé/,
  );
  assert.match(
    html,
    /<td data-label="Ligne">3<\/td><td data-label="Raison">Le SIREN d(&#39;|')un client professionnel est obligatoire/,
  );
  assert.match(html, /<td data-label="Ligne">4<\/td><td data-label="Raison">Code postal : 5 chiffres/);
  assert.match(html, /<td data-label="Ligne">5<\/td><td data-label="Raison">Un client portant ce nom existe déjà/);
  assert.match(html, /<td data-label="Ligne">6<\/td><td data-label="Raison">Doublon : même nom que la ligne 2/);
  assert.equal(await count('customer'), before, 'nothing written');
  const ok = await send(
    `nom;siren;email;adresse;code postal;ville\nCafé des Arts;${makeSiren('81234568')};cafe@arts.example;1 place Sathonay;69001;Lyon\n"Atelier ""Le Fil""";${makeSiren('81234569')};;"6 rue Longue; 2e étage";69001;Lyon\n`,
  );
  assert.equal(ok.status, 303);
  assert.equal(await count('customer'), before + 2);
  assert.ok(
    await salesDb(t.odb.db)
      .selectFrom('customer')
      .select('id')
      .where('name', '=', 'Atelier "Le Fil"')
      .executeTakeFirst(),
  );
});

test('quote: created, sent, accepted on the public page (CSRF-exempt), then a deposit invoice from it', async () => {
  const bad = await ent.post('/devis/nouveau', {
    activityId: A.activityId,
    customerId,
    l0_kind: 'section',
    l0_description: '',
    l1_description: 'Maquette',
    l1_quantity: 'x',
    l1_unitPrice: '300',
  });
  assert.equal(bad.res.status, 400);
  assert.equal(await count('quote'), 0);
  const r = await ent.post('/devis/nouveau', {
    activityId: A.activityId,
    customerId,
    title: 'Identité visuelle',
    l0_kind: 'section',
    l0_description: 'Création',
    l1_kind: 'item',
    l1_description: 'Logo',
    l1_quantity: '1',
    l1_unitPrice: '800',
    l1_vat: 'S:2000',
    l2_kind: 'item',
    l2_description: 'Charte',
    l2_quantity: '2',
    l2_unitPrice: '300',
    l2_discount: '10',
    l2_vat: 'S:2000',
  });
  assert.equal(r.res.status, 303);
  const qid = r.res.headers.get('location')!.split('/').pop()!;
  const page = await ent.get(`/devis/${qid}`);
  assert.match(page.html, /1\u00a0608,00/); // (800 + 540) × 1.2
  assert.equal((await ent.post(`/devis/${qid}/envoyer`, {})).res.status, 303);
  const mail = await t.odb.db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', 'factures@imprimerie.example')
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const path = /\/public\/devis\/token\/[A-Za-z0-9_-]+/.exec(mail.text_body)![0];
  const customer = new TestClient(t.app);
  const pub = await customer.get(path);
  assert.equal(pub.res.status, 200);
  assert.match(pub.html, /Bon pour accord/);
  const noBox = await customer.post(path, { name: 'Marc Rhône', decision: 'accept' }, { csrf: null });
  assert.equal(noBox.res.status, 400);
  assert.match(noBox.html, /Cochez « Bon pour accord »/);
  const yes = await customer.post(path, { name: 'Marc Rhône', agreed: 'on', decision: 'accept' }, { csrf: null });
  assert.equal(yes.res.status, 200);
  assert.match(yes.html, /Votre accord est enregistré/);
  assert.equal((await customer.get('/public/devis/token/inconnuinconnuinconnuinconnu')).res.status, 404);
  const accepted = await ent.get(`/devis/${qid}`);
  assert.match(accepted.html, /Accepté le .* par Marc Rhône/);
  assert.match(accepted.html, /Créer depuis le devis/);
  const dep = await ent.post(`/devis/${qid}/facturer`, { kind: 'deposit', percent: '30' });
  assert.equal(dep.res.status, 303);
  const inv = await salesDb(t.odb.db)
    .selectFrom('invoice')
    .select(['type_code', 'total_incl_cents'])
    .where('quote_id', '=', qid)
    .executeTakeFirstOrThrow();
  assert.equal(inv.type_code, '386');
  assert.equal(Number(inv.total_incl_cents), 48240);
  const pdf = await t.app.request(`http://localhost/devis/${qid}/pdf`, {
    headers: { cookie: [...ent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(
    Buffer.from(await pdf.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
});

test('reminder schedule page: the director edits it (French error on bad input), others only read', async () => {
  const dir = new TestClient(t.app);
  await dir.signIn(A.users.director.email, TEST_PASSWORD);
  const page = await dir.get('/factures/relances');
  assert.match(page.html, /3 jours avant l&#39;échéance|3 jours avant l'échéance/);
  const bad = await dir.post('/factures/relances', { days: '-3, sept' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /n&#39;est pas un nombre de jours|n'est pas un nombre de jours/);
  assert.equal((await dir.post('/factures/relances', { days: '-2, 10, 30' })).res.status, 303);
  assert.match((await dir.get('/factures/relances')).html, /10 jours après l&#39;échéance|10 jours après l'échéance/);
  assert.doesNotMatch((await ent.get('/factures/relances')).html, /Modifier le calendrier/);
  assert.equal((await ent.post('/factures/relances', { days: '1' })).res.status, 404);
});
