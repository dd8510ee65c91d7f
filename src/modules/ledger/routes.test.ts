import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { emit } from '../../core/events.ts';

import { SALES_EVENTS } from '../sales/index.ts';
import { writeFec } from './fec.ts';
import { invoicePayload, paymentPayload } from './test-helpers.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  const inv = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-02-10',
    shares: [['services', 100000, 2000]],
  });
  await withTenant(t.odb.db, A.coop.id, async (trx) => {
    await emit(trx, A.actor('support'), SALES_EVENTS.invoiceValidated, inv);
    await emit(trx, A.actor('support'), SALES_EVENTS.paymentRecorded, paymentPayload(inv, 60000, '2026-03-01'));
  });
});
after(async () => {
  await t.odb.close();
});
const count = async () =>
  Number((await sql<{ n: number }>`select count(*)::int as n from journal_entry`.execute(t.odb.db)).rows[0].n);

test('the accountant sees the entries and the trial balance; a manual entry with errors writes nothing', async () => {
  const c = new TestClient(t.app);
  await c.signIn(A.users.accountant.email, TEST_PASSWORD);
  const list = await c.get('/comptabilite');
  assert.equal(list.res.status, 200);
  assert.match(list.html, /Facture 2026-/);
  const tb = await c.get('/comptabilite/balance?annee=2026');
  assert.match(tb.html, /44574/);
  const n = await count();
  const bad = await c.post('/comptabilite/saisie', {
    journal: 'OD',
    date: '2026-04-02',
    label: 'Frais',
    pieceRef: 'P1',
    account_0: '627',
    debit_0: '10,00',
    account_1: '512',
    credit_1: '9,00',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Écriture déséquilibrée : débit 10,00\u00a0€, crédit 9,00\u00a0€\./);
  const bad2 = await c.post('/comptabilite/saisie', {
    journal: 'OD',
    date: '2026-04-02',
    label: 'Frais',
    pieceRef: 'P1',
    account_0: 'abc',
    debit_0: '10,00',
    account_1: '512',
    credit_1: 'dix',
  });
  assert.equal(bad2.res.status, 400);
  assert.match(bad2.html, /id="f-account_0-error"[^>]*>Numéro de compte invalide/);
  assert.match(bad2.html, /id="f-credit_1-error"[^>]*>Montant invalide/);
  assert.equal(await count(), n);
  const ok = await c.post('/comptabilite/saisie', {
    journal: 'OD',
    date: '2026-04-02',
    label: 'Frais',
    pieceRef: 'P1',
    account_0: '627',
    debit_0: '10,00',
    account_1: '512',
    credit_1: '10,00',
  });
  assert.equal(ok.res.status, 302);
  assert.equal(await count(), n + 1);
  const fec = await c.get('/comptabilite/fec?annee=2026');
  assert.match(fec.res.headers.get('content-disposition') ?? '', new RegExp(`${A.coop.siren}FEC20261231\\.txt`));
  assert.ok(fec.html.startsWith('JournalCode\tJournalLib\tEcritureNum'));
  // The streamed download is the file `radieuse export fec` writes, byte for byte.
  const dir = mkdtempSync(join(tmpdir(), 'radieuse-fec-route-'));
  try {
    const written = await withTenant(t.odb.db, A.coop.id, (trx) => writeFec(trx, A.actor('accountant'), 2026, dir));
    assert.ok(written.lines >= 4);
    assert.equal(fec.html, readFileSync(written.path, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('closing a period from the form, and the entrepreneur cannot reach accounting', async () => {
  const c = new TestClient(t.app);
  await c.signIn(A.users.accountant.email, TEST_PASSWORD);
  const r = await c.post('/comptabilite/periodes', { month: '2026-01' });
  assert.equal(r.res.status, 302);
  const again = await c.post('/comptabilite/periodes', { month: '2026-01' });
  assert.equal(again.res.status, 400);
  assert.match(again.html, /déjà clôturée/);
  const e = new TestClient(t.app);
  await e.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await e.get('/comptabilite')).res.status, 403);
});

test("the entrepreneur's activity account speaks plain French and draws the months", async () => {
  const e = new TestClient(t.app);
  await e.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const r = await e.get('/compte-activite?annee=2026');
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Argent disponible pour votre salaire/);
  assert.match(r.html, /<svg class="chart"/);
  assert.match(r.html, /500,00\u00a0€/, 'collected excl. VAT: 600,00 incl. VAT − 100,00 VAT');
});

test('entry, account and direction pages read through the services; support and entrepreneurs get no books', async () => {
  const c = new TestClient(t.app);
  await c.signIn(A.users.accountant.email, TEST_PASSWORD);
  const list = await c.get('/comptabilite?journal=BQ&mois=2026-03');
  assert.equal(list.res.status, 200);
  const href = /href="(\/comptabilite\/ecritures\/[0-9a-f-]{36})"/.exec(list.html)?.[1];
  assert.ok(href, 'the March bank entry is listed');
  assert.doesNotMatch(list.html, /Facture 2026-/, 'filtered on the bank journal');
  const entry = await c.get(href!);
  assert.equal(entry.res.status, 200);
  assert.match(entry.html, /411/);
  assert.equal((await c.get('/comptabilite/ecritures/not-a-uuid')).res.status, 404);
  const account = await c.get('/comptabilite/comptes/411?annee=2026');
  assert.equal(account.res.status, 200);
  assert.match(account.html, /solde 600,00\u00a0€/, '1 200,00 invoiced incl. VAT, 600,00 paid');
  assert.equal((await c.get('/comptabilite/comptes/999999?annee=2026')).res.status, 404);
  const director = new TestClient(t.app);
  await director.signIn(A.users.director.email, TEST_PASSWORD);
  const dir = await director.get('/direction');
  assert.equal(dir.res.status, 200);
  assert.match(dir.html, /Pilotage/);
  for (const role of ['support', 'entrepreneur'] as const) {
    const u = new TestClient(t.app);
    await u.signIn(A.users[role].email, TEST_PASSWORD);
    assert.equal((await u.get(href!)).res.status, 403, role);
    assert.equal((await u.get('/comptabilite/comptes/411?annee=2026')).res.status, 403, role);
  }
});
