// Envelope encryption of stored files (core/file-keys.ts): per-cooperative data keys wrapped by
// the master key, a master key rotation without downtime, files from before data keys.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { backendName, createTestDb, seedTestCooperatives } from '../app/testing.ts';
import { loadConfig } from './config.ts';
import { coreDb } from './db/handles.ts';
import type { OpenDb } from './db/index.ts';
import { withTenant } from './db/tenant.ts';
import {
  activeDataKey,
  dataKeyById,
  FileKeyError,
  fileKeyStatus,
  masterKeyFingerprint,
  reencryptLegacyFiles,
  rotateCooperativeKeys,
  unwrapDataKey,
} from './file-keys.ts';
import { readFile, storeFile } from './files.ts';
import { uuidv7 } from './ids.ts';
import { storeLegacyFile } from './testing-tools.ts';

const opened: OpenDb[] = [];
after(async () => {
  for (const o of opened) await o.close();
});
async function setup() {
  const odb = await createTestDb();
  opened.push(odb);
  const [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  return { odb, a: a.coop.id as string, b: b.coop.id as string };
}

const hex = (k: Buffer) => k.toString('hex');
/** A configuration as an operator would set it (this registers the previous keys, as at start-up). */
const configWith = (current: Buffer, previous: Buffer[] = []) =>
  loadConfig({
    RADIEUSE_DATA: '/tmp/radieuse-test',
    RADIEUSE_FILE_KEY: hex(current),
    ...(previous.length ? { RADIEUSE_FILE_KEY_PREVIOUS: previous.map(hex).join(',') } : {}),
  });

const pdf = (n: number) => Buffer.from(`%PDF-1.7\n% document ${n}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);
const store = (odb: OpenDb, coop: string, key: Buffer, n: number) =>
  withTenant(odb.db, coop, (trx) =>
    storeFile(trx, key, {
      cooperativeId: coop,
      name: `doc-${n}.pdf`,
      purpose: 'receipt',
      content: pdf(n),
      createdBy: null,
    }),
  );
const read = (odb: OpenDb, coop: string, key: Buffer, id: string) =>
  withTenant(odb.db, coop, (trx) => readFile(trx, key, coop, id));
const keyRows = (odb: OpenDb, coop: string) =>
  coreDb(odb.db)
    .selectFrom('cooperative_data_key')
    .selectAll()
    .where('cooperative_id', '=', coop)
    .orderBy('id')
    .execute();

test('documents stored before a master key rotation still open after it; the old master key alone no longer does', async () => {
  const { odb, a, b } = await setup();
  const OLD = randomBytes(32);
  const NEW = randomBytes(32);
  configWith(OLD);
  const before = [await store(odb, a, OLD, 1), await store(odb, a, OLD, 2)];
  const inB = await store(odb, b, OLD, 3);
  const [wrappedByOld] = await keyRows(odb, a);
  assert.equal(wrappedByOld.master_fingerprint, masterKeyFingerprint(OLD));
  assert.equal((await keyRows(odb, a)).length, 1, 'one data key for both files');

  // Step 1 of the procedure: restart with the new key, the old one as previous. Nothing is
  // re-encrypted yet and everything still opens (no downtime), new files included.
  const rotating = configWith(NEW, [OLD]);
  assert.deepEqual(rotating.previousFileKeys, [OLD]);
  for (const f of before) assert.deepEqual((await read(odb, a, NEW, f.id)).content, pdf(Number(f.name.slice(4, 5))));
  const during = await store(odb, a, NEW, 4);
  const status = await fileKeyStatus(odb.db, NEW);
  const sa = status.find((s) => s.cooperativeId === a)!;
  assert.equal(sa.needsRotation, true);
  assert.deepEqual(
    sa.keys.map((k) => [k.wrappedBy, k.files, k.active]),
    [['previous', 3, true]],
  );

  // Step 2: the rotation re-wraps each cooperative's data keys under the new master key.
  assert.deepEqual(await rotateCooperativeKeys(odb.db, NEW, a), { rewrapped: 1, newDataKeyId: null });
  assert.deepEqual(await rotateCooperativeKeys(odb.db, NEW, b), { rewrapped: 1, newDataKeyId: null });
  assert.deepEqual(await rotateCooperativeKeys(odb.db, NEW, a), { rewrapped: 0, newDataKeyId: null }, 'idempotent');
  const [rewrapped] = await keyRows(odb, a);
  assert.equal(rewrapped.id, wrappedByOld.id, 'the same data key: files are not re-encrypted');
  assert.equal(rewrapped.master_fingerprint, masterKeyFingerprint(NEW));
  assert.notEqual(rewrapped.wrapped_key, wrappedByOld.wrapped_key);
  assert.ok((await fileKeyStatus(odb.db, NEW)).every((s) => !s.needsRotation));

  // Step 3: the previous key is dropped; every document still opens with the new key alone.
  configWith(NEW);
  for (const f of [...before, during]) {
    const back = await read(odb, a, NEW, f.id);
    assert.equal(createHash('sha256').update(back.content).digest('hex'), f.sha256);
  }
  assert.deepEqual((await read(odb, b, NEW, inB.id)).content, pdf(3));

  // The old master key alone opens nothing any more, with a message that says what to do…
  await assert.rejects(
    read(odb, a, OLD, before[0].id),
    (e: unknown) =>
      e instanceof FileKeyError &&
      /Clé maîtresse absente/.test(e.message) &&
      /RADIEUSE_FILE_KEY_PREVIOUS/.test(e.message),
  );
  await assert.rejects(read(odb, b, OLD, inB.id), FileKeyError);
  // …and not by a mere fingerprint check: the re-wrapped key does not decrypt under it either.
  assert.throws(() => unwrapDataKey(OLD, { ...rewrapped, master_fingerprint: masterKeyFingerprint(OLD) }), /altérée/);
  // Whereas the new key indeed opens it, to the same data key as before.
  assert.deepEqual(unwrapDataKey(NEW, rewrapped), unwrapDataKey(OLD, wrappedByOld));
});

test('a file stored before data keys stays readable and the rotation re-encrypts it under the data key', async () => {
  const { odb, a } = await setup();
  const OLD = randomBytes(32);
  const NEW = randomBytes(32);
  configWith(OLD);
  // Exactly what storeFile wrote before data keys: the content sealed with the master key itself.
  const content = pdf(7);
  const { id, sealed } = await storeLegacyFile(odb.db, a, OLD, content);
  assert.deepEqual((await read(odb, a, OLD, id)).content, content, 'the legacy path reads it');
  configWith(NEW, [OLD]);
  assert.deepEqual((await read(odb, a, NEW, id)).content, content, 'with the old key as previous, too');
  const st = (await fileKeyStatus(odb.db, NEW)).find((s) => s.cooperativeId === a)!;
  assert.equal(st.legacyFiles, 1);
  assert.equal(st.needsRotation, true);

  const done: number[] = [];
  assert.deepEqual(await reencryptLegacyFiles(odb.db, NEW, a, (n) => done.push(n)), { reencrypted: 1, unreadable: [] });
  assert.deepEqual(done, [1]);
  const row = await coreDb(odb.db).selectFrom('stored_file').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.ok(row.data_key_id, 'now sealed with a data key');
  assert.notDeepEqual(row.content, sealed);
  const [dk] = await keyRows(odb, a);
  assert.equal(row.data_key_id, dk.id);
  assert.equal(dk.master_fingerprint, masterKeyFingerprint(NEW), 'the data key was made under the new master key');
  configWith(NEW);
  assert.deepEqual((await read(odb, a, NEW, id)).content, content, 'the previous key is no longer needed');
  await assert.rejects(read(odb, a, OLD, id), FileKeyError, 'nor does the old key open it');
  assert.deepEqual(await reencryptLegacyFiles(odb.db, NEW, a), { reencrypted: 0, unreadable: [] });
  assert.equal((await fileKeyStatus(odb.db, NEW)).find((s) => s.cooperativeId === a)!.legacyFiles, 0);

  // A legacy file no known key opens is reported and left as it was, never lost.
  const lost = uuidv7();
  await withTenant(odb.db, a, (trx) =>
    coreDb(trx)
      .insertInto('stored_file')
      .values({ ...row, id: lost, data_key_id: null, created_at: undefined })
      .execute(),
  );
  assert.deepEqual(await reencryptLegacyFiles(odb.db, NEW, a), { reencrypted: 0, unreadable: [lost] });
  await assert.rejects(read(odb, a, NEW, lost), /ne s'ouvre avec aucune clé maîtresse/);
});

test('two cooperatives have different data keys, each bound to its cooperative', async () => {
  const { odb, a, b } = await setup();
  const KEY = randomBytes(32);
  configWith(KEY);
  const fa = await store(odb, a, KEY, 1);
  const fb = await store(odb, b, KEY, 2);
  const [ka] = await keyRows(odb, a);
  const [kb] = await keyRows(odb, b);
  assert.notEqual(ka.id, kb.id);
  const [da, db] = await Promise.all([
    withTenant(odb.db, a, (trx) => dataKeyById(trx, KEY, a, ka.id)),
    withTenant(odb.db, b, (trx) => dataKeyById(trx, KEY, b, kb.id)),
  ]);
  assert.equal(da.length, 32);
  assert.notDeepEqual(da, db);
  assert.notDeepEqual(da, KEY, 'the data key is not the master key');
  // A wrapped key copied into the other cooperative's row does not open there.
  assert.throws(() => unwrapDataKey(KEY, { ...ka, cooperative_id: b }), /altérée/);
  // Row-level security: a cooperative's transaction sees none of the other's keys.
  const seen = await withTenant(odb.db, b, (trx) =>
    coreDb(trx).selectFrom('cooperative_data_key').select('id').execute(),
  );
  assert.deepEqual(
    seen.map((r) => r.id),
    [kb.id],
  );
  await assert.rejects(
    withTenant(odb.db, b, (trx) => dataKeyById(trx, KEY, b, ka.id)),
    /introuvable/,
  );
  // A data key is never deleted by the application (it would lose every file it encrypts).
  await assert.rejects(
    withTenant(odb.db, a, (trx) =>
      coreDb(trx).deleteFrom('cooperative_data_key').where('cooperative_id', '=', a).execute(),
    ),
    /permission denied/,
  );
  assert.deepEqual((await read(odb, a, KEY, fa.id)).content, pdf(1));
  assert.deepEqual((await read(odb, b, KEY, fb.id)).content, pdf(2));
});

test('concurrent first stores in one cooperative end with one active data key', async () => {
  const { odb, a } = await setup();
  const KEY = randomBytes(32);
  configWith(KEY);
  const N = 4;
  // On PostgreSQL every transaction is open before any creates the key, so they truly race;
  // PGlite runs one transaction at a time (its single connection), so there they just queue.
  let arrived = 0;
  let go: () => void = () => {};
  const allOpen = new Promise<void>((r) => {
    go = r;
  });
  const files = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      withTenant(odb.db, a, async (trx) => {
        await coreDb(trx).selectFrom('cooperative_data_key').select('id').execute();
        if (backendName() === 'postgres') {
          if (++arrived === N) go();
          await allOpen;
        }
        const f = await storeFile(trx, KEY, {
          cooperativeId: a,
          name: `d${i}.pdf`,
          purpose: 'receipt',
          content: pdf(i),
          createdBy: null,
        });
        return f;
      }),
    ),
  );
  const keys = await keyRows(odb, a);
  assert.equal(keys.length, 1, 'one data key');
  assert.equal(keys[0].retired_at, null);
  const used = await coreDb(odb.db)
    .selectFrom('stored_file')
    .select('data_key_id')
    .distinct()
    .where('cooperative_id', '=', a)
    .execute();
  assert.deepEqual(
    used.map((u) => u.data_key_id),
    [keys[0].id],
  );
  for (const [i, f] of files.entries()) assert.deepEqual((await read(odb, a, KEY, f.id)).content, pdf(i));
});

test('a new data key for new files: the retired one still opens its files', async () => {
  const { odb, a } = await setup();
  const KEY = randomBytes(32);
  configWith(KEY);
  const first = await store(odb, a, KEY, 1);
  const [k1] = await keyRows(odb, a);
  const r = await rotateCooperativeKeys(odb.db, KEY, a, { newDataKey: true });
  assert.equal(r.rewrapped, 0);
  assert.ok(r.newDataKeyId && r.newDataKeyId !== k1.id);
  const second = await store(odb, a, KEY, 2);
  const rows = await keyRows(odb, a);
  assert.equal(rows.length, 2);
  assert.ok(rows.find((k) => k.id === k1.id)!.retired_at, 'the first key is retired');
  const active = await withTenant(odb.db, a, (trx) => activeDataKey(trx, KEY, a));
  assert.equal(active.id, r.newDataKeyId);
  assert.deepEqual((await read(odb, a, KEY, first.id)).content, pdf(1));
  assert.deepEqual((await read(odb, a, KEY, second.id)).content, pdf(2));
  const st = (await fileKeyStatus(odb.db, KEY)).find((s) => s.cooperativeId === a)!;
  assert.deepEqual(
    st.keys.map((k) => [k.id, k.active, k.files, k.wrappedBy]),
    [
      [k1.id, false, 1, 'current'],
      [r.newDataKeyId, true, 1, 'current'],
    ],
  );
  // The rotation is in the cooperative's audit log.
  const logged = await coreDb(odb.db)
    .selectFrom('audit_log')
    .select('action')
    .where('cooperative_id', '=', a)
    .where('action', '=', 'file_keys.rotated')
    .execute();
  assert.equal(logged.length, 1);
});

test('RADIEUSE_FILE_KEY_PREVIOUS is checked at start-up with a French message', () => {
  assert.throws(
    () => loadConfig({ RADIEUSE_FILE_KEY: '1'.repeat(64), RADIEUSE_FILE_KEY_PREVIOUS: 'trop-court' }),
    /RADIEUSE_FILE_KEY_PREVIOUS doit contenir une ou plusieurs clés de 32 octets/,
  );
  assert.throws(
    () => loadConfig({ RADIEUSE_FILE_KEY_PREVIOUS: '1'.repeat(64) }),
    /RADIEUSE_FILE_KEY_PREVIOUS suppose RADIEUSE_FILE_KEY/,
  );
  const two = [randomBytes(32), randomBytes(32)];
  const c = loadConfig({
    RADIEUSE_FILE_KEY: '1'.repeat(64),
    RADIEUSE_FILE_KEY_PREVIOUS: `${two[0].toString('hex')}, ${two[1].toString('base64')}`,
  });
  assert.deepEqual(c.previousFileKeys, two);
  assert.deepEqual(loadConfig({ RADIEUSE_FILE_KEY: '1'.repeat(64) }).previousFileKeys, []);
});
