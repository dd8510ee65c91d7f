import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { salesDb } from './db.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
});
after(async () => {
  await t?.odb.close();
});

const count = async (table: 'invoice' | 'customer') =>
  Number(
    (
      await salesDb(t.odb.db)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
let invoiceId = '';

test('entrepreneur creates a customer and an invoice, submits; bad input is a 400 that writes nothing', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const customer = {
    kind: 'company',
    name: 'Boulangerie Lumière',
    siren: '',
    addressLine1: '4 rue du Four',
    postalCode: '69004',
    city: 'Lyon',
    countryCode: 'FR',
    paymentTermsDays: '30',
  };
  const bad = await ent.post('/clients/nouveau', customer);
  assert.equal(bad.res.status, 400);
  assert.match(
    bad.html,
    /SIREN d&#39;un client professionnel est obligatoire|SIREN d'un client professionnel est obligatoire/,
  );
  assert.equal(await count('customer'), 0);
  const ok = await ent.post('/clients/nouveau', { ...customer, siren: makeSiren('55512345') });
  assert.equal(ok.res.status, 303);
  const cust = await salesDb(t.odb.db).selectFrom('customer').select('id').executeTakeFirstOrThrow();

  const form = {
    activityId: A.activityId,
    customerId: cust.id,
    issueDate: '',
    l0_description: 'Pains pour événement',
    l0_quantity: '3',
    l0_unitPrice: '1 500,00',
    l0_vat: 'S:2000',
    l0_nature: 'services',
    action: 'submit',
  };
  const neg = await ent.post('/factures/nouvelle', { ...form, l0_quantity: '-3' });
  assert.equal(neg.res.status, 400);
  assert.match(neg.html, /ne peut pas être négative/);
  assert.match(neg.html, /id="f-l0_quantity-error"/);
  assert.equal(await count('invoice'), 0);
  const r = await ent.post('/factures/nouvelle', form);
  assert.equal(r.res.status, 303);
  invoiceId = r.res.headers.get('location')!.split('/').pop()!;
  const page = await ent.get(`/factures/${invoiceId}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /À valider/);
  assert.match(page.html, /5\u00a0400,00/); // 4 500 € HT + 20 %
  assert.doesNotMatch(page.html, /Valider la facture/); // above the self-validation threshold
});

test('support validates from the queue; the invoice gets its number', async () => {
  const sup = new TestClient(t.app);
  await sup.signIn(A.users.support.email, TEST_PASSWORD);
  const q = await sup.get('/factures/a-valider');
  assert.match(q.html, new RegExp(`value="${invoiceId}"`));
  const r = await sup.post('/factures/a-valider', { ids: [invoiceId] });
  assert.equal(r.res.status, 303);
  const inv = await salesDb(t.odb.db)
    .selectFrom('invoice')
    .select(['status', 'number'])
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  assert.equal(inv.status, 'validated');
  assert.match(inv.number!, /^\d{4}-00001$/);
  const list = await sup.get('/factures?status=issued');
  assert.match(list.html, new RegExp(inv.number!));
});

test('GET /factures/:id/pdf returns the Factur-X PDF', async () => {
  const sup = new TestClient(t.app);
  await sup.signIn(A.users.support.email, TEST_PASSWORD);
  const res = await t.app.request(`http://localhost/factures/${invoiceId}/pdf`, {
    headers: { cookie: [...sup.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(body.subarray(0, 5).toString(), '%PDF-');
});
