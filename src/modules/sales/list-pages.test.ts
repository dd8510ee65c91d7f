// Pages around the invoice list: the live search box (a GET form htmx submits while typing), a
// "%" typed in it, and the invoice page's discount row.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createCustomer } from './customer.service.ts';
import { createDraft, submitInvoice, validateInvoice } from './invoice.service.ts';
import { makeSiren } from '../../core/identifiers.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
let invoiceId = '';
let noEmailInvoiceId = '';
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  const ent = A.actor('entrepreneur');
  invoiceId = await withTenant(t.odb.db, A.coop.id, async (trx) => {
    const c = await createCustomer(trx, ent, {
      kind: 'individual',
      name: 'Épicerie 100% Locale',
      email: 'epicerie@exemple.fr',
      addressLine1: '2 rue Neuve',
      postalCode: '69001',
      city: 'Lyon',
      countryCode: 'FR',
    });
    await createCustomer(trx, ent, {
      kind: 'individual',
      name: 'Fromagerie 1000 Saveurs',
      email: 'fromagerie@exemple.fr',
      addressLine1: '3 rue Neuve',
      postalCode: '69001',
      city: 'Lyon',
      countryCode: 'FR',
    });
    const d = await createDraft(trx, ent, {
      activityId: A.activityId,
      customerId: c.id,
      discountCents: 5000,
      discountReason: 'Client fidèle',
      lines: [
        { description: 'Paniers', quantityMilli: 1000, unitPriceCents: 30000, vatCategory: 'S', vatRateBp: 2000 },
      ],
    });
    return d.id;
  });
  // A business customer without an e-mail: validated, nothing can be sent to it by e-mail.
  noEmailInvoiceId = await withTenant(t.odb.db, A.coop.id, async (trx) => {
    const c = await createCustomer(trx, ent, {
      kind: 'company',
      name: 'Garage Sans Courriel',
      siren: makeSiren('44412345'),
      addressLine1: '4 rue Neuve',
      postalCode: '69001',
      city: 'Lyon',
      countryCode: 'FR',
    });
    const d = await createDraft(trx, ent, {
      activityId: A.activityId,
      customerId: c.id,
      lines: [{ description: 'Vidange', quantityMilli: 1000, unitPriceCents: 9000, vatCategory: 'S', vatRateBp: 2000 }],
    });
    await submitInvoice(trx, A.actor('support'), d.id);
    await validateInvoice(trx, A.actor('support'), d.id);
    return d.id;
  });
});
after(() => t?.odb.close());

test('customer list: live search form, "%" typed is a character, results replaced in place', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const all = await ent.get('/clients');
  assert.match(all.html, /hx-get="\/clients"/);
  assert.match(all.html, /id="resultats"/);
  assert.match(all.html, /Fromagerie/);
  const pct = await ent.get(`/clients?q=${encodeURIComponent('0%')}`);
  assert.equal(pct.res.status, 200);
  assert.match(pct.html, /Épicerie 100% Locale/);
  assert.doesNotMatch(pct.html, /Fromagerie/);
  const typo = await ent.get(`/clients?q=${encodeURIComponent('eppicerie')}`);
  assert.match(typo.html, /Épicerie 100% Locale/);
  for (const p of ['/factures?q=%25', '/devis?q=_', '/fournisseurs?q=%25']) {
    const r = await ent.get(p);
    assert.equal(r.res.status, 200, p);
    assert.match(r.html, /id="resultats"/, p);
  }
});

test('invoice page shows the overall discount, as the PDF does', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const page = await ent.get(`/factures/${invoiceId}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Remise globale HT/);
  assert.match(page.html, /-50,00/);
  assert.match(page.html, /Client fidèle/);
});

test('reminders: a customer without an e-mail is said to get none, instead of a bare "Aucune relance envoyée"', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const page = await ent.get(`/factures/${noEmailInvoiceId}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /votre client n(&#39;|')a pas d(&#39;|')adresse e-mail/);
  assert.doesNotMatch(page.html, /Envoyée par e-mail/);
});
