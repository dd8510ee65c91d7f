import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../src/app/testing.ts';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { toolSkip } from '../src/core/testing-tools.ts';
import { startTestServer, launchBrowser, CHROMIUM, OUTPUT } from './browser.ts';

const skip = toolSkip(CHROMIUM, 'chromium');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let a: TestCoop;
// WebAuthn refuses an IP address as relying party: browse the test server as "localhost".
let base = '';
before(async () => {
  if (skip) return;
  srv = await startTestServer();
  base = srv.url.replace('127.0.0.1', 'localhost');
  [a] = await seedTestCooperatives(srv.odb);
  browser = await launchBrowser();
});
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
});

test('register a passkey on the profile, sign out, sign in with the passkey (usernameless)', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });

  await page.goto(`${base}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(a.users.entrepreneur.email);
  await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.waitForURL(`${base}/`);

  await page.goto(`${base}/profil/passkeys`);
  assert.match(await page.content(), /Aucune clé d'accès/);
  await page.getByLabel('Nom de la clé').fill('Ordinateur de test');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: "Ajouter une clé d'accès" }).click()]);
  const row = page.locator('table.data tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.first().innerText(), /Ordinateur de test[\s\S]*Jamais/);
  const stored = await srv.odb.db
    .selectFrom('passkey')
    .selectAll()
    .where('user_id', '=', a.users.entrepreneur.id)
    .execute();
  assert.equal(stored.length, 1);
  const challenges = await srv.odb.db
    .selectFrom('auth_token')
    .select(['used_at'])
    .where('kind', '=', 'webauthn')
    .where('user_id', '=', a.users.entrepreneur.id)
    .execute();
  assert.ok(challenges.length >= 1 && challenges.every((r) => r.used_at), 'the registration challenge is spent');

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForURL(/\/connexion/);
  const login = page.getByRole('button', { name: "Se connecter avec une clé d'accès" });
  await login.waitFor({ state: 'visible' });
  await page.screenshot({ path: `${OUTPUT}/passkeys-sign-in.png`, fullPage: true });
  await Promise.all([page.waitForURL(`${base}/`), login.click()]);
  assert.match(await page.locator('h1').innerText(), /Bonjour/);

  const sessions = await srv.odb.db
    .selectFrom('auth_session')
    .select(['second_factor_ok', 'revoked_at'])
    .where('user_id', '=', a.users.entrepreneur.id)
    .orderBy('created_at', 'desc')
    .execute();
  assert.equal(sessions[0].second_factor_ok, true, 'a passkey counts as strong authentication');
  await page.goto(`${base}/profil/passkeys`);
  assert.doesNotMatch(await page.locator('table.data tbody tr').first().innerText(), /Jamais/, 'last use is recorded');

  // Removal
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Supprimer la clé Ordinateur de test' }).click(),
  ]);
  assert.match(await page.content(), /Clé d'accès supprimée/);
  assert.equal(
    (await srv.odb.db.selectFrom('passkey').select('id').where('user_id', '=', a.users.entrepreneur.id).execute())
      .length,
    0,
  );
  await context.close();
});

test('the passkey endpoints refuse a forged or replayed response with a French message', { skip }, async () => {
  const r = await srv.app.request(`${base}/connexion/passkey/verifier`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(r.status, 403, 'no CSRF token, refused');
  const page = await browser.newPage();
  await page.goto(`${base}/connexion`);
  const res = await page.evaluate(async () => {
    const token = document.querySelector('meta[name="csrf-token"]')!.getAttribute('content')!;
    const clientDataJSON = btoa(
      JSON.stringify({ type: 'webauthn.get', challenge: 'inconnu', origin: location.origin }),
    ).replace(/=+$/, '');
    const r = await fetch('/connexion/passkey/verifier', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({
        response: {
          id: 'x',
          rawId: 'x',
          type: 'public-key',
          response: { clientDataJSON, authenticatorData: '', signature: '' },
        },
      }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.ok, false);
  assert.match(res.body.error, /Demande inconnue/);
  await page.close();
});
