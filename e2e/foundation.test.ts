import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { toolSkip } from '../src/core/testing-tools.ts';
import { startTestServer, launchBrowser, CHROMIUM, OUTPUT } from './browser.ts';
import { DEMO_PASSWORD } from '../src/app/demo.ts';

const skip = toolSkip(CHROMIUM, 'chromium');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
before(async () => {
  if (skip) return;
  srv = await startTestServer({ demo: true });
  browser = await launchBrowser();
});
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
});

test('a demo entrepreneur signs in, sees the dashboard, switches cooperative and signs out', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${srv.url}/`);
  await page.getByLabel('Adresse e-mail').fill('entrepreneur@soleil.demo');
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.waitForURL(`${srv.url}/`);
  assert.match(await page.locator('h1').innerText(), /^Bonjour /);
  const current = await page.locator('#switch-coop option:checked').innerText();
  const other = current === 'Soleil Coop' ? 'Rivage Entreprendre' : 'Soleil Coop';
  await page.screenshot({ path: `${OUTPUT}/foundation-dashboard-mobile.png`, fullPage: true });
  // The switcher submits on change (app.js), no button needed.
  await Promise.all([page.waitForNavigation(), page.locator('#switch-coop').selectOption({ label: other })]);
  assert.equal(await page.locator('#switch-coop option:checked').innerText(), other);
  assert.match(await page.locator('.flash').innerText(), new RegExp(`maintenant dans ${other}`));
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForURL(/\/connexion/);
  assert.match(await page.content(), /Vous êtes déconnecté/);
  await page.goto(`${srv.url}/profil`);
  assert.match(page.url(), /\/connexion/, 'after sign-out, private pages ask to sign in again');
  await page.close();
});
