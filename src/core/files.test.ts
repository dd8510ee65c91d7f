import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../app/testing.ts';
import type { OpenDb } from './db/index.ts';
import { withTenant } from './db/tenant.ts';
import { storeFile, readFile, MAX_FILE_BYTES, type FilePurpose } from './files.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
const key = randomBytes(32);
before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb.close();
});

const pdf = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

test('files are encrypted at rest and read back intact', async () => {
  const f = await withTenant(odb.db, a.coop.id, (trx) =>
    storeFile(trx, key, {
      cooperativeId: a.coop.id,
      name: 'contrat.pdf',
      purpose: 'receipt',
      content: pdf,
      createdBy: null,
    }),
  );
  const raw = await odb.db.selectFrom('stored_file').select('content').where('id', '=', f.id).executeTakeFirstOrThrow();
  assert.equal(raw.content.includes(Buffer.from('%PDF')), false, 'the stored bytes are not the plain file');
  const back = await withTenant(odb.db, a.coop.id, (trx) => readFile(trx, key, a.coop.id, f.id));
  assert.deepEqual(back.content, pdf);
  assert.equal(back.sha256.length, 64);
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => readFile(trx, randomBytes(32), a.coop.id, f.id)),
    'a wrong key cannot decrypt',
  );
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (trx) => readFile(trx, key, b.coop.id, f.id)),
    /introuvable/,
    'another cooperative cannot read it',
  );
});

test('size, emptiness and type are checked against the content, never the name or the declared type', async () => {
  const store = (content: Buffer, purpose: FilePurpose = 'receipt', name = 'x') =>
    withTenant(odb.db, a.coop.id, (trx) =>
      storeFile(trx, key, { cooperativeId: a.coop.id, name, purpose, content, createdBy: null }),
    );
  await assert.rejects(store(Buffer.alloc(0)), /vide/);
  await assert.rejects(store(Buffer.alloc(MAX_FILE_BYTES + 1, 1)), /dépasse/);
  await assert.rejects(store(Buffer.from('MZ\x90\x00 fake exe'), 'receipt', 'ticket.pdf'), /Déposez un PDF/);
  // The attack of issue 11: XHTML with htmx attributes, uploaded as a receipt "text/xml".
  const xhtml = Buffer.from(
    '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body hx-post="/x" hx-trigger="load"/></html>',
  );
  await assert.rejects(store(xhtml, 'receipt', 'ticket.xml'), /Déposez un PDF/);
  await assert.rejects(store(xhtml, 'supplier-invoice', 'f.xml'), /Déposez la facture/, 'XHTML is no e-invoice');
  await assert.rejects(store(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>')), /PDF/);
  await assert.rejects(store(Buffer.from('<!doctype html><script>alert(1)</script>')), /PDF/);
  await assert.rejects(store(Buffer.from('a,b\n1,2\n')), /PDF/);
  await assert.rejects(store(pdf, 'logo'), /PNG ou JPEG/);
  const cii = Buffer.from('<?xml version="1.0"?><rsm:CrossIndustryInvoice xmlns:rsm="urn:x"/>');
  const stored = await store(cii, 'supplier-invoice', '../../etc/facture.xml');
  assert.equal(stored.mimeType, 'application/xml');
  assert.equal(stored.name, 'facture.xml', 'no path kept in the name');
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  assert.equal((await store(jpeg, 'receipt', 'photo.pdf')).mimeType, 'image/jpeg', 'typed by content, not name');
});
