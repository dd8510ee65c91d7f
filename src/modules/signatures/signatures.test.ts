// Electronic signature, end to end on the real services: the contract is prepared (PDF, e-mail,
// inbox item), the code read from the mail outbox, the signature made; the sealed PDF is parsed
// back (ByteRange digest = CMS messageDigest, CMS signature verified with the certificate),
// checked by poppler's pdfsig, and the evidence's document hash compared with the PDF shown.
// Then the refusals: a changed byte, wrong codes, an expired code, other people and cooperatives.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { seedTestCooperatives, testConfig, createTestDb, type TestCoop } from '../../app/testing.ts';
import type { Actor } from '../../core/actor.ts';
import { runCli } from '../../core/cli.ts';
import { todayParis } from '../../core/dates.ts';
import { coreDb } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { onEvent } from '../../core/events.ts';
import { erasePersonalData } from '../../core/personal-data.ts';
import { toolSkip } from '../../core/testing-tools.ts';
import { computeInbox } from '../inbox/index.ts';
import { generateSelfSignedP12 } from './certificate.ts';
import { signaturesCommands } from './commands.ts';
import { SIGNATURES_COMPLETED, type SignaturesCompletedPayload } from './events.ts';
import { verifySealedPdf } from './pades.ts';
import { signaturesPersonalData } from './personal-data.ts';
import { simpleSignatureProvider } from './provider.ts';
import {
  cancelSignatureRequest,
  getSignatureRequest,
  listSignatureRequests,
  prepareSignature,
  readSignatureFile,
  resendSignatureRequest,
  sha256Hex,
} from './requests.service.ts';
import { cooperativeCertificate, sendSignatureCode, signWithCode, type SignatureEvidence } from './signing.service.ts';

const key = testConfig().fileKey;
const links = { baseUrl: 'https://radieuse.test' };
let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
const completed: SignaturesCompletedPayload[] = [];
onEvent<SignaturesCompletedPayload>(SIGNATURES_COMPLETED, async (_trx, _actor, p) => {
  completed.push(p);
});

before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(() => odb.close());

const inA = <T>(f: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
  withTenant(odb.db, a.coop.id, f);

const START = '2027-01-04';
async function prepareCape(who: 'entrepreneur' | 'cape' = 'entrepreneur') {
  return inA((trx) =>
    prepareSignature(
      trx,
      a.actor('support'),
      key,
      {
        kind: 'cape',
        userId: a.users[who].id,
        activityId: who === 'entrepreneur' ? a.activityId : undefined,
        startDate: START,
        endDate: '2027-12-31',
      },
      links,
    ),
  );
}

/** The last code mailed to an address, read from the outbox as the person would read it. */
async function lastCode(email: string): Promise<string> {
  const m = await coreDb(odb.db)
    .selectFrom('mail_outbox')
    .select(['text_body', 'subject'])
    .where('to_address', '=', email)
    .where('subject', '=', 'Votre code de signature')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const code = m.text_body.match(/: (\d{6})\n/)?.[1];
  assert.ok(code, `no code in the e-mail: ${m.text_body}`);
  return code;
}

const wrongCode = (good: string) => String((Number(good) + 1) % 1_000_000).padStart(6, '0');
const me = () => a.actor('entrepreneur');

test('a CAPE is prepared as a PDF with the person, the activity and the dates; the person is told by e-mail and in their inbox', async () => {
  const r = await prepareCape();
  assert.equal(r.status, 'pending');
  assert.equal(r.signerUserId, a.users.entrepreneur.id);
  const doc = await inA((trx) => readSignatureFile(trx, me(), key, r.id, 'document'));
  assert.equal(doc.mimeType, 'application/pdf');
  assert.equal(sha256Hex(doc.content), r.documentSha256);
  const dir = mkdtempSync(join(tmpdir(), 'sig-'));
  writeFileSync(join(dir, 'c.pdf'), doc.content);
  if (!toolSkip('/usr/bin/pdftotext', 'poppler-utils')) {
    const text = execFileSync('/usr/bin/pdftotext', [join(dir, 'c.pdf'), '-']).toString('utf8');
    assert.match(text, /Contrat d'appui au projet d'entreprise \(CAPE\)/);
    assert.match(text, /Coopérative alpha/);
    assert.match(text, new RegExp(`Activité ${a.coop.slug}`));
    assert.match(text, /4 janvier 2027/);
  }
  const mail = await coreDb(odb.db)
    .selectFrom('mail_outbox')
    .select(['subject', 'text_body'])
    .where('to_address', '=', a.users.entrepreneur.email)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.match(mail.subject, /un document à signer/);
  assert.ok(mail.text_body.includes(`https://radieuse.test/signatures/${r.id}`));
  const inbox = await inA((trx) => computeInbox(trx as never, me(), todayParis()));
  assert.ok(
    inbox.some((i: { key: string }) => i.key === `signatures.sign:${r.id}`),
    'the request is in the person’s inbox',
  );
});

test('signing with the e-mailed code gives a sealed PDF that validates, an evidence file whose hash is the PDF shown, and the event', async () => {
  const r = await prepareCape();
  await inA((trx) => sendSignatureCode(trx, me(), key, r.id));
  const code = await lastCode(a.users.entrepreneur.email);
  const res = await inA((trx) =>
    signWithCode(trx, { ...me(), ip: '203.0.113.7' }, key, r.id, { code, consent: true, userAgent: 'Test/1.0' }),
  );
  assert.ok(res.signed, JSON.stringify(res));
  const shown = await inA((trx) => readSignatureFile(trx, me(), key, r.id, 'document'));
  const sealed = await inA((trx) => readSignatureFile(trx, me(), key, r.id, 'signed'));
  const evidenceFile = await inA((trx) => readSignatureFile(trx, me(), key, r.id, 'evidence'));
  const evidence = JSON.parse(evidenceFile.content.toString('utf8')) as SignatureEvidence;

  // The evidence: who, when, where from, and the hash of exactly the PDF shown.
  assert.equal(evidence.document.sha256, sha256Hex(shown.content));
  assert.equal(evidence.requestId, r.id);
  assert.equal(evidence.document.kind, 'cape');
  assert.equal(evidence.signer.userId, a.users.entrepreneur.id);
  assert.equal(evidence.signer.email, a.users.entrepreneur.email);
  assert.equal(evidence.ip, '203.0.113.7');
  assert.equal(evidence.userAgent, 'Test/1.0');
  assert.equal(evidence.preparedBy.userId, a.users.support.id);
  assert.ok(Date.parse(evidence.otp.sentAt) <= Date.parse(evidence.otp.verifiedAt));
  assert.equal(evidence.signedAt, res.request.signedAt?.toISOString());
  assert.match(evidence.consent.text, /J'ai lu et j'accepte/);

  // The sealed PDF: the shown PDF, untouched, plus the signature as an incremental update.
  assert.ok(sealed.content.subarray(0, shown.content.length).equals(shown.content));
  const check = verifySealedPdf(sealed.content);
  assert.deepEqual(check.problems, []);
  assert.ok(check.ok);
  assert.equal(check.subFilter, 'ETSI.CAdES.detached');
  assert.equal(check.messageDigest, check.signedDigest);
  assert.equal(check.certificateSha256, evidence.seal.certificateSha256);
  assert.match(check.certificateSubject ?? '', /Coopérative alpha/);
  // The evidence's own hash is embedded in the signature's reason.
  assert.ok(check.reason?.includes(sha256Hex(evidenceFile.content)), check.reason ?? '');

  // poppler's verdict (NSS): the signature is valid; the self-signed issuer is unknown, as expected.
  if (!toolSkip('/usr/bin/pdfsig', 'poppler-utils')) {
    const dir = mkdtempSync(join(tmpdir(), 'sig-'));
    writeFileSync(join(dir, 'signed.pdf'), sealed.content);
    const report = execFileSync('/usr/bin/pdfsig', [join(dir, 'signed.pdf')]).toString('utf8');
    assert.match(report, /Signature Validation: Signature is Valid\./, report);
    assert.match(report, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(report, /Total document signed/);
  }

  // The event the archive listens to, with stored files of this cooperative.
  const ev = completed.find((p) => p.requestId === r.id);
  assert.ok(ev);
  assert.deepEqual(Object.keys(ev).sort(), [
    'evidenceFileId',
    'fileId',
    'kind',
    'requestId',
    'signedAt',
    'title',
    'userId',
  ]);
  assert.equal(ev.userId, a.users.entrepreneur.id);
  assert.equal(ev.kind, 'cape');
  assert.equal(ev.signedAt, evidence.signedAt);
  const files = await coreDb(odb.db)
    .selectFrom('stored_file')
    .select(['id', 'sha256', 'cooperative_id'])
    .where('id', 'in', [ev.fileId, ev.evidenceFileId])
    .execute();
  assert.equal(files.length, 2);
  assert.ok(files.every((f) => f.cooperative_id === a.coop.id));
  assert.equal(files.find((f) => f.id === ev.fileId)?.sha256, sha256Hex(sealed.content));
  const row = await coreDb(odb.db)
    .selectFrom('domain_event')
    .select('payload')
    .where('name', '=', 'signatures.completed')
    .where(sql<boolean>`payload->>'requestId' = ${r.id}`)
    .executeTakeFirst();
  assert.ok(row, 'the event is written to the outbox table');

  // Signed: no second signature, out of the inbox, every step in the audit log.
  await assert.rejects(
    inA((trx) => signWithCode(trx, me(), key, r.id, { code, consent: true, userAgent: null })),
    /déjà signé/,
  );
  const inbox = await inA((trx) => computeInbox(trx as never, me(), todayParis()));
  assert.ok(!inbox.some((i: { key: string }) => i.key === `signatures.sign:${r.id}`));
  const actions = (
    await coreDb(odb.db).selectFrom('audit_log').select('action').where('target_id', '=', r.id).execute()
  ).map((x) => x.action);
  for (const a of ['signatures.request.prepared', 'signatures.code.sent', 'signatures.request.signed'])
    assert.ok(actions.includes(a), `${a} audited (${actions.join(', ')})`);
});

test('a PDF with one byte changed inside the signed range fails the check (and pdfsig)', async () => {
  const r = await prepareCape();
  await inA((trx) => sendSignatureCode(trx, me(), key, r.id));
  const code = await lastCode(a.users.entrepreneur.email);
  await inA((trx) => signWithCode(trx, me(), key, r.id, { code, consent: true, userAgent: null }));
  const sealed = await inA((trx) => readSignatureFile(trx, me(), key, r.id, 'signed'));
  assert.ok(verifySealedPdf(sealed.content).ok);
  const changed = Buffer.from(sealed.content);
  // A byte of the document's info, well inside the first signed range.
  const at = changed.indexOf('Radieuse');
  assert.ok(at > 0 && at < (verifySealedPdf(sealed.content).byteRange?.[1] ?? 0));
  changed[at] = 'X'.charCodeAt(0);
  const check = verifySealedPdf(changed);
  assert.equal(check.ok, false);
  assert.notEqual(check.signedDigest, check.messageDigest);
  assert.match(check.problems.join(' '), /document modifié/);
  if (!toolSkip('/usr/bin/pdfsig', 'poppler-utils')) {
    const dir = mkdtempSync(join(tmpdir(), 'sig-'));
    writeFileSync(join(dir, 'changed.pdf'), changed);
    let report = '';
    try {
      report = execFileSync('/usr/bin/pdfsig', [join(dir, 'changed.pdf')]).toString('utf8');
    } catch (e) {
      report = String((e as { stdout?: Buffer }).stdout ?? '');
    }
    assert.doesNotMatch(report, /Signature is Valid/);
  }
});

test('five wrong codes lock the code: even the right one is then refused until a new code is sent', async () => {
  const r = await prepareCape();
  const t0 = new Date();
  await inA((trx) => sendSignatureCode(trx, me(), key, r.id, t0));
  const code = await lastCode(a.users.entrepreneur.email);
  for (let i = 1; i <= 5; i++) {
    const res = await inA((trx) =>
      signWithCode(trx, me(), key, r.id, { code: wrongCode(code), consent: true, userAgent: null }, t0),
    );
    assert.equal(res.signed, false);
    if (!res.signed) assert.match(res.message, i < 5 ? new RegExp(`encore ${5 - i} essai`) : /dernier essai/);
  }
  const locked = await inA((trx) => signWithCode(trx, me(), key, r.id, { code, consent: true, userAgent: null }, t0));
  assert.equal(locked.signed, false);
  if (!locked.signed) assert.match(locked.message, /Demandez d’abord un code/);
  // A new code within the minute is refused (rate limit); after it, the new code signs.
  await assert.rejects(
    inA((trx) => sendSignatureCode(trx, me(), key, r.id, new Date(t0.getTime() + 30_000))),
    /attendez une minute/,
  );
  const t1 = new Date(t0.getTime() + 61_000);
  await inA((trx) => sendSignatureCode(trx, me(), key, r.id, t1));
  const fresh = await lastCode(a.users.entrepreneur.email);
  const ok = await inA((trx) =>
    signWithCode(trx, me(), key, r.id, { code: fresh, consent: true, userAgent: null }, t1),
  );
  assert.ok(ok.signed);
  const actions = (
    await coreDb(odb.db).selectFrom('audit_log').select('action').where('target_id', '=', r.id).execute()
  ).map((x) => x.action);
  assert.equal(actions.filter((x) => x === 'signatures.code.failed').length, 4);
  assert.equal(actions.filter((x) => x === 'signatures.code.locked').length, 1);
});

test('an expired code is refused; no more than five codes an hour; consent is required', async () => {
  const r = await prepareCape();
  const t0 = new Date();
  await inA((trx) => sendSignatureCode(trx, me(), key, r.id, t0));
  const code = await lastCode(a.users.entrepreneur.email);
  const noConsent = await inA((trx) =>
    signWithCode(trx, me(), key, r.id, { code, consent: false, userAgent: null }, t0),
  );
  assert.equal(noConsent.signed, false);
  if (!noConsent.signed) assert.equal(noConsent.field, 'consent');
  const late = new Date(t0.getTime() + 10 * 60_000 + 1000);
  const res = await inA((trx) => signWithCode(trx, me(), key, r.id, { code, consent: true, userAgent: null }, late));
  assert.equal(res.signed, false);
  if (!res.signed) assert.match(res.message, /expiré/);
  assert.equal((await inA((trx) => getSignatureRequest(trx, me(), r.id))).status, 'pending');
  // Four more codes in the hour are allowed (five in all), the sixth is refused.
  for (let i = 1; i <= 4; i++)
    await inA((trx) => sendSignatureCode(trx, me(), key, r.id, new Date(t0.getTime() + i * 61_000)));
  await assert.rejects(
    inA((trx) => sendSignatureCode(trx, me(), key, r.id, new Date(t0.getTime() + 5 * 61_000))),
    /Trop de codes/,
  );
});

test('another person of the cooperative, or anyone of another cooperative, can neither see nor sign (not found)', async () => {
  const r = await prepareCape();
  const other: Actor = a.actor('cape');
  const others: [Actor, string][] = [
    [other, a.coop.id],
    [a.actor('accountant'), a.coop.id],
    [b.actor('entrepreneur'), b.coop.id],
    [b.actor('support'), b.coop.id],
  ];
  for (const [actor, coopId] of others) {
    const inCoop = <T>(f: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
      withTenant(odb.db, coopId, f);
    await assert.rejects(
      inCoop((trx) => getSignatureRequest(trx, actor, r.id)),
      NotFoundError,
    );
    await assert.rejects(
      inCoop((trx) => readSignatureFile(trx, actor, key, r.id, 'document')),
      NotFoundError,
    );
    await assert.rejects(
      inCoop((trx) => sendSignatureCode(trx, actor, key, r.id)),
      NotFoundError,
    );
    await assert.rejects(
      inCoop((trx) => signWithCode(trx, actor, key, r.id, { code: '000000', consent: true, userAgent: null })),
      NotFoundError,
    );
    const listed = await inCoop((trx) => listSignatureRequests(trx, actor));
    assert.ok(!listed.some((x) => x.id === r.id));
  }
  // Support of another cooperative cannot prepare for a person of this one.
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (trx) =>
      prepareSignature(
        trx,
        b.actor('support'),
        key,
        { kind: 'amendment', userId: a.users.entrepreneur.id, startDate: START, subject: 'Temps partiel' },
        links,
      ),
    ),
    (e: unknown) => e instanceof UserError && e.fields.userId !== undefined,
  );
});

test('the team cancels or resends; a cancelled request cannot be signed; bad input is refused field by field', async () => {
  const r = await prepareCape();
  await assert.rejects(
    inA((trx) => resendSignatureRequest(trx, a.actor('director'), r.id, links)),
    /attendez une minute/,
  );
  await inA((trx) => cancelSignatureRequest(trx, a.actor('director'), r.id));
  assert.equal((await inA((trx) => getSignatureRequest(trx, me(), r.id))).status, 'cancelled');
  await assert.rejects(
    inA((trx) => sendSignatureCode(trx, me(), key, r.id)),
    /annulée/,
  );
  await assert.rejects(
    inA((trx) =>
      prepareSignature(
        trx,
        a.actor('support'),
        key,
        {
          kind: 'cape',
          userId: a.users.entrepreneur.id,
          activityId: a.activityId,
          startDate: START,
          endDate: '2029-01-01',
        },
        links,
      ),
    ),
    (e: unknown) => e instanceof UserError && /un an au plus/.test(e.fields.endDate ?? ''),
  );
  await assert.rejects(
    inA((trx) =>
      prepareSignature(
        trx,
        a.actor('support'),
        key,
        { kind: 'associate-application', userId: a.users.entrepreneur.id, startDate: START, amount: 'abc' },
        links,
      ),
    ),
    (e: unknown) => e instanceof UserError && !!e.fields.amount,
  );
  // The activity must be the person's own.
  await assert.rejects(
    inA((trx) =>
      prepareSignature(
        trx,
        a.actor('support'),
        key,
        { kind: 'cesa', userId: a.users.cape.id, activityId: a.activityId, startDate: START },
        links,
      ),
    ),
    (e: unknown) => e instanceof UserError && !!e.fields.activityId,
  );
});

test('every kind renders its clauses, amounts from integer cents; the built-in provider implements the adapter interface', async () => {
  const provider = simpleSignatureProvider(key, links);
  const made = await inA(async (trx) => {
    const s = a.actor('support');
    return [
      await provider.createRequest(trx, s, {
        kind: 'cesa',
        userId: a.users.entrepreneur.id,
        activityId: a.activityId,
        startDate: START,
        amount: '1 850,00',
      }),
      await provider.createRequest(trx, s, {
        kind: 'associate-application',
        userId: a.users.entrepreneur.id,
        startDate: START,
        amount: '500',
      }),
      await provider.createRequest(trx, s, {
        kind: 'amendment',
        userId: a.users.entrepreneur.id,
        startDate: START,
        subject: 'Passage à mi-temps',
      }),
    ];
  });
  assert.deepEqual(
    made.map((m) => m.status),
    ['pending', 'pending', 'pending'],
  );
  if (!toolSkip('/usr/bin/pdftotext', 'poppler-utils')) {
    const expect = [/1 850,00 €/, /500,00 €/, /Passage à mi-temps/];
    for (const [i, m] of made.entries()) {
      const doc = await inA((trx) => readSignatureFile(trx, me(), key, m.requestId, 'document'));
      const dir = mkdtempSync(join(tmpdir(), 'sig-'));
      writeFileSync(join(dir, 'c.pdf'), doc.content);
      const text = execFileSync('/usr/bin/pdftotext', [join(dir, 'c.pdf'), '-'])
        .toString('utf8')
        .replace(/\u00a0|\u202f/g, ' ');
      assert.match(text, expect[i]);
    }
  }
  const m = made[2];
  assert.equal(await inA((trx) => provider.status(trx, me(), m.requestId)), 'pending');
  await inA((trx) => sendSignatureCode(trx, me(), key, m.requestId));
  const code = await lastCode(a.users.entrepreneur.email);
  await inA((trx) => signWithCode(trx, me(), key, m.requestId, { code, consent: true, userAgent: null }));
  assert.equal(await inA((trx) => provider.status(trx, me(), m.requestId)), 'signed');
  const got = await inA((trx) => provider.fetchSigned(trx, me(), m.requestId));
  assert.ok(verifySealedPdf(got.pdf).ok);
  assert.equal((JSON.parse(got.evidence.toString('utf8')) as SignatureEvidence).document.kind, 'amendment');
});

test('`radieuse signature certificate` imports a P12 (password from the environment); later seals use it', async () => {
  const bundle = generateSelfSignedP12({ name: 'Coopérative beta (autorité)', siren: b.coop.siren, city: 'Lyon' });
  const dir = mkdtempSync(join(tmpdir(), 'sig-'));
  const file = join(dir, 'cachet.p12');
  writeFileSync(file, bundle.p12);
  // The CLI closes its database at the end: hand it a view that keeps ours open.
  const keep = { ...odb, close: async () => {} } as OpenDb;
  // Only stderr is captured: the test runner reports on stdout.
  const lines: string[] = [];
  const errWrite = process.stderr.write.bind(process.stderr);
  // The command reads its configuration from the environment: the test servers' file key.
  const previousKey = process.env.RADIEUSE_FILE_KEY;
  process.env.RADIEUSE_FILE_KEY = '7'.repeat(64);
  process.env.RADIEUSE_P12_PASSWORD = 'mauvais';
  let bad: number;
  let good: number;
  try {
    process.stderr.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    bad = await runCli(
      signaturesCommands,
      ['signature', 'certificate', '--cooperative', b.coop.slug, '--p12', file],
      async () => keep,
    );
    process.stderr.write = errWrite;
    process.env.RADIEUSE_P12_PASSWORD = bundle.passphrase;
    good = await runCli(
      signaturesCommands,
      ['signature', 'certificate', '--cooperative', b.coop.slug, '--p12', file, '--format', 'json'],
      async () => keep,
    );
  } finally {
    process.stderr.write = errWrite;
    delete process.env.RADIEUSE_P12_PASSWORD;
    if (previousKey === undefined) delete process.env.RADIEUSE_FILE_KEY;
    else process.env.RADIEUSE_FILE_KEY = previousKey;
  }
  assert.equal(bad, 2, lines.join(''));
  assert.match(lines.join(''), /mot de passe incorrect/);
  assert.equal(good, 0);
  const imported = await withTenant(odb.db, b.coop.id, (trx) => cooperativeCertificate(trx, b.actor('director')));
  assert.equal(imported?.source, 'imported');
  const printed = { fingerprint: imported?.fingerprint ?? '' };
  // A contract of cooperative beta is now sealed with the imported certificate.
  const inB = <T>(f: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
    withTenant(odb.db, b.coop.id, f);
  const r = await inB((trx) =>
    prepareSignature(
      trx,
      b.actor('director'),
      key,
      { kind: 'associate-application', userId: b.users.entrepreneur.id, startDate: START, amount: '100' },
      links,
    ),
  );
  const signer = b.actor('entrepreneur');
  await inB((trx) => sendSignatureCode(trx, signer, key, r.id));
  const code = await lastCode(b.users.entrepreneur.email);
  await inB((trx) => signWithCode(trx, signer, key, r.id, { code, consent: true, userAgent: null }));
  const sealed = await inB((trx) => readSignatureFile(trx, signer, key, r.id, 'signed'));
  const check = verifySealedPdf(sealed.content);
  assert.ok(check.ok, check.problems.join('; '));
  assert.equal(check.certificateSha256, printed.fingerprint);
  assert.match(check.certificateSubject ?? '', /autorité/);
});

test('erasing a person keeps their signed contracts and evidence, and deletes the requests never signed with their PDF', async () => {
  const signer = a.actor('cape');
  const prepare = () =>
    inA((trx) =>
      prepareSignature(
        trx,
        a.actor('support'),
        key,
        { kind: 'amendment', userId: a.users.cape.id, startDate: START, subject: 'Temps partiel' },
        links,
      ),
    );
  const signedReq = await prepare();
  const pending = await prepare();
  await inA((trx) => sendSignatureCode(trx, signer, key, signedReq.id));
  const code = await lastCode(a.users.cape.email);
  const res = await inA((trx) =>
    signWithCode(trx, signer, key, signedReq.id, { code, consent: true, userAgent: null }),
  );
  assert.ok(res.signed);
  const lines = await withSystem(odb.db, (tx) =>
    erasePersonalData(
      tx,
      { cooperativeId: a.coop.id, userId: a.users.cape.id, email: a.users.cape.email },
      [signaturesPersonalData],
      { dryRun: false },
    ),
  );
  assert.ok(lines.some((l) => l.action === 'conservé' && l.rows === 1));
  assert.ok(lines.some((l) => l.action === 'supprimé' && l.rows === 1));
  assert.equal((await inA((trx) => getSignatureRequest(trx, signer, signedReq.id))).status, 'signed');
  await assert.rejects(
    inA((trx) => getSignatureRequest(trx, signer, pending.id)),
    NotFoundError,
  );
  const sealed = await inA((trx) => readSignatureFile(trx, signer, key, signedReq.id, 'signed'));
  assert.ok(verifySealedPdf(sealed.content).ok);
  const left = await coreDb(odb.db)
    .selectFrom('stored_file')
    .select('id')
    .where('sha256', '=', pending.documentSha256)
    .where('cooperative_id', '=', a.coop.id)
    .execute();
  assert.equal(left.length, 0, 'the PDF of the unsigned request is deleted with it');
});
