// The confidential archive end to end, on real components: documents stored encrypted and
// chained, a signed contract arriving through the signature module's event (emitted here with
// real stored files), a real local timestamp authority over HTTP, the verification catching a
// tampered file and a tampered chain entry, the export zip checked by its own verifier.mjs run
// with node (and by openssl for the timestamps), the retention purge, the CLI.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { seedTestCooperatives, type TestCoop, testConfig, TEST_PNG } from '../../app/testing.ts';
import { captureCliOutput, runCli } from '../../core/cli.ts';
import { coreDb } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { emit } from '../../core/events.ts';
import { readFile, storeFile } from '../../core/files.ts';
import { createTestDb, runIntegrity } from '../../app/testing.ts';
import {
  deleteOwnDocument,
  depositDocument,
  getDocument,
  openDocument,
  ownArchive,
  personArchive,
  purgeExpired,
  saveArchiveSettings,
  setContractEnd,
  uploadOwnDocument,
} from './archive.service.ts';
import { vaultCommands } from './commands.ts';
import { vaultDb } from './db.ts';
import './events.ts';
import { exportArchive } from './export.service.ts';
import { timestampPending, verifyArchive } from './proofs.service.ts';
import { type LocalTsa, startLocalTsa } from './testing-tsa.ts';
import { buildTimestampRequest, requestTimestamp, sha256Hex, verifyTimestampResponse } from './timestamp.ts';

process.env.RADIEUSE_FILE_KEY = '7'.repeat(64); // the CLI reads the files with the tests' key
const KEY = testConfig().fileKey;
const pdf = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${text}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
let tsa: LocalTsa;
before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  tsa = await startLocalTsa();
});
after(async () => {
  await tsa.close();
  await odb.close();
});
const inA = <T>(f: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
  withTenant(odb.db, a.coop.id, f);

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const { result: code, out } = await captureCliOutput(() =>
    runCli(vaultCommands, args, async () => Object.create(odb, { close: { value: async () => {} } })),
  );
  return { code, out };
}

let payslipId: string;
let ownId: string;
let contractId: string;
/** The files the signature module stored for the contract (they stay its own). */
let signedFiles: { sealed: string; evidence: string };

test('documents are archived encrypted, each file chained after the previous one', async () => {
  const me = a.actor('entrepreneur');
  const own = await inA((tx) =>
    uploadOwnDocument(tx, me, KEY, {
      title: 'Diplôme',
      documentDate: '2020-06-30',
      name: 'diplome.png',
      content: TEST_PNG,
    }),
  );
  ownId = own.id;
  const slip = await inA((tx) =>
    depositDocument(tx, a.actor('accountant'), KEY, {
      userId: a.users.entrepreneur.id,
      kind: 'payslip',
      title: 'Bulletin de paie janvier 2026',
      documentDate: '2026-01-31',
      name: 'bulletin-2026-01.pdf',
      content: pdf('bulletin janvier'),
    }),
  );
  payslipId = slip.id;
  assert.equal(slip.sha256, sha256Hex(pdf('bulletin janvier')));
  assert.equal(slip.proofs.length, 1);
  assert.equal(slip.proofs[0]!.prevHash, own.proofs[0]!.entryHash, 'the payslip entry points to the previous one');
  assert.equal(slip.proofs[0]!.seq, own.proofs[0]!.seq + 1);
  // Stored encrypted: the clear bytes are nowhere in the table.
  const enc = await coreDb(odb.db)
    .selectFrom('stored_file')
    .select('content')
    .where('cooperative_id', '=', a.coop.id)
    .execute();
  assert.ok(enc.every((r) => !Buffer.from(r.content).includes(Buffer.from('bulletin janvier'))));
  // A support person may not deposit a payslip (payroll); a file that is no PDF nor image is refused.
  await assert.rejects(
    inA((tx) =>
      depositDocument(tx, a.actor('support'), KEY, {
        userId: a.users.entrepreneur.id,
        kind: 'payslip',
        title: 'x',
        name: 'x.pdf',
        content: pdf('x'),
      }),
    ),
    /accès/,
  );
  await assert.rejects(
    inA((tx) =>
      uploadOwnDocument(tx, me, KEY, { title: 'Page', name: 'p.html', content: Buffer.from('<html></html>') }),
    ),
    /PDF ou en photo/,
  );
  const view = await inA((tx) => ownArchive(tx, me));
  assert.deepEqual(view.documents.map((d) => d.kind).sort(), ['own', 'payslip']);
  assert.equal(view.timestamping.configured, false);
  assert.ok(
    view.access.some((l) => l.action === 'deposit'),
    'the deposit is in the access log the member sees',
  );
});

test('a signed contract arrives through signatures.completed and is archived with its evidence', async () => {
  const signer = a.actor('cape');
  const ids = await inA(async (tx) => {
    const sealed = await storeFile(tx, KEY, {
      cooperativeId: a.coop.id,
      name: 'cape-signee.pdf',
      purpose: 'signed-document',
      content: pdf('CAPE signee'),
      createdBy: signer.userId,
    });
    const evidence = await storeFile(tx, KEY, {
      cooperativeId: a.coop.id,
      name: 'preuve.pdf',
      purpose: 'signed-document',
      content: pdf('preuve de signature'),
      createdBy: signer.userId,
    });
    const payload = {
      requestId: '0193a5b0-0000-7000-8000-000000000001',
      userId: a.users.cape.id,
      kind: 'cape',
      title: 'Contrat CAPE',
      fileId: sealed.id,
      evidenceFileId: evidence.id,
      signedAt: '2026-12-01T10:00:00.000Z',
    };
    await emit(tx, signer, 'signatures.completed', payload);
    await emit(tx, signer, 'signatures.completed', payload); // delivered twice: archived once
    return { sealed, evidence };
  });
  signedFiles = { sealed: ids.sealed.id, evidence: ids.evidence.id };
  const view = await inA((tx) => ownArchive(tx, a.actor('cape')));
  assert.equal(view.documents.length, 1);
  const d = view.documents[0]!;
  contractId = d.id;
  assert.equal(d.kind, 'contract');
  assert.equal(d.contractKind, 'cape');
  assert.equal(d.documentDate, '2026-12-01');
  assert.equal(d.sha256, ids.sealed.sha256);
  assert.deepEqual(
    d.proofs.map((p) => [p.part, p.sha256]),
    [
      ['main', ids.sealed.sha256],
      ['companion', ids.evidence.sha256],
    ],
  );
  const ev = await inA((tx) => openDocument(tx, a.actor('cape'), KEY, d.id, 'download', 'companion'));
  assert.deepEqual(ev.content, pdf('preuve de signature'));
});

test("someone else's document is not found, in another cooperative or in the same one", async () => {
  for (const actor of [a.actor('cape'), a.actor('entrepreneur')]) {
    const other = actor.userId === a.users.cape.id ? payslipId : contractId;
    await assert.rejects(
      inA((tx) => openDocument(tx, actor, KEY, other, 'download')),
      (e) => e instanceof NotFoundError,
    );
    await assert.rejects(
      inA((tx) => getDocument(tx, actor, other)),
      (e) => e instanceof NotFoundError,
    );
  }
  for (const role of ['entrepreneur', 'director', 'accountant'] as const)
    await assert.rejects(
      withTenant(odb.db, b.coop.id, (tx) => openDocument(tx, b.actor(role), KEY, payslipId, 'download')),
      (e) => e instanceof NotFoundError,
    );
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (tx) => personArchive(tx, b.actor('director'), a.users.entrepreneur.id)),
    (e) => e instanceof NotFoundError,
  );
  // Staff reach it, and the person sees that they did.
  const f = await inA((tx) => openDocument(tx, a.actor('support'), KEY, payslipId, 'download'));
  assert.deepEqual(f.content, pdf('bulletin janvier'));
  const view = await inA((tx) => ownArchive(tx, a.actor('entrepreneur')));
  assert.ok(view.access.some((l) => l.action === 'download' && l.actorLabel === a.actor('support').label));
});

test('a director cannot point the timestamp authority inside the server (SSRF); the operator can', async () => {
  delete process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE;
  for (const url of [
    tsa.url,
    'http://localhost:9/tsr',
    'http://169.254.169.254/latest',
    'http://[::1]/t',
    'http://[::ffff:127.0.0.1]/t',
  ]) {
    await assert.rejects(
      inA((tx) => saveArchiveSettings(tx, a.actor('director'), { tsaUrl: url })),
      (e) => e instanceof UserError && /réseau interne/.test(e.fields.tsaUrl ?? ''),
      url,
    );
  }
  // A public name that resolves to a private address is refused when connecting (DNS rebinding).
  // (`localhost` stands for such a name: it goes through the same lookup as any other.)
  const byName = new URL(tsa.url);
  byName.hostname = 'localhost';
  await assert.rejects(requestTimestamp(byName.href, sha256Hex('x')), /adresse interne refusée/);
  await assert.rejects(requestTimestamp(tsa.url, sha256Hex('x')), /adresse interne refusée/);
  // The environment's authority is the operator's choice: trusted.
  const t = await requestTimestamp(tsa.url, sha256Hex('x'), { trusted: true });
  assert.ok(t.tsaName);
  // An operator of a closed network may allow private addresses for everyone.
  process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE = '1';
});

test('timestamps from a local authority verify; a token for another hash or another nonce is refused', async () => {
  const h = sha256Hex('une entrée');
  const t = await requestTimestamp(tsa.url, h);
  assert.equal((await verifyTimestampResponse(t.response, h)).ok, true);
  const other = await verifyTimestampResponse(await tsa.respond(sha256Hex('autre chose')), h);
  assert.equal(other.ok, false);
  assert.match(other.problem!, /autre empreinte/);
  const { nonceHex } = buildTimestampRequest(h);
  assert.match((await verifyTimestampResponse(t.response, h, nonceHex)).problem!, /nonce/);
  const broken = Buffer.from(t.response);
  broken[broken.length - 3]! ^= 0xff;
  assert.equal((await verifyTimestampResponse(broken, h)).ok, false);

  // Configured for the cooperative: every entry gets its token, and the pages show its date.
  await inA((tx) => saveArchiveSettings(tx, a.actor('director'), { tsaUrl: tsa.url }));
  assert.equal(await timestampPending(odb.db, a.coop.id), 4);
  const d = await inA((tx) => getDocument(tx, a.actor('entrepreneur'), payslipId));
  assert.ok(d.proofs[0]!.tsaTime && d.proofs[0]!.hasToken);
  assert.match(d.proofs[0]!.tsaName!, /TSA locale de test/);
  const r = await verifyArchive(odb.db, KEY, a.coop.id);
  assert.deepEqual(r.problems, []);
  assert.equal(r.tokens, 4);
  assert.equal(r.files, 4);
});

test('the export holds every document; verifier.mjs says OK, then KO once a file is changed; openssl checks the tokens', async () => {
  const z = await inA((tx) => exportArchive(tx, a.actor('entrepreneur'), KEY));
  const files = unzipSync(new Uint8Array(z.content));
  const dir = mkdtempSync(join(tmpdir(), 'coffre-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.files.map((f: { title: string }) => f.title).sort(), [
    'Bulletin de paie janvier 2026',
    'Diplôme',
  ]);
  for (const f of manifest.files) assert.equal(sha256Hex(readFileSync(join(dir, f.name))), f.sha256);
  assert.ok(Object.keys(files).some((n) => n.endsWith('.tsr')));
  assert.ok(Object.keys(files).some((n) => n.endsWith('.pem')));
  assert.match(new TextDecoder().decode(files['README.txt']), /openssl ts -verify/);
  // Only node: the script imports nothing but node's own modules.
  assert.doesNotMatch(new TextDecoder().decode(files['verifier.mjs']), /from '(?!node:)/);
  const ok = spawnSync(process.execPath, ['verifier.mjs'], { cwd: dir, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^OK/);
  // The timestamp of each entry, checked by openssl as the README says.
  const stamped = manifest.files[0];
  const out = execFileSync(
    'openssl',
    [
      'ts',
      '-verify',
      '-digest',
      stamped.entry_hash,
      '-in',
      stamped.timestamp_token,
      '-CAfile',
      manifest.tsa_certificates[0],
    ],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  assert.match(out, /Verification: OK/);
  const slip = manifest.files.find((f: { kind: string }) => f.kind === 'payslip');
  const bytes = readFileSync(join(dir, slip.name));
  bytes[bytes.length - 2] ^= 1;
  writeFileSync(join(dir, slip.name), bytes);
  const ko = spawnSync(process.execPath, ['verifier.mjs'], { cwd: dir, encoding: 'utf8' });
  assert.equal(ko.status, 1);
  assert.match(ko.stdout, /^KO/);
  assert.match(ko.stdout, /Bulletin de paie janvier 2026 : fichier modifié/);
  // The export is in the access log.
  const view = await inA((tx) => ownArchive(tx, a.actor('entrepreneur')));
  assert.ok(view.access.some((l) => l.action === 'export'));
});

test('the chain is append-only in the database', async () => {
  await assert.rejects(
    withSystem(odb.db, (tx) => sql`update archive_chain set sha256 = ${'0'.repeat(64)} where seq = 1`.execute(tx)),
    /ajout seul/,
  );
  await assert.rejects(
    withSystem(odb.db, (tx) => sql`delete from archive_chain where seq = 1`.execute(tx)),
    /ajout seul/,
  );
});

test('a tampered stored file and a tampered chain entry are each reported by radieuse archive verify', async () => {
  let r = await cli(['archive', 'verify', '--cooperative', a.coop.slug]);
  assert.equal(r.code, 0, r.out);
  // The file's bytes changed directly in the table (as its owner would).
  await withSystem(odb.db, (tx) =>
    sql`update stored_file set content = overlay(content placing '\\x00'::bytea from 5 for 1)
        where cooperative_id = ${a.coop.id} and id = (select file_id from archive_document where cooperative_id = ${a.coop.id} and id = ${payslipId})`.execute(
      tx,
    ),
  );
  r = await cli(['archive', 'verify', '--cooperative', a.coop.slug]);
  assert.equal(r.code, 1);
  assert.match(r.out, /Bulletin de paie janvier 2026/);
  // A chain entry rewritten once the trigger is gone: its hash no longer recomputes.
  await withSystem(odb.db, async (tx) => {
    await sql`drop trigger archive_chain_no_change on archive_chain`.execute(tx);
    await sql`update archive_chain set sha256 = ${sha256Hex('autre')} where cooperative_id = ${a.coop.id} and seq = 1`.execute(
      tx,
    );
  });
  const v = await verifyArchive(odb.db, KEY, a.coop.id);
  assert.ok(
    v.problems.some((p) => p.seq === 1 && /entrée 1 modifiée/.test(p.detail)),
    JSON.stringify(v.problems),
  );
  assert.ok(v.problems.some((p) => p.seq === 1 && /ne correspond plus à la chaîne/.test(p.detail)));
  // `radieuse check` runs the same proofs.
  const found = await runIntegrity(odb, { fileKey: KEY, cooperative: a.coop });
  assert.ok(found.some((p) => p.kind === 'archive_proof' && /entrée 1 modifiée/.test(p.detail)));
  r = await cli(['archive', 'verify', '--format', 'json']);
  assert.equal(r.code, 1);
  const json = JSON.parse(r.out);
  assert.equal(json.ok, false);
  assert.ok(json.problems.length >= 3);
});

test('retention: contents past their period are erased and logged, their proofs stay', async () => {
  const g = await withTenant(odb.db, b.coop.id, async (tx) => {
    const slip = await depositDocument(tx, b.actor('accountant'), KEY, {
      userId: b.users.entrepreneur.id,
      kind: 'payslip',
      title: 'Bulletin 1970',
      documentDate: '1970-01-31',
      name: 'b.pdf',
      content: pdf('1970'),
    });
    const recent = await depositDocument(tx, b.actor('accountant'), KEY, {
      userId: b.users.entrepreneur.id,
      kind: 'payslip',
      title: 'Bulletin récent',
      documentDate: '2026-01-31',
      name: 'r.pdf',
      content: pdf('2026'),
    });
    const gone = await purgeExpired(tx, b.actor('director'), '2026-12-07');
    return { slip, recent, gone };
  });
  assert.deepEqual(
    g.gone.map((x) => x.id),
    [g.slip.id],
  );
  const view = await withTenant(odb.db, b.coop.id, (tx) => ownArchive(tx, b.actor('entrepreneur')));
  const purged = view.documents.find((d) => d.id === g.slip.id)!;
  assert.ok(purged.purgedAt && purged.proofs[0]!.purgedAt);
  assert.ok(view.access.some((l) => l.action === 'purge'));
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (tx) => openDocument(tx, b.actor('entrepreneur'), KEY, g.slip.id, 'download')),
    /effacé/,
  );
  const v = await verifyArchive(odb.db, KEY, b.coop.id);
  assert.deepEqual(v.problems, []);
  assert.equal(v.files, 1);
  // The member deletes their own document the same way; a payslip is not theirs to delete.
  await inA((tx) => deleteOwnDocument(tx, a.actor('entrepreneur'), ownId));
  await assert.rejects(
    inA((tx) => deleteOwnDocument(tx, a.actor('entrepreneur'), payslipId)),
    /propres documents/,
  );
  const row = await withSystem(odb.db, (tx) =>
    vaultDb(tx)
      .selectFrom('archive_document')
      .select(['file_id', 'purged_at'])
      .where('id', '=', ownId)
      .executeTakeFirstOrThrow(),
  );
  assert.equal(row.file_id, null);
});

test("the purge of an expired signed contract erases the archive's copy, never the signature module's files", async () => {
  await inA((tx) => setContractEnd(tx, a.actor('support'), contractId, '2001-06-30'));
  await inA((tx) => saveArchiveSettings(tx, a.actor('director'), { tsaUrl: tsa.url, retention_contract: '5' }));
  const gone = await inA((tx) => purgeExpired(tx, a.actor('director'), '2026-12-07'));
  assert.deepEqual(
    gone.map((g) => g.id),
    [contractId],
  );
  await assert.rejects(
    inA((tx) => openDocument(tx, a.actor('cape'), KEY, contractId, 'download')),
    /effacé/,
  );
  const sealed = await inA((tx) => readFile(tx, KEY, a.coop.id, signedFiles.sealed));
  const evidence = await inA((tx) => readFile(tx, KEY, a.coop.id, signedFiles.evidence));
  assert.deepEqual(sealed.content, pdf('CAPE signee'));
  assert.deepEqual(evidence.content, pdf('preuve de signature'));
});
