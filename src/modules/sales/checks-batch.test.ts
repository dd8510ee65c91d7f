// The automatic checks of invoices and quotes run on a whole list (`runChecksMany`, the home
// page's drafts and the validation queue) give exactly the findings of running them on each
// document alone, and cost the same number of queries for two documents as for all of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { countQueries } from '../../core/db/query-count.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { Actor } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { runChecks, runChecksMany, checksFor, type DocumentType } from '../inbox/index.ts';
import {
  createCustomer,
  createDraft,
  createCreditNote,
  submitInvoice,
  validateInvoice,
  createQuote,
  type CustomerInput,
  type InvoiceDraftInput,
} from './index.ts';
import { companyCustomerInput, invoiceLineInput, quoteLineInput } from './testing.ts';
import './inbox.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
const today = todayParis();
const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);
const ent = () => A.actor('entrepreneur');
const sup = () => A.actor('support');
const invoices: string[] = [];
const quotes: string[] = [];

let n = 0;
const customer = async (over: Partial<CustomerInput> = {}) =>
  (await tx((trx) => createCustomer(trx, ent(), companyCustomerInput(`5${String(++n).padStart(7, '0')}`, over)))).id;
const line = invoiceLineInput;
async function invoice(customerId: string, cents: number, over: Partial<InvoiceDraftInput> = {}) {
  const d = await tx((trx) =>
    createDraft(trx, ent(), { activityId: A.activityId, customerId, lines: [line(cents)], ...over }),
  );
  invoices.push(d.id);
  return d.id;
}
async function quote(customerId: string, cents: number, over: { issueDate?: string; validityDate?: string } = {}) {
  const q = await tx((trx) =>
    createQuote(trx, ent(), {
      activityId: A.activityId,
      customerId,
      lines: [quoteLineInput(cents)],
      ...over,
    }),
  );
  quotes.push(q.id);
  return q.id;
}

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  // A customer's history: three validated invoices at 20 % (usual amount, usual rate), and a
  // credit note; they are checked too (the checks leave the document itself out of its history).
  const usual = await customer();
  for (const cents of [10000, 12000, 11000]) {
    const id = await invoice(usual, cents);
    await tx((trx) => validateInvoice(trx, sup(), id));
  }
  const credit = await tx((trx) => createCreditNote(trx, sup(), invoices[0]));
  invoices.push(credit.id);
  // Drafts and submitted invoices with each kind of finding, and clean ones.
  await invoice(usual, 200000); // far above the usual amount
  await invoice(usual, 10000, { lines: [line(10000, { vatRateBp: 550 })] }); // rate never used
  await invoice(usual, 10500); // clean
  const foreign = await customer({
    name: 'Bruxelles SPRL',
    siren: null,
    vatNumber: null,
    countryCode: 'BE',
    postalCode: '1000',
    city: 'Bruxelles',
  });
  await invoice(foreign, 10000); // no buyer identifier
  const twice = await customer();
  await invoice(twice, 33300);
  const second = await invoice(twice, 33300, { issueDate: addDays(today, -3) }); // duplicate pair
  await tx((trx) => submitInvoice(trx, ent(), second));
  await invoice(twice, 33300, { issueDate: addDays(today, -30) }); // same total, too far apart
  const late = await invoice(twice, 7100);
  await sql`update invoice set due_date = ${addDays(today, 90)} where id = ${late}`.execute(odb.db);
  // Quotes: a duplicate pair, a rate that does not exist, a validity past, clean ones.
  const c = await customer();
  await quote(c, 31000);
  await quote(c, 31000);
  await quote(c, 32000);
  const odd = await quote(c, 10000);
  await sql`update quote_line set vat_rate_bp = 1500 where quote_id = ${odd}`.execute(odb.db);
  await quote(c, 12345, { issueDate: addDays(today, -60), validityDate: addDays(today, -30) });
  await quote(await customer(), 31000); // same total, another customer
});
after(async () => {
  await odb?.close();
});

async function oneByOne(actor: Actor, type: DocumentType, ids: string[]) {
  return tx(async (trx) => {
    const out = new Map();
    for (const id of ids) out.set(id, await runChecks(trx, actor, type, id));
    return out;
  });
}

for (const [type, ids] of [
  ['invoice', invoices],
  ['quote', quotes],
] as const) {
  test(`${type}s: the checks on the whole list equal the checks on each, for support and for the entrepreneur`, async () => {
    for (const actor of [sup(), ent()]) {
      const each = await oneByOne(actor, type, ids);
      // The set raises every check of the type at least once, and leaves some documents clean.
      const raised = new Set([...each.values()].flat().map((f) => f.checkId));
      assert.deepEqual(
        [...raised].sort(),
        checksFor(type)
          .map((c) => c.id)
          .sort(),
      );
      assert.ok([...each.values()].some((f) => f.length === 0));
      assert.deepEqual(await tx((trx) => runChecksMany(trx, actor, type, ids)), each);
    }
  });

  test(`${type}s: checking the whole list costs the same queries as checking two`, async () => {
    const queries = async (list: string[]) =>
      (await countQueries(() => tx((trx) => runChecksMany(trx, sup(), type, list)))).queries;
    assert.equal(await queries(ids), await queries(ids.slice(0, 2)));
    assert.ok(ids.length > 2);
  });
}

test("another cooperative's documents raise nothing, one by one or all at once", async () => {
  const actor = B.actor('support');
  const inB = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, B.coop.id, fn);
  const many = await inB((trx) => runChecksMany(trx, actor, 'invoice', invoices));
  assert.deepEqual([...many.values()].flat(), []);
  for (const id of invoices.slice(0, 3)) assert.deepEqual(await inB((trx) => runChecks(trx, actor, 'invoice', id)), []);
});
