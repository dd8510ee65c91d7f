// The import page: accountant and direction only; "Vérifier" writes nothing and lists the
// problems with their lines; "Importer" posts the entries; htmx gets the result panel alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { ledgerDb } from './db.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
});
after(async () => {
  await t.odb.close();
});

const imported = async () =>
  Number(
    (
      await withTenant(t.odb.db, A.coop.id, (trx) =>
        ledgerDb(trx)
          .selectFrom('journal_entry')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('source_type', '=', 'import')
          .executeTakeFirstOrThrow(),
      )
    ).n,
  );

async function upload(client: TestClient, csv: string, fields: Record<string, string>, htmx = false) {
  const fd = new FormData();
  fd.append('_csrf', client.csrf);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new File([Buffer.from(csv)], 'grand-livre.csv'));
  const res = await t.app.request('http://localhost/comptabilite/import', {
    method: 'POST',
    body: fd,
    headers: {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      ...(htmx ? { 'HX-Request': 'true' } : {}),
    },
  });
  return { res, html: await res.text() };
}

test('/comptabilite/import: check, problems with lines, then import; others refused', async () => {
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await ent.get('/comptabilite/import')).res.status, 403);
  const ento = await upload(ent, 'x', { mode: 'importer' });
  assert.equal(ento.res.status, 403);

  const acc = new TestClient(t.app);
  await acc.signIn(A.users.accountant.email, TEST_PASSWORD);
  const page = await acc.get('/comptabilite/import');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Importer des écritures/);
  assert.match(page.html, /aria-current="page">Import</);

  const head = 'Date;Journal;Compte;Libellé;Débit;Crédit;Code analytique';
  const bad = [head, `03/03/2025;BQ;627;Frais;10,00;;XYZ`, '03/03/2025;BQ;512;Frais;;9,00;'].join('\n');
  const r1 = await upload(acc, bad, { mode: 'importer' });
  assert.equal(r1.res.status, 400);
  assert.match(r1.html, /Fichier refusé : rien n&#39;a été importé|Fichier refusé : rien n'a été importé/);
  assert.match(r1.html, /grand-livre\.csv<\/td>\s*<td[^>]*>2<\/td>\s*<td[^>]*>Code analytique « XYZ » inconnu/);
  assert.match(r1.html, /n(&#39;|')est pas équilibrée/);
  assert.equal(await imported(), 0);

  const good = [head, `03/03/2025;BQ;627;Frais;10,00;;${A.analyticCode}`, '03/03/2025;BQ;512;Frais;;10,00;'].join('\n');
  const check = await upload(acc, good, { mode: 'verifier' }, true);
  assert.equal(check.res.status, 200);
  assert.doesNotMatch(check.html, /<html/, 'htmx gets the result panel alone');
  assert.match(check.html, /id="import-result"/);
  assert.match(check.html, /1 écriture\(s\) seraient importées/);
  assert.equal(await imported(), 0);

  const done = await upload(acc, good, { mode: 'importer' });
  assert.equal(done.res.status, 200);
  assert.match(done.html, /1 écriture\(s\) importée\(s\)/);
  assert.equal(await imported(), 1);
  const entry = await withTenant(t.odb.db, A.coop.id, (trx) =>
    ledgerDb(trx)
      .selectFrom('journal_entry')
      .select('id')
      .where('source_type', '=', 'import')
      .executeTakeFirstOrThrow(),
  );
  const shown = await acc.get(`/comptabilite/ecritures/${entry.id}`);
  assert.match(shown.html, /Écriture importée d(&#39;|')un logiciel comptable \(origine : csv:[0-9a-f]{32}:1\)/);
  const again = await upload(acc, good, { mode: 'importer' });
  assert.match(again.html, /0 écriture\(s\) importée\(s\)\. 1 écriture\(s\) déjà importée\(s\)/);
  assert.equal(await imported(), 1);

  const dir = new TestClient(t.app);
  await dir.signIn(A.users.director.email, TEST_PASSWORD);
  assert.equal((await dir.get('/comptabilite/import')).res.status, 200);
  const empty = await upload(dir, '', { mode: 'importer' });
  assert.equal(empty.res.status, 400);
  assert.match(empty.html, /Choisissez le fichier des écritures/);
});
