// The e-invoicing pages over HTTP: the direction configures the platform (an internal address is
// refused by the field), the invoice page shows the life cycle in French with the platform's
// reason, the overview and the e-reporting CSV answer, junk and foreign ids get 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { settleLocalJobs } from '../../core/jobs.ts';
import { createCustomer, createDraft, submitInvoice, validateInvoice } from '../sales/index.ts';
import { pullStatuses, sendDue } from './transmission.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let config: Awaited<ReturnType<typeof createTestApp>>['config'];
let a: TestCoop;
let b: TestCoop;

before(async () => {
  ({ odb, app, config } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

async function as(k: TestCoop, role: keyof TestCoop['users']) {
  const client = new TestClient(app);
  await client.signIn(k.users[role].email, TEST_PASSWORD);
  return client;
}

test('platform settings, the invoice page’s life cycle, the overview and the e-reporting CSV', async () => {
  const dir = await as(a, 'director');
  let r = await dir.post('/facturation-electronique/plateforme', {
    name: 'PA',
    adapter: 'http',
    format: 'facturx',
    baseUrl: 'http://127.0.0.1:9/api',
    token: 'x',
  });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /https:\/\//);
  const root = mkdtempSync(join(tmpdir(), 'pa-routes-'));
  r = await dir.post('/facturation-electronique/plateforme', {
    name: 'PA fichiers',
    adapter: 'folder',
    format: 'cii',
    folder: root,
    enabled: 'on',
  });
  assert.equal(r.res.status, 303);
  // An entrepreneur may not configure it.
  const es = await as(a, 'entrepreneur');
  assert.equal((await es.get('/facturation-electronique/plateforme')).res.status, 404);

  const inv = await withTenant(odb.db, a.coop.id, async (tx) => {
    const c = await createCustomer(tx, a.actor('support'), {
      kind: 'company',
      name: 'Client pages',
      siren: makeSiren('61888888'),
      addressLine1: '1 rue A',
      postalCode: '69001',
      city: 'Lyon',
    });
    const d = await createDraft(tx, a.actor('support'), {
      activityId: a.activityId,
      customerId: c.id,
      lines: [
        {
          description: 'P',
          quantityMilli: 1000,
          unitPriceCents: 1000,
          vatCategory: 'S',
          vatRateBp: 2000,
          nature: 'services',
        },
      ],
    });
    await submitInvoice(tx, a.actor('support'), d.id);
    return validateInvoice(tx, a.actor('support'), d.id);
  });
  let page = (await es.get(`/factures/${inv.id}`)).html;
  assert.match(page, /À transmettre à la plateforme/);
  const env = { fileKey: config.fileKey, allowPrivateTargets: false };
  // Validation asked for the send job too (served in this process by the test app): whichever
  // runs first sends it, once.
  await settleLocalJobs();
  await sendDue(odb, env);
  assert.equal(readdirSync(join(root, 'outbox')).filter((f) => f.endsWith('.xml')).length, 1);
  const ref = readdirSync(join(root, 'outbox'))
    .find((f) => f.endsWith('.xml'))!
    .replace(/\.xml$/, '');
  mkdirSync(join(root, 'inbox', 'statuses'), { recursive: true });
  writeFileSync(
    join(root, 'inbox', 'statuses', 's.json'),
    JSON.stringify([
      { platformRef: ref, status: '203', occurredAt: new Date(Date.now() + 1000).toISOString() },
      {
        platformRef: ref,
        status: '210',
        occurredAt: new Date(Date.now() + 2000).toISOString(),
        reason: 'Montant erroné <b>',
      },
    ]),
  );
  await pullStatuses(odb, env);
  page = (await es.get(`/factures/${inv.id}`)).html;
  for (const label of ['Cycle de vie', 'Déposée', 'Mise à disposition', 'Refusée', 'Montant erroné &lt;b&gt;'])
    assert.ok(page.includes(label), label);
  const home = (await es.get('/')).html;
  assert.match(home, /est refusée par le client/);

  const acc = await as(a, 'accountant');
  const overview = (await acc.get('/facturation-electronique')).html;
  assert.ok(overview.includes(inv.number!));
  assert.match(overview, /Factures fournisseurs reçues/);
  const csv = await acc.bytes('/facturation-electronique/e-reporting.csv?du=2026-01-01&au=2026-12-31');
  assert.equal(csv.res.status, 200);
  assert.match(Buffer.from(csv.body).toString(), /^type;categorie;taux_tva/);
  const xml = await acc.bytes('/facturation-electronique/e-reporting.xml?du=2026-01-01&au=2026-12-31');
  assert.equal(xml.res.status, 200);
  assert.match(xml.res.headers.get('content-type') ?? '', /application\/xml/);
  assert.match(
    xml.res.headers.get('content-disposition') ?? '',
    /attachment; filename="e-reporting-flux10-2026-01-01-2026-12-31.xml"/,
  );
  assert.match(
    Buffer.from(xml.body).toString(),
    /^<\?xml[\s\S]*<TransactionsReport>[\s\S]*<StartDate>20260101<\/StartDate>/,
  );
  assert.notEqual(
    (await es.bytes('/facturation-electronique/e-reporting.xml?du=2026-01-01&au=2026-12-31')).res.status,
    200,
  );
  assert.equal((await acc.get('/facturation-electronique/e-reporting?du=2026-13-01&au=x')).res.status, 400);
  // Only a sale to a company so far: both e-reporting tables say they are empty.
  const report = await acc.get('/facturation-electronique/e-reporting?du=2026-01-01&au=2026-12-31');
  assert.equal(report.res.status, 200);
  for (const text of ['Aucune vente B2C ou internationale sur la période.', 'Aucun encaissement de prestation'])
    assert.ok(report.html.includes(text), text);

  // Junk and foreign ids: 404, never 500.
  assert.equal((await acc.post('/facturation-electronique/transmissions/pas-un-id/relancer', {})).res.status, 404);
  const accB = await as(b, 'accountant');
  assert.equal((await accB.post(`/facturation-electronique/transmissions/${inv.id}/relancer`, {})).res.status, 404);
  assert.equal(
    (await accB.post(`/facturation-electronique/recues/${inv.id}/affecter`, { activityId: b.activityId })).res.status,
    404,
  );
});
