import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../app/testing.ts';
import type { OpenDb } from './db/index.ts';
import { withTenant } from './db/tenant.ts';
import { storeFile, readFile, MAX_FILE_BYTES } from './files.ts';

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
      mimeType: 'application/pdf',
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

test('size, emptiness and type are checked against the content', async () => {
  const store = (content: Buffer, mimeType: string) =>
    withTenant(odb.db, a.coop.id, (trx) =>
      storeFile(trx, key, { cooperativeId: a.coop.id, name: 'x', mimeType, content, createdBy: null }),
    );
  await assert.rejects(store(Buffer.alloc(0), 'application/pdf'), /vide/);
  await assert.rejects(store(Buffer.alloc(MAX_FILE_BYTES + 1, 1), 'application/pdf'), /dépasse/);
  await assert.rejects(store(Buffer.from('MZ\x90\x00 fake exe'), 'application/pdf'), /ne correspond pas/);
  await assert.rejects(store(Buffer.from('MZ\x90\x00'), 'application/x-msdownload'), /non accepté/);
});
