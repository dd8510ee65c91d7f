// Quote webhooks on a real database, through the sales services themselves: a subscription to
// quote events gets one delivery, in the action's transaction, when a quote is sent, accepted
// (through the customer's link or with the signed file), refused and invoiced; a subscription to
// other events, and another cooperative's, get none.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import {
  acceptQuoteByToken,
  createCustomer,
  createQuote,
  invoiceFromQuote,
  markQuoteAccepted,
  refuseQuote,
  sendQuote,
} from '../sales/index.ts';
import { companyCustomerInput, quoteLineInput } from '../sales/testing.ts';
import { apiDb } from './db.ts';
import './webhook-events.ts';
import { createSubscription, type Subscription } from './webhooks.service.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
let quotesSub: Subscription;
let acceptedOnly: Subscription;
let otherSub: Subscription;
let customerA: string;
const url = { publicUrl: 'https://radieuse.example' };

before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  const sub = (coop: TestCoop, path: string, events: string[]) =>
    withTenant(odb.db, coop.coop.id, (tx) =>
      createSubscription(tx, coop.actor('director'), { url: `https://hooks.example.com/${path}`, events }),
    );
  quotesSub = await sub(a, 'quotes', ['quote.sent', 'quote.accepted', 'quote.refused', 'quote.invoiced']);
  acceptedOnly = await sub(a, 'accepted', ['quote.accepted']);
  await sub(a, 'invoices', ['invoice.validated', 'payment.recorded']);
  otherSub = await sub(b, 'other', ['quote.sent', 'quote.accepted']);
  customerA = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createCustomer(tx, a.actor('entrepreneur'), companyCustomerInput('63234567', { email: 'achat@example.com' })),
    )
  ).id;
});
after(async () => {
  await odb?.close();
});

const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, a.coop.id, fn);
const ent = () => a.actor('entrepreneur');
const newQuote = () =>
  tx((t) => createQuote(t, ent(), { activityId: a.activityId, customerId: customerA, lines: [quoteLineInput(80000)] }));

interface Hook {
  subscription: string;
  event: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
}
/** The deliveries queued for this quote, in every cooperative, oldest first. */
async function hooksOf(quoteId: string): Promise<Hook[]> {
  const rows = await apiDb(odb.db)
    .selectFrom('webhook_delivery')
    .select(['subscription_id', 'event', 'payload', 'status', 'id'])
    .orderBy('id')
    .execute();
  return rows
    .map((r) => ({
      subscription: r.subscription_id,
      event: r.event,
      status: r.status,
      body: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Hook['body'],
    }))
    .filter((h) => h.body.data.quoteId === quoteId)
    .map((h) => {
      assert.equal(h.status, 'pending');
      return { subscription: h.subscription, event: h.event, body: h.body };
    });
}
const summary = (hooks: Hook[]) => hooks.map((h) => `${h.event}→${h.subscription}`);

test('a quote sent, then accepted through its link: one delivery each to the subscriptions that want them', async () => {
  const q = await newQuote();
  assert.deepEqual(await hooksOf(q.id), [], 'a draft is not told');
  const { link } = await tx((t) => sendQuote(t, ent(), q.id, url));
  const sent = await hooksOf(q.id);
  assert.deepEqual(summary(sent), [`quote.sent→${quotesSub.id}`]);
  const body = sent[0].body;
  assert.equal(body.type, 'quote.sent');
  assert.equal(body.data.number, q.number);
  assert.equal(body.data.customerId, customerA);
  assert.equal(body.data.activityId, a.activityId);
  assert.equal(body.data.totalInclCents, 96000);
  assert.equal(body.data.resent, false);

  await acceptQuoteByToken(odb.db, link.split('/').pop()!, { name: 'Jeanne Achat', agreed: true, ip: '203.0.113.5' });
  const all = await hooksOf(q.id);
  assert.deepEqual(
    summary(all).sort(),
    [`quote.sent→${quotesSub.id}`, `quote.accepted→${quotesSub.id}`, `quote.accepted→${acceptedOnly.id}`].sort(),
  );
  const acc = all.filter((h) => h.event === 'quote.accepted');
  assert.equal(acc.length, 2);
  for (const h of acc) {
    assert.equal(h.body.data.via, 'online');
    assert.equal(h.body.data.acceptedByName, 'Jeanne Achat');
    assert.equal(h.body.data.totalInclCents, 96000);
  }
  assert.ok(!all.some((h) => h.subscription === otherSub.id), 'another cooperative hears nothing');

  // Invoiced: a deposit made from the accepted quote.
  const dep = await tx((t) => invoiceFromQuote(t, ent(), q.id, { kind: 'deposit', percentBp: 5000 }));
  const inv = (await hooksOf(q.id)).filter((h) => h.event === 'quote.invoiced');
  assert.deepEqual(
    inv.map((h) => h.subscription),
    [quotesSub.id],
  );
  assert.equal(inv[0].body.data.invoiceId, dep.id);
  assert.equal(inv[0].body.data.kind, 'deposit');
  assert.equal(inv[0].body.data.invoiceTotalInclCents, 48000);
  assert.equal(inv[0].body.data.remainingCents, 48000);
});

test('a quote accepted with the signed file, another refused: one delivery each; nothing for a refused action', async () => {
  const signed = await newQuote();
  await tx((t) => sendQuote(t, ent(), signed.id, url));
  await tx((t) =>
    markQuoteAccepted(t, ent(), randomBytes(32), signed.id, {
      name: 'signe.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.7 signé'),
    }),
  );
  // Refusing an accepted quote is refused: no delivery for it.
  await assert.rejects(tx((t) => refuseQuote(t, ent(), signed.id)));
  const s = await hooksOf(signed.id);
  assert.deepEqual(s.map((h) => h.event).sort(), ['quote.accepted', 'quote.accepted', 'quote.sent']);
  assert.ok(s.filter((h) => h.event === 'quote.accepted').every((h) => h.body.data.via === 'signed_file'));

  const refused = await newQuote();
  await tx((t) => sendQuote(t, ent(), refused.id, url));
  await tx((t) => refuseQuote(t, ent(), refused.id));
  const r = await hooksOf(refused.id);
  assert.deepEqual(summary(r), [`quote.sent→${quotesSub.id}`, `quote.refused→${quotesSub.id}`]);
  assert.equal(r[1].body.data.via, 'staff');
  assert.equal(r[1].body.data.number, refused.number);
});
