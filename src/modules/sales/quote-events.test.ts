// Quote events (events.ts) on a real database: each action — sent (and sent again), accepted
// through the link or with the signed file, refused through the link or by the activity,
// invoiced — writes its event once, in its own transaction, with what consumers need; an action
// refused (or lost to a concurrent one) writes none.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { createCustomer } from './customer.service.ts';
import { submitInvoice, validateInvoice } from './invoice.service.ts';
import {
  SALES_EVENTS,
  type QuoteAccepted,
  type QuoteFacts,
  type QuoteInvoiced,
  type QuoteRefused,
  type QuoteSent,
} from './events.ts';
import {
  acceptQuoteByToken,
  createQuote,
  invoiceFromQuote,
  markQuoteAccepted,
  refuseQuote,
  refuseQuoteByToken,
  sendQuote,
  type Quote,
} from './quote.service.ts';
import { companyCustomerInput, quoteLineInput } from './testing.ts';

let odb: OpenDb;
let A: TestCoop;
let customerId: string;
let mutedCustomerId: string;
const key = randomBytes(32);
const url = { publicUrl: 'https://radieuse.example' };

before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  const ent = A.actor('entrepreneur');
  customerId = (
    await withTenant(odb.db, A.coop.id, (trx) =>
      createCustomer(trx, ent, companyCustomerInput('61234567', { name: 'Atelier Morel', email: 'morel@example.com' })),
    )
  ).id;
  mutedCustomerId = (
    await withTenant(odb.db, A.coop.id, (trx) =>
      createCustomer(trx, ent, companyCustomerInput('62234567', { name: 'Sans courriel' })),
    )
  ).id;
});
after(async () => {
  await odb?.close();
});

const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);
const ent = () => A.actor('entrepreneur');
const newQuote = (customer = customerId) =>
  tx((trx) =>
    createQuote(trx, ent(), {
      activityId: A.activityId,
      customerId: customer,
      title: 'Refonte du site',
      lines: [quoteLineInput(150000), quoteLineInput(25050)],
    }),
  );
const tokenOf = (link: string) => link.split('/').pop()!;

/** The events of this name written for this quote, oldest first. */
async function eventsOf<P>(name: string, quoteId: string): Promise<P[]> {
  const rows = await odb.db
    .selectFrom('domain_event')
    .select(['payload', 'id'])
    .where('cooperative_id', '=', A.coop.id)
    .where('name', '=', name)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.payload as P & { quoteId: string }).filter((p) => p.quoteId === quoteId);
}
async function allQuoteEvents(quoteId: string): Promise<string[]> {
  const rows = await odb.db
    .selectFrom('domain_event')
    .select(['name', 'payload'])
    .where('cooperative_id', '=', A.coop.id)
    .where('name', 'like', 'sales.quote.%')
    .orderBy('id')
    .execute();
  return rows.filter((r) => (r.payload as { quoteId: string }).quoteId === quoteId).map((r) => r.name);
}

/** What every quote event says, from the quote as the service returned it. */
function assertFacts(p: QuoteFacts, q: Quote) {
  assert.equal(p.quoteId, q.id);
  assert.equal(p.number, q.number);
  assert.match(p.number, /^D\d{4}-\d{4}$/);
  assert.equal(p.title, 'Refonte du site');
  assert.equal(p.customerId, q.customerId);
  assert.equal(p.customerName, q.customerName);
  assert.equal(p.activityId, A.activityId);
  assert.equal(p.activityCode, A.analyticCode);
  assert.equal(p.issueDate, q.issueDate);
  assert.equal(p.validityDate, q.validityDate);
  // 1 500,00 + 250,50 € HT, 20 %: 350,10 € of VAT.
  assert.equal(p.totalExclCents, 175050);
  assert.equal(p.vatCents, 35010);
  assert.equal(p.totalInclCents, 210060);
  assert.equal(p.date, todayParis());
}

test('sent: one event per sending, the second one marked resent; a sending refused writes none', async () => {
  const q = await newQuote();
  assert.deepEqual(await allQuoteEvents(q.id), [], 'a draft tells nothing');
  const first = await tx((trx) => sendQuote(trx, ent(), q.id, url));
  const sent = await eventsOf<QuoteSent>(SALES_EVENTS.quoteSent, q.id);
  assert.equal(sent.length, 1);
  assertFacts(sent[0], first.quote);
  assert.equal(sent[0].customerName, 'Atelier Morel');
  assert.equal(sent[0].resent, false);
  await tx((trx) => sendQuote(trx, ent(), q.id, url));
  const again = await eventsOf<QuoteSent>(SALES_EVENTS.quoteSent, q.id);
  assert.equal(again.length, 2);
  assert.equal(again[1].resent, true);

  const muted = await newQuote(mutedCustomerId);
  await assert.rejects(
    tx((trx) => sendQuote(trx, ent(), muted.id, url)),
    (e) => e instanceof UserError,
  );
  assert.deepEqual(await allQuoteEvents(muted.id), [], 'nothing for a sending refused');
});

test('accepted through the link: one event with the name typed; a second answer writes none', async () => {
  const q = await newQuote();
  const { link } = await tx((trx) => sendQuote(trx, ent(), q.id, url));
  const accepted = await acceptQuoteByToken(odb.db, tokenOf(link), {
    name: '  Inès Morel ',
    agreed: true,
    ip: '203.0.113.9',
  });
  await assert.rejects(
    acceptQuoteByToken(odb.db, tokenOf(link), { name: 'Inès Morel', agreed: true, ip: '203.0.113.9' }),
    (e) => e instanceof UserError,
  );
  await assert.rejects(refuseQuoteByToken(odb.db, tokenOf(link), { ip: '203.0.113.9' }), (e) => e instanceof UserError);
  const evs = await eventsOf<QuoteAccepted>(SALES_EVENTS.quoteAccepted, q.id);
  assert.equal(evs.length, 1);
  assertFacts(evs[0], accepted);
  assert.equal(evs[0].via, 'online');
  assert.equal(evs[0].acceptedByName, 'Inès Morel');
  assert.deepEqual(await allQuoteEvents(q.id), [SALES_EVENTS.quoteSent, SALES_EVENTS.quoteAccepted]);
});

test('accepted with the signed file by the entrepreneur: one event; without the file, none', async () => {
  const q = await newQuote();
  await tx((trx) => sendQuote(trx, ent(), q.id, url));
  await assert.rejects(
    tx((trx) => markQuoteAccepted(trx, ent(), key, q.id, null)),
    (e) => e instanceof UserError,
  );
  assert.equal((await eventsOf(SALES_EVENTS.quoteAccepted, q.id)).length, 0);
  const accepted = await tx((trx) =>
    markQuoteAccepted(trx, ent(), key, q.id, {
      name: 'devis-signe.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.7 signé'),
    }),
  );
  await assert.rejects(
    tx((trx) => refuseQuote(trx, ent(), q.id)),
    (e) => e instanceof UserError,
  );
  const evs = await eventsOf<QuoteAccepted>(SALES_EVENTS.quoteAccepted, q.id);
  assert.equal(evs.length, 1);
  assertFacts(evs[0], accepted);
  assert.equal(evs[0].via, 'signed_file');
  assert.equal(evs[0].acceptedByName, null);
  assert.equal((await eventsOf(SALES_EVENTS.quoteRefused, q.id)).length, 0);
});

test('refused through the link, or marked refused by the entrepreneur: one event each, saying how', async () => {
  const online = await newQuote();
  const { link } = await tx((trx) => sendQuote(trx, ent(), online.id, url));
  const r1 = await refuseQuoteByToken(odb.db, tokenOf(link), { ip: '203.0.113.9' });
  await assert.rejects(refuseQuoteByToken(odb.db, tokenOf(link), { ip: '203.0.113.9' }), (e) => e instanceof UserError);
  const e1 = await eventsOf<QuoteRefused>(SALES_EVENTS.quoteRefused, online.id);
  assert.equal(e1.length, 1);
  assertFacts(e1[0], r1);
  assert.equal(e1[0].via, 'online');

  const staff = await newQuote();
  await tx((trx) => sendQuote(trx, ent(), staff.id, url));
  const r2 = await tx((trx) => refuseQuote(trx, ent(), staff.id));
  await assert.rejects(
    tx((trx) => refuseQuote(trx, ent(), staff.id)),
    (e) => e instanceof UserError,
  );
  const e2 = await eventsOf<QuoteRefused>(SALES_EVENTS.quoteRefused, staff.id);
  assert.equal(e2.length, 1);
  assertFacts(e2[0], r2);
  assert.equal(e2[0].via, 'staff');
});

test('invoiced: a deposit, then the balance, each tell the invoice made and what remains', async () => {
  const q = await newQuote();
  const { link } = await tx((trx) => sendQuote(trx, ent(), q.id, url));
  const accepted = await acceptQuoteByToken(odb.db, tokenOf(link), { name: 'Inès Morel', agreed: true, ip: '1.2.3.4' });
  const dep = await tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'deposit', percentBp: 3000 }));
  await assert.rejects(
    tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'deposit', percentBp: 9000 })),
    (e) => e instanceof UserError,
  );
  const evs = await eventsOf<QuoteInvoiced>(SALES_EVENTS.quoteInvoiced, q.id);
  assert.equal(evs.length, 1, 'the refused deposit (beyond the quote) tells nothing');
  const e = evs[0];
  assertFacts(e, accepted);
  assert.equal(e.invoiceId, dep.id);
  assert.equal(e.kind, 'deposit');
  assert.equal(e.typeCode, '386');
  assert.equal(e.invoiceIssueDate, dep.issueDate);
  // 30 % of 1 750,50 € HT = 525,15 €, + 20 % = 630,18 € TTC.
  assert.equal(e.invoiceTotalInclCents, 63018);
  assert.equal(dep.totalInclCents, 63018);
  assert.equal(e.invoicedCents, 63018);
  assert.equal(e.remainingCents, 210060 - 63018);

  await tx(async (trx) => {
    await submitInvoice(trx, ent(), dep.id);
    await validateInvoice(trx, A.actor('support'), dep.id);
  });
  const bal = await tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'balance' }));
  const both = await eventsOf<QuoteInvoiced>(SALES_EVENTS.quoteInvoiced, q.id);
  assert.equal(both.length, 2);
  const b = both[1];
  assert.equal(b.invoiceId, bal.id);
  assert.equal(b.kind, 'balance');
  assert.equal(b.typeCode, '380');
  assert.equal(b.invoiceTotalInclCents, 210060 - 63018, 'the balance asks what the deposit left');
  assert.equal(b.invoicedCents, 210060);
  assert.equal(b.remainingCents, 0);
});
