// Data access and erasure requests: the export holds every row about the person and their files;
// erasure removes what may go, keeps what the law requires (and says why), leaves the books and
// the audit chain intact, and the person can no longer sign in.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { coreDb, withTenant } from '../core/db/tenant.ts';
import type { OpenDb } from '../core/db/index.ts';
import { frenchVatFromSiren, makeSiren } from '../core/identifiers.ts';
import { verifyPassword } from '../core/auth/password.ts';
import { notify } from '../modules/inbox/index.ts';
import { addDocument, createJourney } from '../modules/journeys/index.ts';
import { createCustomer, createDraft, validateInvoice } from '../modules/sales/index.ts';
import { runIntegrity } from './integrity.ts';
import { erasePerson, exportPerson, runRetention } from './personal-data.ts';
import { createTestDb, seedTestCooperatives, TEST_PASSWORD, type TestCoop } from './testing.ts';

const KEY = Buffer.alloc(32, 3);
const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
let odb: OpenDb;
let A: TestCoop;
let email: string;
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: true });
  email = A.users.entrepreneur.email;
  await withTenant(odb.db, A.coop.id, async (trx) => {
    const sup = A.actor('support');
    const j = await createJourney(trx, sup, {
      displayName: 'Entrepreneur Alpha',
      userId: A.users.entrepreneur.id,
      email,
      startedOn: '2026-01-05',
    });
    await addDocument(trx, sup, KEY, j.id, {
      stage: 'cape',
      kind: "Pièce d'identité",
      fileName: 'identite.pdf',
      mimeType: 'application/pdf',
      content: PDF,
    });
    await notify(trx, sup, A.users.entrepreneur.id, 'test', 'Votre facture est validée.');
    const siren = makeSiren('55210055');
    const ent = A.actor('entrepreneur');
    const c = await createCustomer(trx, ent, {
      kind: 'company',
      name: 'Café Central',
      siren,
      vatNumber: frenchVatFromSiren(siren),
      addressLine1: '5 place Bellecour',
      postalCode: '69002',
      city: 'Lyon',
      countryCode: 'FR',
    });
    const d = await createDraft(trx, ent, {
      activityId: A.activityId,
      customerId: c.id,
      lines: [
        { description: 'Atelier', quantityMilli: 1000, unitPriceCents: 50_000, vatCategory: 'S', vatRateBp: 2000 },
      ],
    });
    await validateInvoice(trx, sup, d.id);
  });
});
after(() => odb.close());

const count = async (table: string, where: ReturnType<typeof sql>) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(coreDb(odb.db)))
    .rows[0].n;

test('the export holds the account, the journey, the notification, the invoice and the identity document', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'radieuse-person-'));
  const r = await exportPerson(odb, A.coop, email, dir, KEY);
  const doc = JSON.parse(readFileSync(join(dir, 'personne.json'), 'utf8'));
  const tables = doc.sections.map((s: { table: string }) => s.table);
  for (const t of ['user_account', 'journey', 'journey_document', 'notification', 'invoice', 'membership'])
    assert.ok(tables.includes(t), `${t} missing from ${tables.join(', ')}`);
  const account = doc.sections.find((s: { table: string }) => s.table === 'user_account').rows[0];
  assert.equal(account.email, email);
  assert.equal(account.password_hash, '[secret non exporté]');
  assert.equal(r.files, 1);
  assert.deepEqual(readFileSync(join(dir, doc.files[0].path)), PDF);
});

test('a dry run changes nothing; the erasure keeps the books, erases the rest, and the person can no longer sign in', async () => {
  const userId = A.users.entrepreneur.id;
  const dry = await erasePerson(odb, A.coop, email, { dryRun: true });
  assert.ok(dry.lines.some((l) => l.table === 'journey_document' && l.action === 'supprimé'));
  assert.equal(await count('journey_document', sql`true`), 1, 'dry run deleted nothing');

  const r = await erasePerson(odb, A.coop, email, { dryRun: false });
  const kept = r.lines.filter((l) => l.action === 'conservé');
  assert.ok(kept.find((l) => l.table === 'invoice')?.reason?.includes('10 ans'));
  assert.equal(await count('journey_document', sql`true`), 0);
  assert.equal(await count('stored_file', sql`name = 'identite.pdf'`), 0, 'the identity document is gone');
  assert.equal(await count('notification', sql`user_id = ${userId}`), 0);
  assert.equal(await count('member_profile', sql`user_id = ${userId}`), 0);
  assert.equal(await count('journey', sql`display_name = 'Personne effacée' and email is null`), 1);
  assert.equal(await count('invoice', sql`number is not null`), 1, 'invoices are kept');
  assert.equal(await count('user_account', sql`lower(email) = lower(${email})`), 0, 'the address is gone');
  const account = await coreDb(odb.db)
    .selectFrom('user_account')
    .selectAll()
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  assert.equal(account.display_name, 'Personne effacée');
  assert.equal(account.password_hash, null);
  assert.ok(!(await verifyPassword(account.password_hash ?? '', TEST_PASSWORD).catch(() => false)));
  assert.ok(r.accountErased);
  // The books and the audit chain are still sound.
  assert.deepEqual(
    (await runIntegrity(odb, { fileKey: KEY })).filter((p) => p.cooperative === A.coop.slug),
    [],
  );
});

test('the retention job erases what is past its period and nothing else', async () => {
  await sql`insert into login_attempt (email, ok, at) values ('old@b.c', false, now() - interval '2 years'), ('new@b.c', false, now())`.execute(
    coreDb(odb.db),
  );
  const done = await runRetention(odb);
  assert.ok(done.some((d) => d.label.includes('login_attempt') && d.rows >= 1));
  assert.equal(await count('login_attempt', sql`email = 'old@b.c'`), 0);
  assert.equal(await count('login_attempt', sql`email = 'new@b.c'`), 1);
});
