// The marketplace in Chromium: a customer finds an offer on /marche, sends a quote request (after
// the form's minimum display time, as a person would), confirms the e-mail; the entrepreneur signs
// in, finds the request in the inbox and turns it into a draft quote with the customer created.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { toolSkip } from '../src/core/testing-tools.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../src/app/testing.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { getQuote } from '../src/modules/sales/index.ts';
import { MIN_FILL_MS, saveOffer, saveProfile } from '../src/modules/market/index.ts';

import { startTestServer, launchBrowser, CHROMIUM, OUTPUT } from './browser.ts';

const skip = toolSkip(CHROMIUM, 'chromium');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let a: TestCoop;
const OFFER = 'Rénovation de salle de bain';

before(async () => {
  if (skip) return;
  srv = await startTestServer();
  [a] = await seedTestCooperatives(srv.odb);
  await withTenant(srv.odb.db, a.coop.id, async (tx) => {
    const ent = a.actor('entrepreneur');
    await saveProfile(tx, ent, a.activityId, {
      displayName: 'Atelier Mercière',
      headline: 'Rénovation, plomberie et faïence',
      description: 'Artisan du bâtiment en coopérative, à Lyon.',
      category: 'batiment',
      postcode: '69003',
      radiusKm: '40',
      publicPhone: '',
      published: 'on',
    });
    await saveOffer(tx, ent, a.activityId, {
      title: OFFER,
      description: 'Dépose, plomberie, faïence, en deux semaines.',
      category: 'batiment',
      price: '1200',
      published: 'on',
    });
  });
  browser = await launchBrowser();
});
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
});

test('a customer finds an offer and asks for a quote; the entrepreneur turns it into a draft quote', {
  skip,
}, async () => {
  // The customer, no account.
  const customer = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await customer.goto(`${srv.url}/marche`);
  await customer.getByLabel('Quoi ?').fill('salle de bain');
  await customer.getByLabel('Code postal').fill('69007');
  await customer.getByRole('button', { name: 'Chercher' }).click();
  await customer.getByRole('link', { name: OFFER }).click();
  assert.equal(await customer.locator('h1').innerText(), OFFER);
  const shownAt = Date.now();
  await customer.getByLabel('Votre nom').fill('Camille Martin');
  await customer.getByLabel('Adresse e-mail').fill('camille.navigateur@example.org');
  await customer.getByLabel('Votre besoin').fill('Je voudrais rénover ma salle de bain de 6 m² en avril.');
  // A form sent sooner than the minimum display time is a robot's: wait as long as a person
  // would at least take (the wait is the form's rule, not a measure of speed).
  const left = MIN_FILL_MS + 500 - (Date.now() - shownAt);
  if (left > 0) await customer.waitForTimeout(left);
  await customer.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await customer.getByRole('heading', { name: 'Demande enregistrée' }).waitFor();
  const mail = await srv.odb.db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', 'camille.navigateur@example.org')
    .executeTakeFirstOrThrow();
  const confirm = new URL(/https?:\/\/\S+\/demande-de-devis\/confirmer\/\S+/.exec(mail.text_body)![0]).pathname;
  await customer.goto(`${srv.url}${confirm}`);
  await customer.getByRole('heading', { name: 'Demande confirmée' }).waitFor();
  await customer.close();

  // The entrepreneur.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${srv.url}/`);
  await page.getByLabel('Adresse e-mail').fill(a.users.entrepreneur.email);
  await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.waitForURL(`${srv.url}/`);
  assert.match(await page.content(), /Demande de devis de Camille Martin/);
  await page.getByRole('link', { name: 'Répondre par un devis' }).click();
  await page.getByRole('heading', { name: 'Demande de devis de Camille Martin' }).waitFor();
  await page.locator('#f-addressLine1').fill('4 rue Mercière');
  await page.locator('#f-postalCode').fill('69002');
  await page.locator('#f-city').fill('Lyon');
  await page.getByRole('button', { name: 'Créer le devis brouillon' }).click();
  await page.waitForURL(/\/devis\/[0-9a-f-]{36}$/);
  await page.screenshot({ path: `${OUTPUT}/market-draft-quote.png`, fullPage: true });
  const quoteId = page.url().split('/').pop()!;
  const quote = await withTenant(srv.odb.db, a.coop.id, (tx) => getQuote(tx, a.actor('entrepreneur'), quoteId));
  assert.equal(quote?.status, 'draft');
  assert.equal(quote?.customerName, 'Camille Martin');
  assert.equal(quote?.totalExclCents, 120000);
  assert.match(await page.content(), /Rénovation de salle de bain/);
  // Handled: the request has left the inbox.
  await page.goto(`${srv.url}/`);
  assert.doesNotMatch(await page.content(), /Demande de devis de Camille Martin/);
  await page.close();
});
