// Browser journey of the learning module: a learner follows the lessons of a network course,
// passes its quiz, downloads the certificate (PDF parsed back); a trainer marks a virtual class's
// attendance in one form, and the training hours page adds workshop and course hours.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../src/app/testing.ts';
import { toolSkip } from '../src/core/testing-tools.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { addDays, todayParis } from '../src/core/dates.ts';
import { coreDb } from '../src/core/db/handles.ts';
import { createTheme, createSession, registerForWorkshop } from '../src/modules/journeys/index.ts';
import {
  addLesson,
  addQuestion,
  addQuiz,
  addSection,
  createCourse,
  setPublished,
} from '../src/modules/learning/courses.service.ts';
import { startTestServer, launchBrowser, CHROMIUM, OUTPUT } from './browser.ts';

const skip = toolSkip(CHROMIUM, 'chromium') || toolSkip('/usr/bin/pdftotext', 'poppler-utils');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let a: TestCoop;
let b: TestCoop;
let sessionId: string;

before(async () => {
  if (skip) return;
  srv = await startTestServer();
  [a, b] = await seedTestCooperatives(srv.odb);
  const dir = a.actor('director');
  await withTenant(srv.odb.db, a.coop.id, async (tx) => {
    const id = await createCourse(tx, dir, {
      title: 'Facturer dans une CAE',
      durationMinutes: 90,
      visibility: 'network',
    });
    const s = await addSection(tx, dir, id, { title: 'Les bases' });
    await addLesson(tx, dir, id, {
      sectionId: s,
      title: 'Qui facture ?',
      body: 'C’est **la coopérative** qui facture.',
    });
    await addLesson(tx, dir, id, {
      sectionId: s,
      title: 'Les mentions obligatoires',
      body: '- numéro\n- date\n- échéance',
    });
    const quiz = await addQuiz(tx, dir, id, { title: 'Vérifier ses acquis', passPercent: 70, maxAttempts: 3 });
    await addQuestion(tx, dir, id, quiz, {
      kind: 'single',
      prompt: 'Qui émet la facture ?',
      choices: '*La coopérative | Oui.\nL’entrepreneur·e | Non.',
    });
    await addQuestion(tx, dir, id, quiz, {
      kind: 'numeric',
      prompt: '1 000 € HT à 20 % : TTC ?',
      numericValue: '1200',
    });
    await setPublished(tx, dir, id, true);
  });
  // A virtual class of b (a session of the journeys workshops, its place a video link), held this morning.
  const sup = b.actor('support');
  sessionId = await withTenant(srv.odb.db, b.coop.id, async (tx) => {
    const theme = await createTheme(tx, sup, { name: 'Classe virtuelle : lire son compte' });
    const id = await createSession(tx, sup, {
      themeId: theme,
      date: addDays(todayParis(), 1),
      start: '09:00',
      end: '11:00',
      place: 'https://visio.example.org/classe',
      capacity: 10,
    });
    await registerForWorkshop(tx, b.actor('entrepreneur'), id);
    await registerForWorkshop(tx, b.actor('cape'), id);
    return id;
  });
  const end = new Date(Date.now() - 3600_000);
  await sql`update workshop_session set starts_at = ${end}::timestamptz - interval '2 hours', ends_at = ${end}
    where id = ${sessionId}`.execute(coreDb(srv.odb.db));
  browser = await launchBrowser();
});
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${srv.url}/`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.waitForURL(`${srv.url}/`);
}

test('a learner of another cooperative follows the lessons, passes the quiz and downloads the certificate; a trainer marks a virtual class in one form', {
  skip,
}, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await signIn(page, b.users.entrepreneur.email);
  await page.goto(`${srv.url}/formations`);
  await page.getByRole('link', { name: 'Facturer dans une CAE' }).click();
  await page.getByRole('button', { name: 'M’inscrire à cette formation' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('h1').innerText(), /Qui facture/);
  assert.match(await page.locator('article.lesson').innerHTML(), /<strong>la coopérative<\/strong>/);
  // Reading is counted by the lesson's button (a POST), which leads on.
  await page.getByRole('button', { name: 'J’ai lu cette leçon →' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('h1').innerText(), /mentions obligatoires/);
  await page.getByRole('button', { name: 'J’ai lu cette leçon →' }).click();
  await page.waitForLoadState();
  assert.match(await page.content(), /2 leçon\(s\) sur 2/);
  await page.getByRole('link', { name: 'Vérifier ses acquis' }).click();
  await page.getByRole('button', { name: 'Commencer le quiz' }).click();
  await page.waitForURL(/\/tentatives\//);
  await page.getByLabel('La coopérative').check();
  await page.getByLabel('Votre réponse (un nombre)').fill('1 200');
  await page.screenshot({ path: `${OUTPUT}/learning-quiz.png`, fullPage: true });
  await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await page.waitForLoadState();
  assert.match(await page.content(), /Quiz réussi/);
  assert.match(await page.content(), /soit 100 %/);
  await page.getByRole('link', { name: 'Télécharger mon attestation' }).click();
  await page.waitForURL(/\/formations\/certificats$/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger (PDF)' }).click(),
  ]);
  const file = `${OUTPUT}/learning-certificate.pdf`;
  await download.saveAs(file);
  assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.match(text, /Facturer dans une CAE/);
  assert.match(text, new RegExp(`Entrepreneur ${b.coop.slug}`));
  const code = /Code de vérification : ([A-Z0-9-]{14})/.exec(text)?.[1];
  assert.ok(code);
  // Anyone checks the code on the public page.
  const pub = await browser.newPage();
  await pub.goto(`${srv.url}/certificats/verifier`);
  await pub.getByLabel('Code de vérification').fill(code!);
  await pub.getByRole('button', { name: 'Vérifier' }).click();
  await pub.waitForLoadState();
  assert.match(await pub.content(), /Attestation valide/);
  await pub.close();
  await page.close();

  // The trainer marks the virtual class's attendance in one form; the hours page adds both kinds.
  const trainer = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(trainer, b.users.support.email);
  await trainer.goto(`${srv.url}/ateliers/${sessionId}`);
  await trainer.getByLabel(`Cape ${b.coop.slug}`).uncheck();
  await trainer.getByRole('button', { name: 'Enregistrer les présences' }).click();
  await trainer.waitForLoadState();
  assert.match(await trainer.locator('.flash').innerText(), /1 présent·es, 1 absent·es/);
  await trainer.goto(`${srv.url}/formations/heures`);
  const row = trainer.locator('tr', { hasText: `Entrepreneur ${b.coop.slug}` });
  assert.deepEqual((await row.locator('td').allInnerTexts()).slice(1), ['2,00', '1,50', '3,50']);
  await trainer.screenshot({ path: `${OUTPUT}/learning-hours.png`, fullPage: true });
  await trainer.close();
});

type AxeViolation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

test('the learning pages have no serious or critical accessibility violation (axe-core)', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, a.users.director.email);
  await page.goto(`${srv.url}/formations`);
  const courseHref = await page.getByRole('link', { name: 'Facturer dans une CAE' }).getAttribute('href');
  const problems: string[] = [];
  const pages: [Page, string][] = [];
  for (const path of [
    '/formations',
    courseHref!,
    `${courseHref}/modifier`,
    `${courseHref}/resultats`,
    '/formations/certificats',
    '/formations/heures',
    '/formations/groupes',
    '/formations/nouvelle',
    '/certificats/verifier?code=AAAA-BBBB-CCCC',
  ])
    pages.push([page, path]);
  // The network's training report, for network staff, on a phone.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  const onPhone = await phone.newPage();
  await signIn(onPhone, a.users.network_admin.email);
  pages.push([onPhone, '/formations/reseau']);
  for (const [page, path] of pages) {
    await page.goto(`${srv.url}${path}`);
    await page.addScriptTag({ path: AXE });
    const v = await page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run(d: Document, o: object): Promise<{ violations: AxeViolation[] }> } }
      ).axe;
      return (
        await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        })
      ).violations;
    });
    for (const x of v.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
      problems.push(
        `${path}: [${x.impact}] ${x.id} — ${x.help} ${x.nodes
          .slice(0, 2)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
      );
  }
  await onPhone.screenshot({ path: `${OUTPUT}/learning-network-report-phone.png`, fullPage: true });
  await context.close();
  await phone.close();
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
});
