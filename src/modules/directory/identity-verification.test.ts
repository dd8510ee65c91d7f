// Identity verification by support: the deposit (typed by content, size-limited, encrypted), the
// decision recorded in the audit log (who, when, how), the retention rule applied to the document,
// the badge, and the two guards (bank details change, first salary is in ledger's test).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedTestCooperatives, TEST_PASSWORD, TEST_PNG, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { ForbiddenError } from '../../core/actor.ts';
import type { Config } from '../../core/config.ts';
import { coreDb } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { erasePersonalData } from '../../core/personal-data.ts';
import { directoryPersonalData } from './personal-data.ts';
import { UserError } from '../../core/errors.ts';
import { setBankDetails } from './bank-details.service.ts';
import {
  decideIdentityVerification,
  isIdentityVerified,
  listIdentityVerifications,
  ownIdentityVerification,
  readIdentityDocument,
  setIdentityDocumentRetention,
  submitIdentityDocument,
} from './identity-verification.service.ts';
import { directoryDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let config: Config;
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app, config } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
});
after(() => odb.close());

const inA = <T>(f: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
  withTenant(odb.db, a.coop.id, f);
const nextYear = `${new Date().getFullYear() + 3}-06-30`;
const storedFiles = async () =>
  Number(
    (
      await coreDb(odb.db)
        .selectFrom('stored_file')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('cooperative_id', '=', a.coop.id)
        .executeTakeFirstOrThrow()
    ).n,
  );

test('the deposit is typed by its content and size-limited; it is stored encrypted', async () => {
  const me = a.actor('entrepreneur');
  await assert.rejects(
    inA((trx) =>
      submitIdentityDocument(trx, me, config.fileKey, { name: 'cni.png', content: Buffer.from('<html>x</html>') }),
    ),
    /pièce d'identité en PDF ou en photo/,
  );
  await assert.rejects(
    inA((trx) =>
      submitIdentityDocument(trx, me, config.fileKey, {
        name: 'cni.pdf',
        content: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6 * 1024 * 1024)]),
      }),
    ),
    /dépasse 5 Mo/,
  );
  const before = await storedFiles();
  const v = await inA((trx) => submitIdentityDocument(trx, me, config.fileKey, { name: 'cni.png', content: TEST_PNG }));
  assert.equal(v.status, 'pending');
  assert.equal(await storedFiles(), before + 1);
  const enc = await coreDb(odb.db)
    .selectFrom('stored_file')
    .select('content')
    .where('cooperative_id', '=', a.coop.id)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  assert.ok(!Buffer.from(enc.content).includes(TEST_PNG.subarray(0, 16)), 'stored encrypted, not in clear');
  // A second deposit replaces the first (its file deleted).
  await inA((trx) => submitIdentityDocument(trx, me, config.fileKey, { name: 'cni2.png', content: TEST_PNG }));
  assert.equal(await storedFiles(), before + 1);
  assert.equal((await inA((trx) => ownIdentityVerification(trx, me))).status, 'pending');
});

test('only support, direction and the network team see and decide; never on oneself; never across cooperatives', async () => {
  for (const role of ['entrepreneur', 'cape', 'accountant'] as const)
    await assert.rejects(
      inA((trx) => listIdentityVerifications(trx, a.actor(role))),
      ForbiddenError,
    );
  const [pending] = (await inA((trx) => listIdentityVerifications(trx, a.actor('support')))).filter(
    (r) => r.status === 'pending',
  );
  assert.equal(pending.userId, a.users.entrepreneur.id);
  for (const role of ['entrepreneur', 'cape', 'accountant'] as const)
    await assert.rejects(
      inA((trx) => decideIdentityVerification(trx, a.actor(role), pending.id, { decision: 'verified' })),
      ForbiddenError,
    );
  await assert.rejects(
    inA((trx) => readIdentityDocument(trx, a.actor('accountant'), config.fileKey, pending.id)),
    ForbiddenError,
  );
  // Support of the other cooperative does not even find it (row-level security).
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (trx) => readIdentityDocument(trx, b.actor('support'), config.fileKey, pending.id)),
    /introuvable/,
  );
  // The support person's own deposit is decided by someone else.
  const own = await inA((trx) =>
    submitIdentityDocument(trx, a.actor('support'), config.fileKey, { name: 'moi.png', content: TEST_PNG }),
  );
  await assert.rejects(
    inA((trx) =>
      decideIdentityVerification(trx, a.actor('support'), own.id, {
        decision: 'verified',
        documentType: 'cni',
        documentExpiry: nextYear,
      }),
    ),
    ForbiddenError,
  );
});

test('verifying records who, when and how in the audit log, deletes the document by default, and gives the badge', async () => {
  const support = a.actor('support');
  const [pending] = (await inA((trx) => listIdentityVerifications(trx, support))).filter(
    (r) => r.status === 'pending' && r.userId === a.users.entrepreneur.id,
  );
  const file = await inA((trx) => readIdentityDocument(trx, support, config.fileKey, pending.id));
  assert.deepEqual(file.content, TEST_PNG);
  await assert.rejects(
    inA((trx) =>
      decideIdentityVerification(trx, support, pending.id, {
        decision: 'verified',
        documentType: 'cni',
        documentExpiry: '2020-01-01',
      }),
    ),
    /expirée/,
  );
  await assert.rejects(
    inA((trx) =>
      decideIdentityVerification(trx, support, pending.id, { decision: 'verified', documentExpiry: nextYear }),
    ),
    /type de pièce/,
  );
  const files = await storedFiles();
  const v = await inA((trx) =>
    decideIdentityVerification(trx, support, pending.id, {
      decision: 'verified',
      documentType: 'passport',
      documentExpiry: nextYear,
    }),
  );
  assert.equal(v.status, 'verified');
  assert.equal(v.hasDocument, false);
  assert.equal(await storedFiles(), files - 1, 'the document is deleted (default rule)');
  assert.ok(await inA((trx) => isIdentityVerified(trx, a.coop.id, a.users.entrepreneur.id)));
  const log = await coreDb(odb.db)
    .selectFrom('audit_log')
    .select(['action', 'actor_user_id', 'at', 'data', 'target_id'])
    .where('cooperative_id', '=', a.coop.id)
    .where('action', 'in', ['identity.verified', 'identity.document_viewed'])
    .orderBy('seq')
    .execute();
  assert.deepEqual(
    log.map((l) => l.action),
    ['identity.document_viewed', 'identity.verified'],
  );
  const verified = log[1];
  assert.equal(verified.actor_user_id, a.users.support.id);
  assert.equal(verified.target_id, a.users.entrepreneur.id);
  const data = (typeof verified.data === 'string' ? JSON.parse(verified.data) : verified.data) as Record<
    string,
    unknown
  >;
  assert.equal(data.documentType, 'passport');
  assert.equal(data.documentExpiry, nextYear);
  assert.equal(data.method, 'document_checked_by_support');
  assert.equal(data.documentDeleted, true);
  // Nothing more to deposit; the member page shows the badge.
  await assert.rejects(
    inA((trx) =>
      submitIdentityDocument(trx, a.actor('entrepreneur'), config.fileKey, { name: 'x.png', content: TEST_PNG }),
    ),
    /déjà vérifiée/,
  );
  const s = new TestClient(app);
  await s.signIn(a.users.support.email, TEST_PASSWORD);
  const page = await s.get(`/membres/${a.users.entrepreneur.id}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Identité vérifiée/);
  const other = await s.get(`/membres/${a.users.cape.id}`);
  assert.match(other.html, /Non vérifiée/);
});

test('the retention rule: only the direction sets it; "keep" keeps the document; a refusal always deletes it', async () => {
  await assert.rejects(
    inA((trx) => setIdentityDocumentRetention(trx, a.actor('support'), 'keep')),
    ForbiddenError,
  );
  await assert.rejects(
    inA((trx) => setIdentityDocumentRetention(trx, a.actor('director'), 'forever')),
    UserError,
  );
  await inA((trx) => setIdentityDocumentRetention(trx, a.actor('director'), 'keep'));
  const cape = a.actor('cape');
  const v1 = await inA((trx) =>
    submitIdentityDocument(trx, cape, config.fileKey, { name: 'c.png', content: TEST_PNG }),
  );
  await assert.rejects(
    inA((trx) => decideIdentityVerification(trx, a.actor('director'), v1.id, { decision: 'rejected' })),
    /pourquoi/,
  );
  const files = await storedFiles();
  const r = await inA((trx) =>
    decideIdentityVerification(trx, a.actor('director'), v1.id, { decision: 'rejected', note: 'Photo illisible' }),
  );
  assert.equal(r.status, 'rejected');
  assert.equal(await storedFiles(), files - 1);
  assert.equal((await inA((trx) => ownIdentityVerification(trx, cape))).latest?.note, 'Photo illisible');
  const v2 = await inA((trx) =>
    submitIdentityDocument(trx, cape, config.fileKey, { name: 'c.png', content: TEST_PNG }),
  );
  const kept = await inA((trx) =>
    decideIdentityVerification(trx, a.actor('director'), v2.id, {
      decision: 'verified',
      documentType: 'residence_permit',
      documentExpiry: nextYear,
    }),
  );
  assert.equal(kept.hasDocument, true);
  assert.deepEqual(
    (await inA((trx) => readIdentityDocument(trx, a.actor('support'), config.fileKey, v2.id))).content,
    TEST_PNG,
  );
  await inA((trx) => setIdentityDocumentRetention(trx, a.actor('director'), 'delete'));
});

test('a change of bank details needs a verified identity (the first entry does not)', async () => {
  const IBAN1 = 'FR7630006000011234567890189';
  const IBAN2 = 'FR1420041010050500013M02606';
  const acc = a.actor('accountant');
  await inA((trx) => setBankDetails(trx, acc, a.users.accountant.id, { iban: IBAN1, bic: '' }));
  await inA((trx) => setBankDetails(trx, acc, a.users.accountant.id, { iban: IBAN1, bic: '' }));
  await assert.rejects(
    inA((trx) => setBankDetails(trx, acc, a.users.accountant.id, { iban: IBAN2, bic: '' })),
    /faites d'abord vérifier votre identité/,
  );
  // The verified entrepreneur changes theirs freely.
  const ent = a.actor('entrepreneur');
  await inA((trx) => setBankDetails(trx, ent, a.users.entrepreneur.id, { iban: IBAN1, bic: '' }));
  await inA((trx) => setBankDetails(trx, ent, a.users.entrepreneur.id, { iban: IBAN2, bic: '' }));
});

test('pages: the member deposits through /profil/identite; support decides through /identites; others are refused', async () => {
  const m = new TestClient(app);
  await m.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  const own = await m.get('/profil/identite');
  assert.equal(own.res.status, 200);
  assert.match(own.html, /Non vérifiée/);
  const body = new FormData();
  body.append('_csrf', m.csrf);
  body.append('document', new Blob([new Uint8Array(TEST_PNG)], { type: 'image/png' }), 'cni.png');
  const up = await app.request('http://localhost/profil/identite', {
    method: 'POST',
    body,
    headers: { cookie: [...m.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(up.status, 302);
  assert.match((await m.get('/profil/identite')).html, /En attente de vérification/);
  assert.equal((await m.get('/identites')).res.status, 403);

  const s = new TestClient(app);
  await s.signIn(b.users.support.email, TEST_PASSWORD);
  const list = await s.get('/identites');
  assert.equal(list.res.status, 200);
  const id = list.html.match(/\/identites\/([0-9a-f-]{36})/)![1];
  const doc = await s.get(`/identites/${id}/piece`);
  assert.equal(doc.res.status, 200);
  assert.equal(doc.res.headers.get('content-type'), 'image/png');
  const bad = await s.post(`/identites/${id}/decider`, {
    decision: 'verified',
    documentType: 'cni',
    documentExpiry: '',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /fin de validité/);
  const ok = await s.post(`/identites/${id}/decider`, {
    decision: 'verified',
    documentType: 'cni',
    documentExpiry: nextYear,
  });
  assert.equal(ok.res.status, 302);
  assert.match((await m.get('/profil/identite')).html, /Identité vérifiée/);
  // The member of the other cooperative's support sees nothing of it.
  const sa = new TestClient(app);
  await sa.signIn(a.users.support.email, TEST_PASSWORD);
  assert.equal((await sa.get(`/identites/${id}`)).res.status, 404);
});

test('erasing a person deletes their verifications and a document the cooperative kept', async () => {
  const kept = await directoryDb(odb.db)
    .selectFrom('identity_verification')
    .select('file_id')
    .where('user_id', '=', a.users.cape.id)
    .where('file_id', 'is not', null)
    .executeTakeFirstOrThrow();
  const files = await storedFiles();
  // The directory's rule for verifications, applied by the core's erasure engine.
  const rules = [
    { module: 'directory', rules: directoryPersonalData.rules.filter((r) => r.table === 'identity_verification') },
  ];
  await withSystem(odb.db, (tx) =>
    erasePersonalData(tx, { cooperativeId: a.coop.id, userId: a.users.cape.id, email: a.users.cape.email }, rules, {
      dryRun: false,
    }),
  );
  assert.equal(await storedFiles(), files - 1);
  const left = await coreDb(odb.db).selectFrom('stored_file').select('id').where('id', '=', kept.file_id!).execute();
  assert.equal(left.length, 0);
  assert.equal(
    (
      await directoryDb(odb.db)
        .selectFrom('identity_verification')
        .select('id')
        .where('user_id', '=', a.users.cape.id)
        .execute()
    ).length,
    0,
  );
});
