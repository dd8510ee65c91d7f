// Effort measured in Chromium: actions (clicks, typed fields, selections) an entrepreneur needs
// to find what to do today and to create and send an invoice to a known customer from the
// inbox. Counts are merged into test-output/action-counts.json under "inbox".
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../src/app/testing.ts';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { toolSkip } from '../src/core/testing-tools.ts';
import { startTestServer, launchBrowser, recordActionCounts, CHROMIUM, OUTPUT, counted } from './browser.ts';

import { withTenant } from '../src/core/db/tenant.ts';
import { makeSiren, frenchVatFromSiren } from '../src/core/identifiers.ts';
import { createCustomer, createDraft, submitInvoice } from '../src/modules/sales/index.ts';

const skip = toolSkip(CHROMIUM, 'chromium');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let a: TestCoop;
const counts: Record<string, number> = {};

before(async () => {
  if (skip) return;
  srv = await startTestServer();
  [a] = await seedTestCooperatives(srv.odb);
  await withTenant(srv.odb.db, a.coop.id, async (trx) => {
    const siren = makeSiren('61234567');
    const c = await createCustomer(trx, a.actor('entrepreneur'), {
      kind: 'company',
      name: 'Librairie du Parc',
      siren,
      vatNumber: frenchVatFromSiren(siren),
      addressLine1: '2 allée du Parc',
      postalCode: '69006',
      city: 'Lyon',
      countryCode: 'FR',
    });
    // something to do today: a draft left from yesterday
    await createDraft(trx, a.actor('entrepreneur'), {
      activityId: a.activityId,
      customerId: c.id,
      lines: [
        { description: 'Conseil', quantityMilli: 1000, unitPriceCents: 25000, vatCategory: 'S', vatRateBp: 2000 },
      ],
    });
    // support's queue of the day: three clean invoices and one exception (foreign company without VAT number)
    const ent = a.actor('entrepreneur');
    const s2 = makeSiren('62234567');
    const clean = await createCustomer(trx, ent, {
      kind: 'company',
      name: 'Mairie de Saint-Clair',
      siren: s2,
      vatNumber: frenchVatFromSiren(s2),
      addressLine1: '1 place de la Mairie',
      postalCode: '69100',
      city: 'Villeurbanne',
      countryCode: 'FR',
    });
    const odd = await createCustomer(trx, ent, {
      kind: 'company',
      name: 'Atelier Bruxellois',
      addressLine1: '4 rue Haute',
      postalCode: '1000',
      city: 'Bruxelles',
      countryCode: 'BE',
    });
    for (const [cust, cents] of [
      [clean.id, 111000],
      [clean.id, 222000],
      [clean.id, 333000],
      [odd.id, 99000],
    ] as const) {
      const d = await createDraft(trx, ent, {
        activityId: a.activityId,
        customerId: cust,
        lines: [
          {
            description: 'Intervention',
            quantityMilli: 1000,
            unitPriceCents: cents,
            vatCategory: 'S',
            vatRateBp: 2000,
          },
        ],
      });
      await submitInvoice(trx, ent, d.id);
    }
  });
  browser = await launchBrowser();
});
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
  if (Object.keys(counts).length)
    recordActionCounts('inbox', {
      ...counts,
      note: 'Entrepreneur actions (clicks, fields typed, selections) counted from the home page (the inbox) once signed in; signing in (3 actions) is counted separately.',
    });
});

test('find what to do today, then create and send an invoice to a known customer', { skip }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/connexion`);
  const signIn = counted(page);
  await signIn.fill('input[name="email"]', a.users.entrepreneur.email);
  await signIn.fill('input[name="password"]', TEST_PASSWORD);
  await signIn.click('button[type="submit"]:has-text("Se connecter")');
  await page.waitForURL(`${srv.url}/`);
  counts.signIn = signIn.n;

  // 1. What to do today: the home page is the inbox, nothing to click.
  const find = counted(page);
  assert.match((await page.textContent('h1')) ?? '', /^Bonjour /);
  const items = await page.locator('ul.inbox li').count();
  assert.ok(items >= 1, 'the draft is in the inbox');
  // Other items (e.g. the monthly salary request after the 15th) may come first: look for this one.
  assert.equal(
    await page.locator('ul.inbox li', { hasText: 'Soumettez la facture pour Librairie du Parc' }).count(),
    1,
  );
  counts.findWhatToDoToday = find.n;
  await page.screenshot({ path: `${OUTPUT}/inbox-home-mobile.png`, fullPage: true });

  // 2. Create and send an invoice to a known customer, starting from the inbox.
  const inv = counted(page);
  await inv.click('a.btn:has-text("Nouvelle facture")');
  await page.waitForURL(/\/factures\/nouvelle/);
  await inv.select('select[name="activityId"]', a.activityId);
  await inv.select('select[name="customerId"]', { label: 'Librairie du Parc' });
  await inv.fill('input[name="l0_description"]', 'Animation lecture');
  await inv.fill('input[name="l0_quantity"]', '2');
  await inv.fill('input[name="l0_unitPrice"]', '150');
  await inv.click('button[value="submit"]');
  await page.waitForURL(/\/factures\/[0-9a-f-]{36}$/);
  // 360 € TTC is under the 1 000 € self-validation threshold: the entrepreneur validates.
  await inv.click('button:has-text("Valider la facture")');
  await page.waitForURL(/\/factures\/[0-9a-f-]{36}$/);
  assert.match((await page.textContent('h1')) ?? '', /Facture \d{4}-\d{5}/);
  await inv.click('nav.mainnav a[href="/"]');
  await page.waitForURL(`${srv.url}/`);
  const send = page.locator('ul.inbox li', { hasText: 'Envoyez la facture' });
  assert.equal(await send.count(), 1);
  await inv.click('ul.inbox li:has-text("Envoyez la facture") button:has-text("C\'est envoyé")');
  await page.waitForURL(`${srv.url}/`);
  assert.equal(
    await page.locator('ul.inbox li', { hasText: 'Envoyez la facture' }).count(),
    0,
    'sent → gone from the inbox',
  );
  counts.createAndSendInvoiceKnownCustomer = inv.n;
  await ctx.close();
});

test('support validates the queue of the day by handling only the exception', { skip }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/connexion`);
  await page.fill('input[name="email"]', a.users.support.email);
  await page.fill('input[name="password"]', TEST_PASSWORD);
  await page.click('button[type="submit"]:has-text("Se connecter")');
  await page.waitForURL(`${srv.url}/`);
  assert.ok((await page.locator('ul.inbox li', { hasText: 'Validez la facture' }).count()) >= 4);
  const q = counted(page);
  await q.click('nav.mainnav a[href="/validation"]');
  await page.waitForURL(/\/validation$/);
  assert.match((await page.textContent('main')) ?? '', /Prêtes à valider \(3\)/);
  assert.match((await page.textContent('main')) ?? '', /ni SIREN ni numéro de TVA/);
  await q.click('button:has-text("Valider les 3 factures")');
  await page.waitForURL(/\/validation$/);
  await q.fill('textarea[name^="reason-"]', 'Client belge sans TVA : association non assujettie, vérifié.');
  await q.click('button:has-text("Valider malgré les alertes")');
  await page.waitForURL(/\/validation$/);
  // The invoices' two cards come first (expense reports, supplier invoices and salary requests follow).
  assert.match((await page.locator('main section.card').nth(0).textContent()) ?? '', /Prêtes à valider \(0\)/);
  assert.match((await page.locator('main section.card').nth(1).textContent()) ?? '', /Rien à examiner/);
  await page.screenshot({ path: `${OUTPUT}/inbox-validation-desktop.png`, fullPage: true });
  counts.supportValidatesDayQueue3Clean1Exception = q.n;
  await ctx.close();
});
