// The page /import/endi through HTTP, as a browser without JavaScript sends it: upload of the
// exports (typed by content, size-limited), the columns proposed then chosen, a mapping saved and
// proposed again at the next upload, the preview, the check listing every problem with its file
// and line, the import, and a second import that adds nothing. Only the direction and the
// accountant get in; another cooperative never sees this one's mappings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { coreDb } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { listInvoices } from '../sales/index.ts';
import { purgeStaleEndiUploads } from './endi-web.service.ts';
import { FIXES, fixtureFiles } from './testing-endi.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
let B: TestCoop;
before(async () => {
  t = await createTestApp();
  [A, B] = await seedTestCooperatives(t.odb);
});
after(async () => {
  await t.odb.close();
});

async function signedIn(coop: TestCoop, role: keyof TestCoop['users']) {
  const client = new TestClient(t.app);
  await client.signIn(coop.users[role].email, TEST_PASSWORD);
  return client;
}

async function upload(client: TestClient, files: { name: string; content: Buffer }[]) {
  const fd = new FormData();
  fd.append('_csrf', client.csrf);
  for (const f of files) fd.append('fichiers', new File([new Uint8Array(f.content)], f.name));
  const res = await t.app.request('http://localhost/import/endi/fichiers', {
    method: 'POST',
    body: fd,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { res, html: await res.text() };
}

/** The column selects of the page as a form would send them back (the selected option of each). */
function mappingOf(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<select id="[^"]+" name="(col\.[^"]+)">([\s\S]*?)<\/select>/g))
    out[m[1]] = /<option value="([^"]*)" selected/.exec(m[2])?.[1] ?? '';
  return out;
}

/** How many copies of the fixture's PDF A stores (uploaded, or kept as an imported original). */
const storedPdfs = async () =>
  (
    await withTenant(t.odb.db, A.coop.id, (tx) =>
      coreDb(tx)
        .selectFrom('stored_file')
        .select('id')
        .where('cooperative_id', '=', A.coop.id)
        .where('name', '=', '2025-00001.pdf')
        .execute(),
    )
  ).length;

const invoices = async () =>
  (await withTenant(t.odb.db, A.coop.id, (tx) => listInvoices(tx, A.actor('director')))).total;

/** The fixture with the payments' id column renamed: no known enDI header, to be mapped by hand. */
const renamed = (files: { name: string; content: Buffer }[]) =>
  files.map((f) =>
    f.name === 'paiements.csv'
      ? { ...f, content: Buffer.from(f.content.toString('utf8').replace(/^Identifiant;/, 'Réf. paiement;')) }
      : f,
  );

test('entrepreneur and support are refused the page and its posts', async () => {
  for (const role of ['entrepreneur', 'support'] as const) {
    const c = await signedIn(A, role);
    assert.equal((await c.get('/import/endi')).res.status, 403, role);
    assert.equal((await upload(c, fixtureFiles())).res.status, 403, role);
    assert.equal((await c.post('/import/endi', { mode: 'importer' })).res.status, 403, role);
  }
});

test('a file of the wrong type or too big is refused with a French message, nothing kept', async () => {
  const acc = await signedIn(A, 'accountant');
  const png = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001',
    'hex',
  );
  const r1 = await upload(acc, [{ name: 'clients.csv', content: png }]);
  assert.equal(r1.res.status, 400);
  assert.match(
    r1.html,
    /id="f-fichiers-error" role="alert">« clients\.csv » n(&#39;|')est ni un CSV, ni un classeur XLSX, ni un PDF/,
  );
  const big = Buffer.alloc(11 * 1024 * 1024, 'a;b\n');
  const r2 = await upload(acc, [{ name: 'clients.csv', content: big }]);
  assert.equal(r2.res.status, 400);
  assert.match(r2.html, /« clients\.csv » est trop volumineux : 10 Mo au plus par fichier/);
  const page = await acc.get('/import/endi');
  assert.doesNotMatch(page.html, /Correspondance des colonnes/, 'no upload kept');
});

test('upload, mapping chosen and saved, preview, check with file and line, import, re-run adds nothing', async () => {
  const dir = await signedIn(A, 'director');
  assert.match((await dir.get('/import/endi')).html, /Importer depuis enDI/);

  // The export with errors, whose payments' id column has a header enDI never writes.
  const up = await upload(dir, renamed(fixtureFiles()));
  assert.equal(up.res.status, 303);
  let page = await dir.get('/import/endi');
  assert.match(page.html, /<label for="col-invoices-number">Numéro \(obligatoire\)<\/label>/);
  let mapping = mappingOf(page.html);
  assert.equal(mapping['col.invoices.number'], 'numero de facture', 'known enDI headers are pre-selected');
  assert.equal(mapping['col.payments.id'], '', 'an unknown header is left to choose');
  assert.match(page.html, /<option value="ref paiement">Réf\. paiement<\/option>/);

  // Checked as is: the unmapped column and every error of the export, each with its file and line.
  let r = await dir.post('/import/endi', { ...mapping, mode: 'verifier' });
  assert.equal(r.res.status, 400);
  assert.match(
    r.html,
    /paiements\.csv<\/td>\s*<td[^>]*>1<\/td>\s*<td[^>]*>colonne non associée : « Identifiant enDI » est obligatoire/,
  );
  assert.match(r.html, /clients\.csv<\/td>\s*<td[^>]*>4<\/td>\s*<td[^>]*>[^<]*SIRE[NT] invalide/);
  assert.match(r.html, /factures\.csv<\/td>\s*<td[^>]*>5<\/td>\s*<td[^>]*>date invalide : « 31\/02\/2025 »/);
  assert.match(r.html, /utilisateurs\.csv<\/td>\s*<td[^>]*>3<\/td>/);

  // The column chosen by hand, previewed, and saved under a name.
  mapping = { ...mapping, 'col.payments.id': 'ref paiement' };
  r = await dir.post('/import/endi', { ...mapping, mode: 'apercu' });
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Aperçu des premières lignes/);
  // The hand-chosen column feeds the payments' id: their first row, line 2, is payment 9001.
  assert.match(
    r.html,
    /<td data-label="Ligne" class="num">2<\/td>\s*<td data-label="Identifiant enDI">9001<\/td>\s*<td data-label="Facture \(numéro ou identifiant\)">FA-2024-017<\/td>/,
  );
  assert.match(r.html, /<td data-label="Nom de l(&#39;|')entreprise">Menuiserie Dupuis SARL<\/td>/);
  r = await dir.post('/import/endi', { ...mapping, mode: 'enregistrer', nom: '' });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /id="f-nom-error" role="alert">Donnez un nom à cette correspondance/);
  r = await dir.post('/import/endi', { ...mapping, mode: 'enregistrer', nom: 'Export maison ZQXA' });
  assert.equal(r.res.status, 200);
  assert.match(r.html, /Correspondance « Export maison ZQXA » enregistrée/);

  // The fixed export uploaded again: the saved choice is proposed, the check finds nothing.
  assert.equal((await upload(dir, renamed(fixtureFiles(FIXES)))).res.status, 303);
  page = await dir.get('/import/endi');
  assert.match(page.html, /<option value="[0-9a-f-]{36}">Export maison ZQXA<\/option>/);
  mapping = mappingOf(page.html);
  assert.equal(mapping['col.payments.id'], 'ref paiement', 'the saved mapping is proposed again');
  r = await dir.post('/import/endi', { ...mapping, mode: 'verifier' });
  assert.equal(r.res.status, 200, r.html.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0]);
  assert.match(
    r.html,
    /Vérification terminée, rien n(&#39;|')a été écrit\. Seraient créés : 3 activité\(s\), 4 personne\(s\), 4 client\(s\), 2 fournisseur\(s\), 4 devis, 6 facture\(s\), 1 avoir\(s\), 3 paiement\(s\)/,
  );
  assert.equal(await invoices(), 0);

  // Imported (with htmx: the same page, the result panel picked by hx-select), then again.
  r = await dir.post('/import/endi', { ...mapping, mode: 'importer' }, { headers: { 'HX-Request': 'true' } });
  assert.equal(r.res.status, 200);
  assert.match(r.html, /id="endi-result"/);
  assert.match(
    r.html,
    /Import terminé\. Créés : 3 activité\(s\), 4 personne\(s\), 4 client\(s\), 2 fournisseur\(s\), 4 devis, 6 facture\(s\), 1 avoir\(s\), 3 paiement\(s\)/,
  );
  const after1 = await invoices();
  assert.ok(after1 >= 6);
  // The upload has served: it is gone, and only the PDF an invoice took is still stored.
  assert.doesNotMatch((await dir.get('/import/endi')).html, /Correspondance des colonnes/);
  assert.equal(await storedPdfs(), 1);
  // Sent and imported again: nothing new.
  assert.equal((await upload(dir, renamed(fixtureFiles(FIXES)))).res.status, 303);
  const id = /<option value="([0-9a-f-]{36})">Export maison ZQXA<\/option>/.exec(
    (await dir.get('/import/endi')).html,
  )![1];
  r = await dir.post('/import/endi', { ...mapping, mode: 'importer' });
  assert.equal(r.res.status, 200);
  assert.match(
    r.html,
    /Créés : 0 activité\(s\), 0 personne\(s\), 0 client\(s\), 0 fournisseur\(s\), 0 devis, 0 facture\(s\), 0 avoir\(s\), 0 paiement\(s\)\. Rien de nouveau/,
  );
  assert.equal(await invoices(), after1);

  // Another cooperative's director sees none of it, and cannot apply A's mapping by its id.
  const other = await signedIn(B, 'director');
  assert.doesNotMatch((await other.get('/import/endi')).html, /ZQXA|Correspondance des colonnes/);
  assert.equal((await upload(other, fixtureFiles())).res.status, 303);
  assert.doesNotMatch((await other.get('/import/endi')).html, /ZQXA/);
  assert.equal((await other.post('/import/endi/correspondance', { id })).res.status, 404);
});

test('exports named anyhow are recognised by their columns; a file that fits nothing is reported', async () => {
  const acc = await signedIn(B, 'director');
  const files = fixtureFiles(FIXES).map((f, i) =>
    f.name.endsWith('.pdf') ? f : { ...f, name: `export (${i}).${f.name.split('.').pop()}` },
  );
  files.push({ name: 'releve.csv', content: Buffer.from('Date;Libellé;Débit;Crédit\n01/02/2025;VIR;;10,00\n') });
  assert.equal((await upload(acc, files)).res.status, 303);
  const page = await acc.get('/import/endi');
  for (const kind of ['activities', 'people', 'customers', 'suppliers', 'quotes', 'invoices', 'lines', 'payments'])
    assert.ok(page.html.includes(`name="col.${kind}.`), kind);
  const r = await acc.post('/import/endi', { ...mappingOf(page.html), mode: 'verifier' });
  assert.match(
    r.html,
    /releve\.csv<\/td>\s*<td[^>]*><\/td>\s*<td[^>]*>fichier non reconnu, ni par son nom ni par ses colonnes/,
  );
});

test('an upload left waiting is deleted with its PDFs after the retention period, not before', async () => {
  const acc = await signedIn(A, 'accountant');
  const before = await storedPdfs();
  assert.equal((await upload(acc, fixtureFiles(FIXES))).res.status, 303);
  assert.equal(await storedPdfs(), before + 1, 'the uploaded PDF is stored');
  assert.equal(await purgeStaleEndiUploads(t.odb.db, A.coop.id, new Date(Date.now() + 6 * 86_400_000)), 0);
  assert.match((await acc.get('/import/endi')).html, /Correspondance des colonnes/, 'kept within 7 days');
  assert.equal(await purgeStaleEndiUploads(t.odb.db, A.coop.id, new Date(Date.now() + 8 * 86_400_000)), 1);
  assert.doesNotMatch((await acc.get('/import/endi')).html, /Correspondance des colonnes/);
  assert.equal(await storedPdfs(), before, 'its PDF went with it; imported originals stay');
});
