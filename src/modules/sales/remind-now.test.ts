// "Relancer" in one action from the home page: the overdue invoice's item posts the reminder.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createCustomer } from './customer.service.ts';
import { createDraft, submitInvoice, validateInvoice } from './invoice.service.ts';
import { salesDb } from './db.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
let invoiceId = '';
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  invoiceId = await withTenant(t.odb.db, A.coop.id, async (trx) => {
    const c = await createCustomer(trx, A.actor('entrepreneur'), {
      kind: 'individual',
      name: 'Camille Retard',
      email: 'camille.retard@exemple.fr',
      addressLine1: '5 rue Neuve',
      postalCode: '69001',
      city: 'Lyon',
      countryCode: 'FR',
    });
    const d = await createDraft(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      customerId: c.id,
      lines: [{ description: 'Cours', quantityMilli: 1000, unitPriceCents: 20000, vatCategory: 'S', vatRateBp: 2000 }],
    });
    await submitInvoice(trx, A.actor('support'), d.id);
    await validateInvoice(trx, A.actor('support'), d.id);
    // 286 days overdue.
    await salesDb(trx)
      .updateTable('invoice')
      .set({ due_date: addDays(todayParis(), -286) })
      .where('cooperative_id', '=', A.coop.id)
      .where('id', '=', d.id)
      .execute();
    return d.id;
  });
});
after(() => t?.odb.close());

const reminders = () =>
  withTenant(t.odb.db, A.coop.id, (trx) =>
    salesDb(trx)
      .selectFrom('sales_reminder')
      .select(['step', 'offset_days'])
      .where('invoice_id', '=', invoiceId)
      .execute(),
  );

test('the overdue item on the home page sends the reminder in one action, once a day', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const home = await ent.get('/');
  assert.match(home.html, new RegExp(`action="/factures/${invoiceId}/relancer"`));
  assert.match(home.html, />Relancer</);
  const r = await ent.post(`/factures/${invoiceId}/relancer`, {});
  assert.equal(r.res.status, 303);
  assert.deepEqual(await reminders(), [{ step: `manuel-${todayParis()}`, offset_days: 286 }]);
  const mails = await t.odb.db
    .selectFrom('mail_outbox')
    .select(['to_address', 'subject'])
    .where('to_address', '=', 'camille.retard@exemple.fr')
    .execute();
  assert.equal(mails.length, 1);
  assert.match(mails[0].subject, /Relance : facture/);
  const page = await ent.get(`/factures/${invoiceId}`);
  assert.match(page.html, /Relance 286 jours après l(&#39;|')échéance/);
  // Twice the same day: refused, nothing more sent.
  await ent.post(`/factures/${invoiceId}/relancer`, {});
  assert.equal((await reminders()).length, 1);
  // Another entrepreneur's invoice is not theirs to remind.
  const other = new TestClient(t.app);
  await other.signIn(A.users.cape.email, TEST_PASSWORD);
  await other.post(`/factures/${invoiceId}/relancer`, {});
  assert.equal((await reminders()).length, 1);
});
