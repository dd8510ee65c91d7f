// Script and HTML injection, in a real browser: every text of a cooperative (names, labels,
// descriptions, notes, subjects, comments…) is replaced by payloads, then every page the app
// registers is opened as the people who see those texts. A payload must stay text: no element it
// carries may appear in the page, nothing may run, and no script may even be attempted (the
// CSP would block it, so a violation report is counted as an injection too).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/app/demo.ts';
import { appRoutes, discoverKinds, fill, idsByTable, params } from '../src/app/testing-attack.ts';
import { TestClient } from '../src/app/testing-web.ts';
import { coreDb } from '../src/core/db/handles.ts';
import { toolSkip } from '../src/core/testing-tools.ts';
import { CHROMIUM, launchBrowser, startTestServer } from './browser.ts';

const skip = toolSkip(CHROMIUM, 'chromium');
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1" data-zqxs>',
  '"><script data-zqxs>window.__xss=1</script>',
  "'><svg data-zqxs onload=window.__xss=1>",
  '<a data-zqxs href="javascript:window.__xss=1">lien</a>',
  '<div data-zqxs hx-get="/deconnexion" hx-trigger="load">x</div>',
];
const TEXT_COLUMNS = [
  'name',
  'label',
  'description',
  'subject',
  'body',
  'display_name',
  'comment',
  'notes',
  'title',
  'reason',
];

let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let coopId: string;
before(async () => {
  if (skip) return;
  srv = await startTestServer({ demo: true });
  browser = await launchBrowser();
  const db = coreDb(srv.odb.db);
  coopId = (await sql<{ id: string }>`select id from cooperative where slug = 'canopee'`.execute(db)).rows[0].id;
  const cols = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.columns t on t.table_name = c.table_name and t.table_schema = c.table_schema and t.column_name = 'cooperative_id'
    where c.table_schema = 'public' and c.data_type = 'text' and c.column_name in (${sql.join(TEXT_COLUMNS)})`.execute(
    db,
  );
  await db.transaction().execute(async (trx) => {
    // Replica mode: frozen rows (validated entries) take the payloads too.
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const [i, c] of cols.rows.entries()) {
      const payload = PAYLOADS[i % PAYLOADS.length];
      await sql`update ${sql.table(c.table_name)} set ${sql.ref(c.column_name)} = ${sql.ref(c.column_name)} || ${payload}
        where cooperative_id = ${coopId} and ${sql.ref(c.column_name)} is not null`.execute(trx);
    }
    await sql`update user_account u set display_name = display_name || ${PAYLOADS[0]}
      where exists (select 1 from membership m where m.user_id = u.id and m.cooperative_id = ${coopId})
        and not exists (select 1 from membership m where m.user_id = u.id and m.cooperative_id <> ${coopId})`.execute(
      trx,
    );
  });
});
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
});

test('payloads in every text of a cooperative stay text on every page, for staff and for the entrepreneur', {
  skip,
}, async () => {
  const ids = await idsByTable(srv.odb, coopId, 1);
  const routes = appRoutes(srv.app).filter(
    (r) => r.method === 'GET' && !/^\/(public|static|health|bienvenue)/.test(r.path),
  );
  // Which ids each page takes, found in-process first (a browser visit per table would be slow).
  const director = new TestClient(srv.app);
  await director.signIn('director@canopee.demo', DEMO_PASSWORD);
  const kinds = await discoverKinds(director, routes, ids);
  const findings: string[] = [];
  let pages = 0;
  for (const email of ['director@canopee.demo', 'support@canopee.demo', 'entrepreneur@canopee.demo']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page.on('dialog', (d) => {
      findings.push(`${email}: dialog « ${d.message()} » on ${page.url()}`);
      void d.dismiss();
    });
    await page.goto(`${srv.url}/connexion`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', DEMO_PASSWORD);
    await page.click('form[action="/connexion"] button[type=submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
    for (const r of routes) {
      const urls = params(r.path).length
        ? (kinds.get(r.path) ?? []).map((t) => fill(r.path, ids.get(t)![0]))
        : [r.path];
      for (const url of urls) {
        const res = await page.goto(`${srv.url}${url}`, { waitUntil: 'load' }).catch(() => null);
        if (res?.status() !== 200) continue;
        pages++;
        // XML documents (sitemap) are shown by the browser's own viewer, which styles them inline
        // (a CSP report that is not ours): there the payload must only be escaped in the text.
        if (!/^text\/html/.test(res.headers()['content-type'] ?? '')) {
          if (/<[a-z][^>]*data-zqxs/i.test(await res.text()))
            findings.push(`${email} ${url}: balise injectée dans un document non HTML`);
          continue;
        }
        const found = await page.evaluate(() => ({
          elements: document.querySelectorAll('[data-zqxs]').length,
          ran: (window as unknown as { __xss?: number }).__xss === 1,
          csp: (window as unknown as { __csp?: string[] }).__csp ?? [],
        }));
        if (found.elements || found.ran || found.csp.length)
          findings.push(
            `${email} ${url}: ${found.elements} élément(s) injecté(s), exécuté : ${found.ran}, CSP : ${found.csp.join(', ')}`,
          );
      }
    }
    await context.close();
  }
  assert.deepEqual(findings, [], `${findings.length} injection(s) sur ${pages} pages`);
  assert.ok(pages > 50, `only ${pages} pages were opened`);
  console.log(
    `# XSS: ${PAYLOADS.length} payloads in every text column, ${pages} pages opened in Chromium, nothing injected`,
  );
});
