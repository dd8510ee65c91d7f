// The search boxes of the customer, invoice and quote lists (core/db/text-search.ts), the
// invoice list's totals (credit notes subtracted) and the amounts due summed by the database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createActivity } from '../directory/index.ts';
import { createCustomer, listCustomers } from './customer.service.ts';
import {
  createCreditNote,
  createDraft,
  invoicesDue,
  listInvoices,
  recordPayment,
  submitInvoice,
  validateInvoice,
  type InvoiceFilters,
} from './invoice.service.ts';
import { createQuote, listQuotes } from './quote.service.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
const ids: Record<string, string> = {};
let n = 0;
const tx = <T>(coop: TestCoop, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, coop.coop.id, fn);

const customer = (coop: TestCoop, name: string) =>
  tx(coop, (trx) =>
    createCustomer(trx, coop.actor('entrepreneur'), {
      kind: 'individual',
      name,
      email: `client${++n}@exemple.fr`,
      addressLine1: '1 rue de la Paix',
      postalCode: '69002',
      city: 'Lyon',
      countryCode: 'FR',
    }),
  );
const line = (cents: number) => ({
  description: 'Prestation',
  quantityMilli: 1000,
  unitPriceCents: cents,
  vatCategory: 'S' as const,
  vatRateBp: 2000,
});

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  for (const n of ['Boulangerie Lumière', 'Éléonore Crème', '100% Bio_Local', '1000 Bio Local', 'Atelier Dupont'])
    ids[n] = (await customer(A, n)).id;
  ids.other = (await customer(B, 'Boulangerie Lumière')).id;
  // An activity the entrepreneur does not own: its invoices and quotes are not in their lists.
  const other = await tx(A, (trx) =>
    createActivity(trx, A.actor('director'), { name: 'Atelier voisin', analyticCode: 'VOIS1' }),
  );
  const support = A.actor('support');
  for (const [activityId, name, cents] of [
    [A.activityId, 'Boulangerie Lumière', 10000],
    [A.activityId, 'Atelier Dupont', 30000],
    [other.id, 'Éléonore Crème', 20000],
  ] as const) {
    const d = await tx(A, (trx) =>
      createDraft(trx, support, { activityId, customerId: ids[name], lines: [line(cents)] }),
    );
    await tx(A, (trx) => submitInvoice(trx, support, d.id));
    const v = await tx(A, (trx) => validateInvoice(trx, support, d.id));
    ids[`inv ${name}`] = v.id;
    ids[`num ${name}`] = v.number!;
    await tx(A, (trx) =>
      createQuote(trx, support, {
        activityId,
        customerId: ids[name],
        title: 'Refonte du site vitrine',
        lines: [line(cents)],
      }),
    );
  }
});
after(() => odb?.close());

const customers = async (q: string, coop = A) =>
  (await tx(coop, (trx) => listCustomers(trx, coop.actor('entrepreneur'), { q }))).items.map((c) => c.name);

test('customers: a typo, no accents, half a word, and only the cooperative of the actor', async () => {
  assert.deepEqual(await customers('boulangrie lumiere'), ['Boulangerie Lumière']);
  assert.deepEqual(await customers('eleonore creme'), ['Éléonore Crème']);
  assert.deepEqual(await customers('ELEON'), ['Éléonore Crème']);
  assert.deepEqual(await customers('Lumi'), ['Boulangerie Lumière']);
  // Cooperative B holds a customer of the same name: B sees its own, A's list holds only A's.
  assert.deepEqual(await customers('boulangerie', B), ['Boulangerie Lumière']);
  assert.equal((await tx(A, (trx) => listCustomers(trx, A.actor('entrepreneur'), { q: 'boulangerie' }))).total, 1);
  assert.deepEqual(await customers('zzzz'), []);
});

test('customers: % and _ typed in the box are characters, not wildcards', async () => {
  // As wildcards, "%" would match every name and "_" any character ("1000 Bio Local" too).
  assert.deepEqual(await customers('0%'), ['100% Bio_Local']);
  assert.deepEqual(await customers('o_l'), ['100% Bio_Local']);
  assert.deepEqual(await customers('%'), ['100% Bio_Local']);
  assert.deepEqual(await customers('_'), ['100% Bio_Local']);
  // Operators of to_tsquery typed in the box are not a syntax error.
  assert.deepEqual(await customers("&|!:*()'"), []);
});

test('invoices: by customer name with a typo or by number, only what the list lets the actor see', async () => {
  const inv = async (q: string, role: 'entrepreneur' | 'support' = 'support') =>
    (await tx(A, (trx) => listInvoices(trx, A.actor(role), { q }))).items.map((i) => i.customerName);
  assert.deepEqual(await inv('boulengerie'), ['Boulangerie Lumière']);
  assert.deepEqual(await inv('eleonore'), ['Éléonore Crème']);
  assert.deepEqual(await inv(ids['num Atelier Dupont']), ['Atelier Dupont']);
  // The entrepreneur owns A's first activity only: Éléonore's invoice is not theirs.
  assert.deepEqual(await inv('eleonore', 'entrepreneur'), []);
  assert.deepEqual(await inv('boulangerie', 'entrepreneur'), ['Boulangerie Lumière']);
  assert.deepEqual(await inv('%', 'support'), []);
});

test('quotes: by title words (stems, prefix) or customer, scoped like the list', async () => {
  const quotes = async (q: string, role: 'entrepreneur' | 'support' = 'support') =>
    (await tx(A, (trx) => listQuotes(trx, A.actor(role), { q }))).map((x) => x.customerName).sort();
  assert.deepEqual(await quotes('vitrines'), ['Atelier Dupont', 'Boulangerie Lumière', 'Éléonore Crème']);
  assert.deepEqual(await quotes('refon'), ['Atelier Dupont', 'Boulangerie Lumière', 'Éléonore Crème']);
  assert.deepEqual(await quotes('refon', 'entrepreneur'), ['Atelier Dupont', 'Boulangerie Lumière']);
  assert.deepEqual(await quotes('dupon'), ['Atelier Dupont']);
  assert.deepEqual(await quotes('_'), []);
});

test('invoice list totals subtract credit notes', async () => {
  const support = A.actor('support');
  const before = await tx(A, (trx) => listInvoices(trx, support, { q: 'Boulangerie' }));
  assert.equal(before.totalInclCents, 12000);
  await tx(A, (trx) => createCreditNote(trx, support, ids['inv Boulangerie Lumière']));
  const res = await tx(A, (trx) => listInvoices(trx, support, { q: 'Boulangerie' }));
  assert.equal(res.total, 2);
  assert.equal(res.totalInclCents, 0);
  assert.equal(res.totalExclCents, 0);
});

test('amounts due summed by the database equal the sum over the loaded invoices', async () => {
  const support = A.actor('support');
  await tx(A, (trx) =>
    recordPayment(trx, A.actor('accountant'), ids['inv Atelier Dupont'], { amountCents: 10000, date: '2026-01-05' }),
  );
  await tx(A, (trx) =>
    createCreditNote(trx, support, ids['inv Éléonore Crème'], {
      lines: [{ description: 'Geste', quantityMilli: 1000, unitPriceCents: 5000, vatCategory: 'S', vatRateBp: 2000 }],
    }),
  );
  const cases: [string, Omit<InvoiceFilters, 'page' | 'pageSize'>][] = [
    ['entrepreneur', { status: 'issued' }],
    ['support', { status: 'issued' }],
    ['support', { status: 'issued', activityId: A.activityId }],
    ['director', { status: 'overdue', today: '2099-01-01' }],
    ['director', { status: 'overdue' }],
    ['accountant', {}],
  ];
  let nonZero = 0;
  for (const [role, f] of cases) {
    const actor = A.actor(role as 'support');
    const loaded = (await tx(A, (trx) => listInvoices(trx, actor, { ...f, pageSize: 10000 }))).items.filter(
      (i) => i.typeCode !== '381' && i.dueCents > 0,
    );
    const summed = await tx(A, (trx) => invoicesDue(trx, actor, f));
    const expected = { count: loaded.length, dueCents: loaded.reduce((s, i) => s + i.dueCents, 0) };
    assert.deepEqual(summed, expected, `${role} ${JSON.stringify(f)}`);
    if (expected.dueCents) nonZero++;
  }
  assert.ok(nonZero >= 4);
  // Atelier Dupont: 360 € TTC, 100 € paid.
  const dupont = await tx(A, (trx) => invoicesDue(trx, support, { status: 'issued', q: 'Dupont' }));
  assert.deepEqual(dupont, { count: 1, dueCents: 26000 });
});
