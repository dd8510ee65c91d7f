// `radieuse keys status|rotate` driven like the operator does (docs/operator-guide.md), and the
// promise of envelope encryption: a backup holds no clear key.
import assert from 'node:assert/strict';
import { captureCliOutput } from '../core/cli.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../app/testing.ts';
import type { Config } from '../core/config.ts';
import { addOidcProvider, openSecret } from '../core/auth/oidc.ts';
import { loadConfig } from '../core/config.ts';
import { coreDb } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';
import { withTenant } from '../core/db/tenant.ts';
import { dataKeyById, FileKeyError, masterKeyFingerprint } from '../core/file-keys.ts';
import { readFile, type StoredFile, storeFile } from '../core/files.ts';
import { storeLegacyFile } from '../core/testing-tools.ts';
import { backup, restore } from './backup.ts';
import { keyCommands } from './key-commands.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(() => odb.close());

const hex = (k: Buffer) => k.toString('hex');
const configWith = (current: Buffer, previous: Buffer[] = []) =>
  loadConfig({
    RADIEUSE_DATA: '/tmp/radieuse-test',
    RADIEUSE_FILE_KEY: hex(current),
    ...(previous.length ? { RADIEUSE_FILE_KEY_PREVIOUS: previous.map(hex).join(',') } : {}),
  });
const pdf = (n: number) => Buffer.from(`%PDF-1.7\n% pièce ${n}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);
const store = (coop: TestCoop, key: Buffer, n: number) =>
  withTenant(odb.db, coop.coop.id, (trx) =>
    storeFile(trx, key, {
      cooperativeId: coop.coop.id,
      name: `piece-${n}.pdf`,
      purpose: 'receipt',
      content: pdf(n),
      createdBy: null,
    }),
  );
const read = (o: OpenDb, coop: TestCoop, key: Buffer, id: string) =>
  withTenant(o.db, coop.coop.id, (trx) => readFile(trx, key, coop.coop.id, id));

/** Runs a command as the CLI does, with what it prints. */
async function radieuse(name: string, values: Record<string, string | boolean>, config: Config) {
  const cmd = keyCommands.find((c) => c.name === name)!;
  const r = await captureCliOutput(
    async () => (await cmd.run({ values, positionals: [], config, odb })) as number | undefined,
  );
  return { code: r.result ?? 0, stdout: r.out, stderr: r.err };
}

/** A file as storeFile wrote it before data keys: sealed with the master key itself. */
const storeLegacy = async (coop: TestCoop, master: Buffer, content: Buffer): Promise<string> =>
  (await storeLegacyFile(odb.db, coop.coop.id, master, content)).id;

const OLD = randomBytes(32);
const NEW = randomBytes(32);
let files: { coop: TestCoop; file: StoredFile; n: number }[] = [];
let legacyId = '';

test('keys status and keys rotate: the operator procedure, documents open all along', async () => {
  const oldConfig = configWith(OLD);
  files = [
    { coop: a, file: await store(a, OLD, 1), n: 1 },
    { coop: a, file: await store(a, OLD, 2), n: 2 },
    { coop: b, file: await store(b, OLD, 3), n: 3 },
  ];
  legacyId = await storeLegacy(a, OLD, pdf(9));
  // The identity providers' client secrets are sealed by the master key too.
  const idp = await addOidcProvider(odb.db, OLD, {
    cooperativeId: null,
    label: 'FranceConnect',
    issuer: 'https://fc.example/api/v1',
    clientId: 'radieuse',
    clientSecret: 'secret-du-fournisseur',
  });
  const sealedSecret = async () =>
    (
      await coreDb(odb.db)
        .selectFrom('oidc_provider')
        .select('client_secret')
        .where('id', '=', idp.id)
        .executeTakeFirstOrThrow()
    ).client_secret;
  const calm = JSON.parse((await radieuse('keys status', { format: 'json' }, oldConfig)).stdout);
  assert.equal(calm.needs_rotation, true, 'the file from before data keys is still to re-encrypt');

  // 1. Restart with the new key and the old one as previous: everything still opens.
  const rotating = configWith(NEW, [OLD]);
  for (const f of files) assert.deepEqual((await read(odb, f.coop, NEW, f.file.id)).content, pdf(f.n));
  assert.equal(openSecret(NEW, await sealedSecret()), 'secret-du-fournisseur');
  const st = JSON.parse((await radieuse('keys status', { format: 'json' }, rotating)).stdout);
  assert.equal(st.master_fingerprint, masterKeyFingerprint(NEW));
  assert.deepEqual(st.previous_fingerprints, [masterKeyFingerprint(OLD)]);
  assert.equal(st.needs_rotation, true);
  const sa = st.cooperatives.find((c: { slug: string }) => c.slug === a.coop.slug);
  assert.equal(sa.legacy_files, 1);
  assert.deepEqual(
    sa.keys.map((k: { files: number; wrapped_by: string; active: boolean }) => [k.files, k.wrapped_by, k.active]),
    [[2, 'previous', true]],
  );
  const text = await radieuse('keys status', {}, rotating);
  assert.match(text.stdout, /ANCIENNE clé maîtresse/);
  assert.match(text.stdout, /Rotation à faire/);

  // 2. The rotation, with its progress per cooperative.
  const rot = await radieuse('keys rotate', {}, rotating);
  assert.equal(rot.code, 0, rot.stderr);
  assert.match(rot.stdout, /2 coopérative\(s\) à traiter/);
  assert.match(
    rot.stdout,
    new RegExp(`\\[\\d/2\\] ${a.coop.slug} : 1 clé\\(s\\) rescellée\\(s\\), 1 ancien\\(s\\) fichier`),
  );
  assert.match(rot.stdout, new RegExp(`\\[\\d/2\\] ${b.coop.slug} : 1 clé\\(s\\) rescellée\\(s\\)`));
  assert.match(rot.stdout, /1 secret\(s\) de fournisseur d'identité rescellé\(s\)/);
  assert.match(rot.stdout, /retirer RADIEUSE_FILE_KEY_PREVIOUS/);
  const done = JSON.parse((await radieuse('keys status', { format: 'json' }, rotating)).stdout);
  assert.equal(done.needs_rotation, false);

  // 3. Drop the previous key: still everything opens, the file from before data keys included.
  const after = configWith(NEW);
  for (const f of files) assert.deepEqual((await read(odb, f.coop, NEW, f.file.id)).content, pdf(f.n));
  assert.deepEqual((await read(odb, a, NEW, legacyId)).content, pdf(9));
  for (const f of files) await assert.rejects(read(odb, f.coop, OLD, f.file.id), FileKeyError);
  assert.equal(openSecret(NEW, await sealedSecret()), 'secret-du-fournisseur');
  const oldSealed = await sealedSecret();
  assert.throws(() => openSecret(OLD, oldSealed), /illisible/);

  // A new data key per cooperative for new files; the old files keep theirs.
  const fresh = await radieuse('keys rotate', { 'data-keys': true }, after);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stdout, /nouvelle clé de données/);
  const two = JSON.parse((await radieuse('keys status', { format: 'json' }, after)).stdout);
  for (const c of two.cooperatives) {
    assert.equal(c.keys.length, 2);
    assert.deepEqual(
      c.keys.map((k: { active: boolean }) => k.active),
      [false, true],
    );
  }
  const later = await store(a, NEW, 4);
  files.push({ coop: a, file: later, n: 4 });
  assert.deepEqual((await read(odb, a, NEW, files[0].file.id)).content, pdf(1));

  // A master key that wrapped nothing here: the rotation says which key is missing and fails.
  const wrong = await radieuse('keys rotate', {}, configWith(randomBytes(32)));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /Clé maîtresse absente/);
  await assert.rejects(Promise.resolve(radieuse('keys status', { format: 'xml' }, after)), /text ou json/);
});

test('a backup contains no clear key: neither the master key nor any data key, in any spelling', async () => {
  assert.ok(files.length, 'the files are stored by the previous test');
  const dir = mkdtempSync(join(tmpdir(), 'radieuse-keys-'));
  const file = join(dir, 'sauvegarde.jsonl.gz');
  await backup(odb, file, () => {});
  const gz = readFileSync(file);
  const dump = gunzipSync(gz);
  const text = dump.toString('utf8');

  const keyRows = await coreDb(odb.db).selectFrom('cooperative_data_key').selectAll().execute();
  assert.equal(keyRows.length, 4, 'two data keys in each of the two cooperatives');
  const dataKeys = await Promise.all(
    keyRows.map((k) => withTenant(odb.db, k.cooperative_id, (trx) => dataKeyById(trx, NEW, k.cooperative_id, k.id))),
  );
  const spellings = (k: Buffer) => [
    k.toString('hex'),
    k.toString('hex').toUpperCase(),
    k.toString('base64'),
    k.toString('base64url'),
    k.toString('base64').replace(/=+$/, ''),
  ];
  for (const [what, k] of [
    ['master key', NEW],
    ['previous master key', OLD],
    ...dataKeys.map((d, i) => [`data key ${keyRows[i].id}`, d] as const),
  ] as const) {
    assert.equal(dump.includes(k), false, `${what}: raw bytes`);
    assert.equal(gz.includes(k), false, `${what}: raw bytes in the compressed file`);
    for (const s of spellings(k)) assert.equal(text.toLowerCase().includes(s.toLowerCase()), false, `${what}: ${s}`);
  }
  // The search would find them: the wrapped keys and the files' hashes are in the dump, as they must be.
  for (const k of keyRows) assert.ok(text.includes(k.wrapped_key), 'the wrapped keys are backed up');
  for (const f of files) assert.ok(text.includes(f.file.sha256));

  // The backup is whole: restored elsewhere, the documents open with the master key, and only with it.
  const elsewhere = await createTestDb();
  try {
    await restore(elsewhere, file, { force: false }, () => {});
    for (const f of files) assert.deepEqual((await read(elsewhere, f.coop, NEW, f.file.id)).content, pdf(f.n));
    assert.deepEqual((await read(elsewhere, a, NEW, legacyId)).content, pdf(9));
    await assert.rejects(read(elsewhere, a, randomBytes(32), files[0].file.id), FileKeyError);
  } finally {
    await elsewhere.close();
  }
});
