import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createTestApp, TestClient } from '../../app/testing-web.ts';

import type { OpenDb } from '../../core/db/index.ts';
import { todayParis } from '../../core/dates.ts';
import { writeCamt053 } from './camt-writer.ts';
import { bankDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let A: TestCoop;
before(async () => {
  const t = await createTestApp();
  odb = t.odb;
  app = t.app;
  [A] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb?.close();
});

async function upload(client: TestClient, file: Buffer, name: string, accountId: string) {
  const fd = new FormData();
  fd.append('_csrf', client.csrf);
  fd.append('accountId', accountId);
  fd.append('file', new File([new Uint8Array(file)], name));
  const res = await app.request('http://localhost/banque/import', {
    method: 'POST',
    body: fd,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { res, html: await res.text() };
}

test('/banque: staff only; import, "à justifier" list, errors with lines, nothing imported on a bad file', async () => {
  const ent = new TestClient(app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await ent.get('/banque')).res.status, 403);

  const acc = new TestClient(app);
  await acc.signIn(A.users.accountant.email, TEST_PASSWORD);
  const page = await acc.get('/banque');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Importer un relevé/);
  assert.match(page.html, /Compte principal/);
  const accountId = /name="accountId"[^>]*>\s*<option value="([^"]+)"/.exec(page.html)?.[1];
  assert.ok(accountId, 'the main account is offered');

  const bad = await upload(
    acc,
    readFileSync(new URL('./testdata/camt053-malformed.xml', import.meta.url)),
    'bad.xml',
    accountId!,
  );
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /rien n&#39;a été importé|rien n'a été importé/);
  assert.match(bad.html, /montant invalide « 12,50 »/);
  const n0 = await bankDb(odb.db)
    .selectFrom('bank_transaction')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(n0.n), 0);

  const today = todayParis();
  const file = Buffer.from(
    writeCamt053({
      messageId: 'R1',
      iban: A.coop.iban!,
      createdAt: `${today}T08:00:00`,
      entries: [{ amountCents: -990, bookingDate: today, label: 'FRAIS TENUE DE COMPTE', bankRef: 'W1' }],
    }),
  );
  const ok = await upload(acc, file, 'releve.xml', accountId!);
  assert.equal(ok.res.status, 200);
  assert.match(ok.html, /1 importée\(s\), 0 déjà présente\(s\)/);
  assert.match(ok.html, /FRAIS TENUE DE COMPTE/);
  const again = await upload(acc, file, 'releve.xml', accountId!);
  assert.match(again.html, /0 importée\(s\), 1 déjà présente\(s\)/);

  const txId = /action="\/banque\/lignes\/([^/]+)\/sans-piece"/.exec(ok.html)?.[1];
  assert.ok(txId);
  const r = await acc.post(`/banque/lignes/${txId}/sans-piece`, {});
  assert.equal(r.res.status, 303);
  assert.match((await acc.get('/banque')).html, /Rien à justifier/);

  const badAccount = await acc.post('/banque/comptes', { label: 'Livret', iban: 'FR7630004000310000001234568' });
  assert.equal(badAccount.res.status, 400);
  assert.match(badAccount.html, /IBAN invalide/);
});

test('/banque: a fee line offers "Frais bancaires" in one click (staff only), then shows in the matched list', async () => {
  const acc = new TestClient(app);
  await acc.signIn(A.users.accountant.email, TEST_PASSWORD);
  const page = await acc.get('/banque');
  const accountId = /name="accountId"[^>]*>\s*<option value="([^"]+)"/.exec(page.html)?.[1];
  const today = todayParis();
  const file = Buffer.from(
    writeCamt053({
      messageId: 'R2',
      iban: A.coop.iban!,
      createdAt: `${today}T08:00:00`,
      entries: [
        { amountCents: -1_250, bookingDate: today, label: 'OPERATION 5521', bankRef: 'W2', bankCode: 'ACMT-MDOP-CHRG' },
      ],
    }),
  );
  const ok = await upload(acc, file, 'releve2.xml', accountId!);
  assert.equal(ok.res.status, 200);
  const txId =
    /action="\/banque\/lignes\/([^/]+)\/compte"[^>]*>\s*<input[^>]*>\s*<input type="hidden" name="kind" value="fees"/.exec(
      ok.html,
    )?.[1];
  assert.ok(txId, 'the one-click "Frais bancaires" button is offered');
  assert.match(ok.html, />Frais bancaires<\/button> <span class="muted">compte 627/);

  const ent = new TestClient(app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await ent.post(`/banque/lignes/${txId}/compte`, { kind: 'fees' })).res.status, 403);

  const r = await acc.post(`/banque/lignes/${txId}/compte`, { kind: 'fees' });
  assert.equal(r.res.status, 303);
  const after = await acc.get('/banque');
  assert.match(after.html, /Ligne passée en comptabilité au compte 627/);
  assert.match(after.html, /<td data-label="Document">Compte 627 — Services bancaires<\/td>/);
  const again = await acc.post(`/banque/lignes/${txId}/compte`, { kind: 'fees' });
  assert.equal(again.res.status, 303);
  assert.match((await acc.get('/banque')).html, /déjà justifiée/);
});
