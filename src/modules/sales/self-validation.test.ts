// Security issue 11, item 10: an entrepreneur's self-validation runs the automatic checks of
// support's queue; a probable duplicate goes to support (submitted) instead of being validated.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createCustomer } from './customer.service.ts';
import { UserError } from '../../core/errors.ts';
import { createDraft, getInvoice, validateInvoice, type InvoiceDraftInput } from './invoice.service.ts';
import { heldMessage, selfValidateInvoice } from './inbox.ts';

let odb: OpenDb;
let A: TestCoop;
let input: InvoiceDraftInput;
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  const customerId = (
    await withTenant(odb.db, A.coop.id, (trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'individual',
        name: 'Jeanne Martin',
        email: 'jeanne@example.test',
        addressLine1: '8 place Bellecour',
        postalCode: '69002',
        city: 'Lyon',
        countryCode: 'FR',
      }),
    )
  ).id;
  input = {
    activityId: A.activityId,
    customerId,
    lines: [{ description: 'Atelier', quantityMilli: 1000, unitPriceCents: 5000, vatCategory: 'S', vatRateBp: 2000 }],
  };
});
after(async () => {
  await odb?.close();
});

test('two identical invoices: the second, self-validated, stays submitted with the duplicate warning', async () => {
  const ent = A.actor('entrepreneur');
  const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);
  const first = await tx(async (trx) => selfValidateInvoice(trx, ent, (await createDraft(trx, ent, input)).id));
  assert.deepEqual(first.held, []);
  assert.equal(first.invoice.status, 'validated');
  const second = await tx(async (trx) => selfValidateInvoice(trx, ent, (await createDraft(trx, ent, input)).id));
  assert.equal(second.invoice.status, 'submitted');
  assert.equal(second.invoice.number, null);
  assert.equal(second.held.length, 1);
  assert.match(second.held[0], /doublon/);
  assert.match(heldMessage(second.held), /^Facture transmise à l'équipe d'accompagnement pour validation/);
  // support, validating from its queue, is not held back by the warning it already sees
  const bySupport = await tx((trx) => selfValidateInvoice(trx, A.actor('support'), second.invoice.id));
  assert.equal(bySupport.invoice.status, 'validated');
});

test('calling the validation service directly (CLI, API) runs the same checks: a duplicate is refused, no number taken', async () => {
  const ent = A.actor('entrepreneur');
  const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);
  const third = await tx((trx) => createDraft(trx, ent, input));
  await assert.rejects(
    tx((trx) => validateInvoice(trx, ent, third.id)),
    (e: unknown) => e instanceof UserError && /doublon/.test(e.message) && /accompagnement/.test(e.message),
  );
  const after = await tx((trx) => getInvoice(trx, ent, third.id));
  assert.equal(after?.status, 'draft');
  assert.equal(after?.number, null);
});
