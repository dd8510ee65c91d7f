// Pages: the home inbox with its one action and "later" button, the validation queue (batch and
// exception with a reason), digest preferences, and the public unsubscribe link.
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { inboxDb, type TenantTx as Tx } from './db.ts';
import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';

import { createCustomer, createDraft, submitInvoice, getInvoice } from '../sales/index.ts';
import { notify, sendDigests, setPreference, getPreference } from './index.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
let customerId: string;
const tx = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(t.odb.db, A.coop.id, fn);
const draft = (cents: number) =>
  tx((trx) =>
    createDraft(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      customerId,
      lines: [
        { description: 'Atelier', quantityMilli: 1000, unitPriceCents: cents, vatCategory: 'S', vatRateBp: 2000 },
      ],
    }),
  );

before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  const siren = makeSiren('51234567');
  customerId = (
    await tx((trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'company',
        name: 'Fleurs & Co',
        siren,
        vatNumber: frenchVatFromSiren(siren),
        addressLine1: '1 quai',
        postalCode: '69001',
        city: 'Lyon',
        countryCode: 'FR',
      }),
    )
  ).id;
});
after(async () => {
  await t?.odb.close();
});

test('home: empty state and key figures, then an item with its action; "later" hides it', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  let home = await ent.get('/');
  assert.equal(home.res.status, 200);
  assert.match(home.html, /<h1>Bonjour Entrepreneur<\/h1>/);
  assert.match(home.html, /Rien à faire : tout est à jour\./);
  assert.match(home.html, /Facturé cette année/);
  assert.match(home.html, /En attente de paiement/);
  assert.match(home.html, /Disponible pour votre salaire/);
  const d = await draft(12000);
  home = await ent.get('/');
  assert.match(home.html, /<ul class="inbox">/);
  assert.match(home.html, new RegExp(`<li class="urgency-medium" data-key="sales.invoice.submit:${d.id}">`));
  assert.match(home.html, new RegExp(`action="/factures/${d.id}/soumettre"`));
  const r = await ent.post('/a-faire/reporter', { key: `sales.invoice.submit:${d.id}`, days: '7' });
  assert.equal(r.res.status, 303);
  home = await ent.get('/');
  assert.doesNotMatch(home.html, new RegExp(`sales.invoice.submit:${d.id}`));
  assert.match(home.html, /reviendra le/);
});

test('validation queue: batch of clean ones; an exception without reason is a 400 that writes nothing', async () => {
  const ent = A.actor('entrepreneur');
  const clean = await draft(22200);
  await tx((trx) => submitInvoice(trx, ent, clean.id));
  const d1 = await draft(33300);
  await tx((trx) => submitInvoice(trx, ent, d1.id));
  const d2 = await draft(33300);
  await tx((trx) => submitInvoice(trx, ent, d2.id));
  const e = new TestClient(t.app);
  await e.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await e.get('/validation')).res.status, 404);
  const s = new TestClient(t.app);
  await s.signIn(A.users.support.email, TEST_PASSWORD);
  const page = await s.get('/validation');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Prêtes à valider \(1\)/);
  assert.match(page.html, /À examiner \(2\)/);
  assert.match(page.html, /doublon/);
  // The other documents support validates, each in its own section (the queue of each role).
  assert.match(page.html, /<h2>Notes de frais<\/h2>/);
  assert.match(page.html, /<h2>Factures fournisseurs<\/h2>/);
  assert.match(page.html, /<h2>Demandes de salaire<\/h2>/);
  assert.equal((await e.post('/validation/lot/expense', { ids: [clean.id] })).res.status, 404);
  assert.equal((await s.post('/validation/lot/inconnu', { ids: [clean.id] })).res.status, 404);
  const acc = new TestClient(t.app);
  await acc.signIn(A.users.accountant.email, TEST_PASSWORD);
  const accPage = await acc.get('/validation');
  assert.match(accPage.html, /<h2>Notes de frais<\/h2>/);
  // Salary decisions are support's and the direction's, not the accountant's.
  assert.doesNotMatch(accPage.html, /<h2>Demandes de salaire<\/h2>/);
  const home = await s.get('/');
  assert.match(home.html, /Validez la facture pour Fleurs &amp; Co/);
  assert.match(home.html, /Factures à valider/);
  const lot = await s.post('/validation/lot', { ids: [clean.id] });
  assert.equal(lot.res.status, 303);
  assert.equal((await tx((trx) => getInvoice(trx, A.actor('support'), clean.id)))!.status, 'validated');
  const bad = await s.post(`/validation/${d1.id}/exception`, { [`reason-${d1.id}`]: '' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Expliquez en une phrase/);
  assert.match(bad.html, new RegExp(`id="f-reason-${d1.id}-error"`));
  assert.equal((await tx((trx) => getInvoice(trx, A.actor('support'), d1.id)))!.status, 'submitted');
  const ok = await s.post(`/validation/${d1.id}/exception`, {
    [`reason-${d1.id}`]: 'Deux commandes distinctes, bons de commande vérifiés.',
  });
  assert.equal(ok.res.status, 303);
  assert.equal((await tx((trx) => getInvoice(trx, A.actor('support'), d1.id)))!.status, 'validated');
  // the director edits the thresholds; bad input is a 400 beside the field
  const dir = new TestClient(t.app);
  await dir.signIn(A.users.director.email, TEST_PASSWORD);
  assert.match((await dir.get('/validation/reglages')).html, /name="outlierFactor"/);
  const badT = await dir.post('/validation/reglages', {
    outlierFactor: 'beaucoup',
    outlierMinHistory: '3',
    duplicateDays: '7',
  });
  assert.equal(badT.res.status, 400);
  assert.match(badT.html, /id="f-outlierFactor-error"/);
  assert.equal(
    (await dir.post('/validation/reglages', { outlierFactor: '8', outlierMinHistory: '3', duplicateDays: '7' })).res
      .status,
    303,
  );
  assert.equal((await s.get('/validation/reglages')).res.status, 404);
});

test('preferences page and unsubscribe link without signing in', async () => {
  const s = new TestClient(t.app);
  await s.signIn(A.users.accountant.email, TEST_PASSWORD);
  assert.match((await s.get('/preferences-notifications')).html, /value="weekly" checked/);
  assert.equal((await s.post('/preferences-notifications', { frequency: 'jamais' })).res.status, 400);
  assert.equal((await s.post('/preferences-notifications', { frequency: 'daily' })).res.status, 303);
  assert.match((await s.get('/preferences-notifications')).html, /value="daily" checked/);
  await tx((trx) => notify(trx, A.actor('support'), A.users.accountant.id, 'test', 'Un message'));
  await sendDigests(t.odb.db, new Date(), { publicUrl: 'http://localhost' });
  const m = await inboxDb(t.odb.db)
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', A.users.accountant.email)
    .executeTakeFirstOrThrow();
  const path = /http:\/\/localhost(\/public\/desabonnement\/token\/[A-Za-z0-9_-]+)/.exec(m.text_body)![1];
  const anon = new TestClient(t.app);
  const g = await anon.get(path);
  assert.equal(g.res.status, 200);
  assert.match(g.html, /Confirmer le désabonnement/);
  const p = await anon.post(path, {}, { csrf: null });
  assert.equal(p.res.status, 200);
  assert.match(p.html, /Vous ne recevrez plus de résumé/);
  assert.match((await s.get('/preferences-notifications')).html, /désabonné/);
  assert.equal((await anon.get('/public/desabonnement/token/inconnu')).res.status, 404);
});

test("a mail client's one-click unsubscribe (RFC 8058: POST List-Unsubscribe=One-Click, no cookie, no form token) works", async () => {
  const who = A.actor('director');
  await tx((trx) => notify(trx, A.actor('support'), A.users.director.id, 'test', 'Pour la direction'));
  await tx((trx) => setPreference(trx, who, 'daily'));
  await sendDigests(t.odb.db, new Date(), { publicUrl: 'http://localhost' });
  const m = await inboxDb(t.odb.db)
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', A.users.director.email)
    .executeTakeFirstOrThrow();
  const path = /http:\/\/localhost(\/public\/desabonnement\/token\/[A-Za-z0-9_-]+)/.exec(m.text_body)?.[1] ?? '';
  const client = new TestClient(t.app);
  const r = await client.post(path, { 'List-Unsubscribe': 'One-Click' }, { csrf: null });
  assert.equal(r.res.status, 200);
  assert.equal((await tx((trx) => getPreference(trx, who))).unsubscribed, true);
});
