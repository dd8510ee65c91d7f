// `radieuse check` finds what was changed behind the application's back: each tampering below is
// what an attacker or a broken restore would do, and each is named precisely.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { audit } from '../core/audit.ts';
import { coreDb, withTenant } from '../core/db/tenant.ts';
import type { OpenDb } from '../core/db/index.ts';
import { storeFile } from '../core/files.ts';
import { frenchVatFromSiren, makeSiren } from '../core/identifiers.ts';
import { createCustomer, createDraft, validateInvoice } from '../modules/sales/index.ts';
import { runIntegrity } from './integrity.ts';
import { createTestDb, seedTestCooperatives, type TestCoop } from './testing.ts';

const KEY = Buffer.alloc(32, 9);
let odb: OpenDb;
let A: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  await withTenant(odb.db, A.coop.id, async (trx) => {
    const ent = A.actor('entrepreneur');
    const siren = makeSiren('55210055');
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
    for (let i = 0; i < 3; i++) {
      const d = await createDraft(trx, ent, {
        activityId: A.activityId,
        customerId: c.id,
        lines: [
          {
            description: `Atelier ${i}`,
            quantityMilli: 1000,
            unitPriceCents: 50_000,
            vatCategory: 'S',
            vatRateBp: 2000,
          },
        ],
      });
      await validateInvoice(trx, A.actor('support'), d.id);
    }
    await audit(trx, A.actor('director'), { action: 'test.entry' });
    await storeFile(trx, KEY, {
      cooperativeId: A.coop.id,
      name: 'ticket.pdf',
      purpose: 'receipt',
      content: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
      createdBy: null,
    });
  });
});
after(() => odb.close());

const kinds = async () => (await runIntegrity(odb, { fileKey: KEY })).map((p) => `${p.cooperative}:${p.kind}`).sort();
const raw = (q: ReturnType<typeof sql>) => q.execute(coreDb(odb.db));

test('a sound database has no problem', async () => {
  assert.deepEqual(await kinds(), []);
});

test('an edited audit entry, a numbering gap, an unbalanced entry and an altered file are each reported', async () => {
  const slug = A.coop.slug;
  // Superuser edits (replica mode: the append-only triggers do not fire).
  await raw(sql`set session_replication_role = replica`);
  await raw(sql`update audit_log set action = 'rewritten' where cooperative_id = ${A.coop.id} and seq = 1`);
  assert.deepEqual(await kinds(), [`${slug}:audit_chain`]);
  await raw(sql`update invoice_number_sequence set last_value = last_value + 2 where cooperative_id = ${A.coop.id}`);
  await raw(sql`update entry_line set debit_cents = debit_cents + 1 where cooperative_id = ${A.coop.id} and debit_cents > 0
    and entry_id = (select id from journal_entry where cooperative_id = ${A.coop.id} order by entry_number limit 1) and line_no = 1`);
  await raw(sql`update stored_file set sha256 = repeat('0', 64) where cooperative_id = ${A.coop.id}`);
  await raw(sql`set session_replication_role = origin`);
  const found = await kinds();
  for (const k of ['audit_chain', 'numbering_gap', 'unbalanced_entry', 'file_hash'])
    assert.ok(found.includes(`${slug}:${k}`), `${k} not reported: ${found.join(', ')}`);
});
