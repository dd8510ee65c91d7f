// Issue 11, "parallel requests on every money-changing action give exactly one effect": the
// sales side. Ten clicks at once on "Enregistrer le paiement" for the whole amount, and several
// credit notes of the whole invoice validated at the same moment: one effect, one entry, the
// others refused in French. Meaningful on PostgreSQL (real concurrent transactions); on PGlite
// the transactions queue, and the same assertions hold.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { todayParis } from '../../core/dates.ts';
import { createCustomer } from './customer.service.ts';
import {
  createCreditNote,
  createDraft,
  getInvoice,
  recordPayment,
  validateInvoice,
  type InvoiceDraftInput,
} from './invoice.service.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { LedgerTables } from '../ledger/index.ts';
import type { SalesTables } from './schema.ts';

const testDb = moduleView<LedgerTables & SalesTables>();

let odb: OpenDb;
let A: TestCoop;
let input: InvoiceDraftInput;
const inA = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);

before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  const customerId = (
    await inA((trx) =>
      createCustomer(trx, A.actor('support'), {
        kind: 'company',
        name: 'Atelier Lumière SARL',
        siren: makeSiren('41234567'),
        email: 'compta@atelier-lumiere.test',
        addressLine1: '3 rue Mercière',
        postalCode: '69002',
        city: 'Lyon',
        countryCode: 'FR',
      }),
    )
  ).id;
  input = {
    activityId: A.activityId,
    customerId,
    lines: [
      { description: 'Reportage', quantityMilli: 1000, unitPriceCents: 80_000, vatCategory: 'S', vatRateBp: 2000 },
    ],
  };
});
after(async () => {
  await odb?.close();
});

async function validated() {
  const support = A.actor('support');
  return inA(async (trx) => validateInvoice(trx, support, (await createDraft(trx, support, input)).id));
}

async function count(table: 'payment' | 'journal_entry', column: 'invoice_id' | 'source_id', id: string) {
  const r = await testDb(odb.db)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

test('ten payments of the whole amount at once: one payment, one entry, nine refusals in French', async () => {
  const inv = await validated();
  const clicks = await Promise.allSettled(
    Array.from({ length: 10 }, () =>
      inA((trx) =>
        recordPayment(trx, A.actor('accountant'), inv.id, { amountCents: inv.totalInclCents, date: todayParis() }),
      ),
    ),
  );
  assert.equal(clicks.filter((c) => c.status === 'fulfilled').length, 1);
  for (const c of clicks) if (c.status === 'rejected') assert.ok(c.reason instanceof UserError, String(c.reason));
  assert.equal(await count('payment', 'invoice_id', inv.id), 1);
  const paid = await inA((trx) => getInvoice(trx, A.actor('support'), inv.id));
  assert.equal(paid?.status, 'paid');
  assert.equal(paid?.paidCents, inv.totalInclCents);
});

test('six credit notes of the whole invoice validated at once: one is, five are refused, never over-credited', async () => {
  const inv = await validated();
  const support = A.actor('support');
  const drafts = [];
  for (let i = 0; i < 6; i++)
    drafts.push(await inA((trx) => createCreditNote(trx, support, inv.id, { reason: `Annulation ${i + 1}` })));
  const clicks = await Promise.allSettled(drafts.map((d) => inA((trx) => validateInvoice(trx, support, d.id))));
  assert.equal(clicks.filter((c) => c.status === 'fulfilled').length, 1);
  for (const c of clicks) if (c.status === 'rejected') assert.match(String(c.reason), /dépasse le montant restant/);
  const credited = await testDb(odb.db)
    .selectFrom('invoice')
    .select(['id', 'total_incl_cents'])
    .where('preceding_invoice_id', '=', inv.id)
    .where('number', 'is not', null)
    .execute();
  assert.equal(credited.length, 1);
  assert.equal(Number(credited[0].total_incl_cents), inv.totalInclCents);
});
