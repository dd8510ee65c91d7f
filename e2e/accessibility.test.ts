// axe-core on the main pages, at phone (360 px) and desktop widths: no serious or critical
// violation (WCAG 2.1 A/AA: contrast, labels, landmarks, names, focusable controls).
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../src/app/testing.ts';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { toolSkip } from '../src/core/testing-tools.ts';
import { startTestServer, launchBrowser, CHROMIUM } from './browser.ts';
import { todayParis } from '../src/core/dates.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { ensureMainAccount, importStatement, listToJustify } from '../src/modules/bank/index.ts';
import { writeCamt053 } from '../src/modules/bank/testing.ts';

/** The page's window once axe-core is injected. */
type AxeWindow = { axe: { run(ctx: Document, opts?: object): Promise<{ violations: Violation[] }> } };

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const skip = toolSkip(CHROMIUM, 'chromium');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let a: TestCoop;
let bankLineId: string;
before(async () => {
  if (skip) return;
  srv = await startTestServer();
  [a] = await seedTestCooperatives(srv.odb);
  bankLineId = await aBankLine(a);
  browser = await launchBrowser();
});

/** A statement line waiting to be justified, for the bank pages (its matching page included). */
async function aBankLine(coop: TestCoop): Promise<string> {
  return withTenant(srv.odb.db, coop.coop.id, async (trx) => {
    const accountant = coop.actor('accountant');
    const acc = (await ensureMainAccount(trx, accountant))!;
    const day = todayParis();
    const bytes = Buffer.from(
      writeCamt053({
        messageId: 'A11Y-1',
        iban: coop.coop.iban!,
        createdAt: `${day}T08:00:00`,
        entries: [{ amountCents: 12345, bookingDate: day, label: 'VIREMENT RECU', bankRef: 'A11Y-1' }],
      }),
    );
    await importStatement(trx, accountant, { accountId: acc.id, bytes });
    return (await listToJustify(trx, accountant)).items[0].tx.id;
  });
}
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
});

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; html: string }[];
}

async function audit(page: Page, path: string): Promise<string[]> {
  const res = await page.goto(`${srv.url}${path}`);
  assert.ok(res && res.status() < 400, `${path} answered ${res?.status()}`);
  assert.equal(new URL(page.url()).pathname, path.split('?')[0], `${path} was not redirected`);
  // The page's CSP forbids inline scripts; the test context bypasses CSP only to inject axe.
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await (window as unknown as AxeWindow).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return r.violations as Violation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${path}: [${v.impact}] ${v.id} — ${v.help}\n    ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)}`)
          .join('\n    ')}`,
    );
}

async function signedInContext(width: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${srv.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(a.users.director.email);
  await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.waitForURL(`${srv.url}/`);
  await page.close();
  return context;
}

const PAGES = [
  '/',
  '/membres',
  '/activites',
  '/cooperative',
  '/profil',
  '/profil/passkeys',
  '/profil/mot-de-passe',
  '/factures',
  '/factures/nouvelle',
  '/devis/nouveau',
  '/import/endi',
];

for (const width of [360, 1280]) {
  test(`no serious or critical accessibility violation at ${width} px`, { skip }, async () => {
    const problems: string[] = [];
    const anon = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
    const p0 = await anon.newPage();
    problems.push(...(await audit(p0, '/connexion')));
    problems.push(...(await audit(p0, '/mot-de-passe-oublie')));
    await anon.close();
    const context = await signedInContext(width);
    const page = await context.newPage();
    for (const path of [
      ...PAGES,
      `/membres/${a.users.entrepreneur.id}`,
      `/activites/${a.activityId}`,
      '/banque',
      `/banque/lignes/${bankLineId}/rapprocher`,
    ])
      problems.push(...(await audit(page, path)));
    await context.close();
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
}

test('the check itself catches a broken page (unlabelled field, low contrast)', { skip }, async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${srv.url}/connexion`);
  await page.evaluate(() => {
    const main = document.querySelector('main')!;
    const input = document.createElement('input');
    input.type = 'text';
    main.appendChild(input);
    const p = document.createElement('p');
    p.textContent = 'Texte illisible';
    p.setAttribute('class', 'x');
    p.setAttribute('data-x', '1');
    const st = document.createElement('style');
    st.textContent = 'p.x { color: #ddd; background: #fff; }';
    document.head.appendChild(st);
    main.appendChild(p);
  });
  await page.addScriptTag({ path: AXE });
  const ids = await page.evaluate(async () =>
    ((await (window as unknown as AxeWindow).axe.run(document)).violations as Violation[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id),
  );
  assert.ok(ids.includes('label'), `found ${ids.join(', ')}`);
  assert.ok(ids.includes('color-contrast'), `found ${ids.join(', ')}`);
  await context.close();
});

test('keyboard: the skip link is the first stop and leads to the main content', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${srv.url}/connexion`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({
    text: document.activeElement?.textContent,
    href: document.activeElement?.getAttribute('href'),
  }));
  assert.deepEqual(focused, { text: 'Aller au contenu', href: '#main' });
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await context.close();
});

test('no page scrolls sideways on a phone (360 px): activity account, caseload, lists, validation', {
  skip,
}, async () => {
  const wide: string[] = [];
  for (const [role, paths] of [
    ['entrepreneur', ['/compte-activite', '/factures', '/devis', '/notes-de-frais']],
    ['support', ['/accompagnement', '/validation', '/clients', '/fournisseurs']],
    ['director', ['/direction', '/impact', '/comptabilite', '/import/endi']],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${srv.url}/connexion`);
    await page.getByLabel('Adresse e-mail').fill(a.users[role].email);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.waitForURL(`${srv.url}/`);
    for (const path of paths) {
      const res = await page.goto(`${srv.url}${path}`);
      if (res?.status() !== 200) {
        wide.push(`${path} (${role}): HTTP ${res?.status()}`);
        continue;
      }
      const [scroll, client] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      if (scroll > client) wide.push(`${path} (${role}): ${scroll} px wide for ${client}`);
    }
    await context.close();
  }
  assert.deepEqual(wide, []);
});
