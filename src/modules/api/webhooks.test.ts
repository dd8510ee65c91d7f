// Webhooks against a real HTTP receiver started here (node:http on 127.0.0.1): events of the
// domain become signed deliveries, verifiable with the documented algorithm (re-implemented
// below from docs/api.md, not imported); a failing receiver gets retries after the back-off;
// a worker's crash or two workers at once never make the receiver process a message twice
// (same webhook-id, lease); repeated failures disable the subscription and put an item in the
// directors' inbox; the delivery log's replay sends again; internal addresses are refused.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { computeInbox } from '../inbox/index.ts';
import { createCustomer, createDraft, recordPayment, validateInvoice } from '../sales/index.ts';
import { apiDb } from './db.ts';
import {
  createSubscription,
  DISABLE_AFTER_FAILURES,
  deliverDue,
  enqueueEvent,
  listDeliveries,
  replayDelivery,
  type Subscription,
} from './webhooks.service.ts';

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}
let server: Server;
let base: string;
const received: Received[] = [];
/** What the receiver processed: Standard Webhooks receivers drop an id they already have. */
const processed = new Map<string, string>();
let failNext = 0;

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
let subA: Subscription;
let subB: Subscription;
let customerA: string;
const opts = { allowPrivateAddresses: true };

/** The documented check (docs/api.md): HMAC-SHA256 over "id.timestamp.body", key = base64 of the secret after whsec_. */
function verify(secret: string, r: Received, toleranceSeconds = 300): boolean {
  const id = r.headers['webhook-id'];
  const ts = Number(r.headers['webhook-timestamp']);
  if (!id || !Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  return r.headers['webhook-signature'].split(' ').some((sig) => {
    const [v, b64] = sig.split(',');
    const got = Buffer.from(b64 ?? '', 'base64');
    return v === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  });
}

async function validatedInvoice(amountCents: number) {
  return withTenant(odb.db, a.coop.id, async (tx) => {
    const d = await createDraft(tx, a.actor('director'), {
      activityId: a.activityId,
      customerId: customerA,
      lines: [
        {
          description: 'Prestation',
          quantityMilli: 1000,
          unitPriceCents: amountCents,
          vatCategory: 'S',
          vatRateBp: 2000,
        },
      ],
    });
    return validateInvoice(tx, a.actor('director'), d.id);
  });
}

before(async () => {
  // The test receivers listen on loopback, which only an operator may allow (core/outbound.ts).
  process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE = '1';
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString(),
      };
      received.push(r);
      if (req.url === '/down' || failNext > 0) {
        failNext = Math.max(0, failNext - 1);
        res.writeHead(500).end('boom');
        return;
      }
      if (!processed.has(r.headers['webhook-id'])) processed.set(r.headers['webhook-id'], r.body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  subA = await withTenant(odb.db, a.coop.id, (tx) =>
    createSubscription(tx, a.actor('director'), {
      url: `${base}/hooks/a`,
      events: ['invoice.validated', 'payment.recorded', 'invoice.paid'],
    }),
  );
  subB = await withTenant(odb.db, b.coop.id, (tx) =>
    createSubscription(tx, b.actor('director'), { url: `${base}/hooks/b`, events: ['invoice.validated'] }),
  );
  customerA = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createCustomer(tx, a.actor('director'), {
        kind: 'company',
        name: 'Client des webhooks',
        siren: makeSiren('44234567'),
        addressLine1: '1 place Bellecour',
        postalCode: '69002',
        city: 'Lyon',
      }),
    )
  ).id;
});
after(async () => {
  await odb.close();
  await new Promise((ok) => server.close(ok));
});

test('a validated invoice is delivered once, signed; only to its cooperative; the signature fails when tampered', async () => {
  const inv = await validatedInvoice(10000);
  const r = await deliverDue(odb, opts);
  assert.deepEqual(r, { sent: 1, failed: 0, disabled: 0 });
  assert.equal(received.length, 1);
  const got = received[0];
  assert.equal(got.path, '/hooks/a', 'B’s subscription hears nothing of A');
  assert.ok(verify(subA.secret, got), 'signature verifies with the documented algorithm');
  assert.ok(!verify(subB.secret, got), 'another secret does not verify');
  assert.ok(!verify(subA.secret, { ...got, body: got.body.replace('10000', '10001') }), 'tampered body fails');
  assert.ok(!verify(subA.secret, got, -1), 'an old timestamp is refused');
  const body = JSON.parse(got.body);
  assert.equal(body.type, 'invoice.validated');
  assert.equal(body.data.invoiceId, inv.id);
  assert.equal(body.data.number, inv.number);
  assert.equal(got.headers['content-type'], 'application/json');
  const log = await withTenant(odb.db, a.coop.id, (tx) => listDeliveries(tx, a.actor('director'), subA.id));
  assert.equal(log[0].id, got.headers['webhook-id']);
  assert.equal(log[0].status, 'delivered');
  assert.equal((await deliverDue(odb, opts)).sent, 0, 'nothing more to send');
});

test('a failing receiver gets the deliveries again after the back-off, with the same webhook-id', async () => {
  received.length = 0;
  const inv = await validatedInvoice(20000);
  await deliverDue(odb, opts); // invoice.validated
  await withTenant(odb.db, a.coop.id, (tx) =>
    recordPayment(tx, a.actor('director'), inv.id, { amountCents: inv.totalInclCents, date: todayParis() }),
  );
  failNext = 2;
  const now = new Date();
  assert.deepEqual(await deliverDue(odb, { ...opts, now }), { sent: 0, failed: 2, disabled: 0 });
  const ids = received.slice(-2).map((r) => r.headers['webhook-id']);
  assert.deepEqual(
    received
      .slice(-2)
      .map((r) => JSON.parse(r.body).type)
      .sort(),
    ['invoice.paid', 'payment.recorded'],
  );
  assert.equal(
    (await deliverDue(odb, { ...opts, now: new Date(now.getTime() + 2000) })).sent,
    0,
    'not before the delay',
  );
  assert.deepEqual(await deliverDue(odb, { ...opts, now: new Date(now.getTime() + 6000) }), {
    sent: 2,
    failed: 0,
    disabled: 0,
  });
  assert.deepEqual(
    received
      .slice(-2)
      .map((r) => r.headers['webhook-id'])
      .sort(),
    [...ids].sort(),
  );
  for (const r of received.slice(-2)) assert.ok(verify(subA.secret, r));
  const log = await withTenant(odb.db, a.coop.id, (tx) => listDeliveries(tx, a.actor('director'), subA.id));
  for (const id of ids) {
    const d = log.find((x) => x.id === id)!;
    assert.equal(d.status, 'delivered');
    assert.equal(d.attempts, 2);
  }
  const paid = JSON.parse(processed.get(ids.find((id) => processed.get(id)?.includes('invoice.paid'))!)!);
  assert.equal(paid.data.paidCents, inv.totalInclCents);
});

test('no duplicate processing: a crashed worker’s claim, a crash after sending, two workers at once', async () => {
  // 1. A worker claimed the delivery and died: nobody sends it while its lease runs, then it goes.
  await validatedInvoice(30000);
  const now = new Date();
  await sql`update webhook_delivery set locked_until = ${new Date(now.getTime() + 60_000)}, attempts = attempts + 1
    where status = 'pending'`.execute(apiDb(odb.db));
  const before = received.length;
  assert.equal((await deliverDue(odb, { ...opts, now })).sent, 0);
  assert.equal(received.length, before);
  assert.equal((await deliverDue(odb, { ...opts, now: new Date(now.getTime() + 61_000) })).sent, 1);
  assert.equal(received.length, before + 1);
  // 2. The worker crashed after the receiver got it, before writing so: sent again, same id.
  await validatedInvoice(40000);
  const crashing: typeof fetch = async (url, init) => {
    await fetch(url, init);
    throw new Error('worker crashed');
  };
  await deliverDue(odb, { ...opts, fetchImpl: crashing });
  const first = received.at(-1)!;
  const processedBefore = processed.size;
  await deliverDue(odb, { ...opts, now: new Date(Date.now() + 6000) });
  const second = received.at(-1)!;
  assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
  assert.equal(second.body, first.body);
  assert.equal(processed.size, processedBefore, 'the receiver recognises the id and does not process it twice');
  // 3. Two workers at once: each delivery is sent by one of them.
  await validatedInvoice(50000);
  await validatedInvoice(60000);
  const count = received.length;
  const [x, y] = await Promise.all([deliverDue(odb, opts), deliverDue(odb, opts)]);
  assert.equal(x.sent + y.sent, 2);
  assert.equal(received.length, count + 2);
  assert.equal(new Set(received.slice(-2).map((r) => r.headers['webhook-id'])).size, 2);
});

test('repeated failures disable the subscription, with an inbox item; replay sends again', async () => {
  const down = await withTenant(odb.db, a.coop.id, (tx) =>
    createSubscription(tx, a.actor('director'), { url: `${base}/down`, events: ['expense_report.approved'] }),
  );
  await withTenant(odb.db, a.coop.id, async (tx) => {
    for (let i = 0; i < DISABLE_AFTER_FAILURES; i++)
      await enqueueEvent(tx, a.actor('director'), 'expense_report.approved', { reportId: `r${i}`, totalCents: 100 });
  });
  const r = await deliverDue(odb, opts);
  assert.equal(r.failed, DISABLE_AFTER_FAILURES);
  assert.equal(r.disabled, 1);
  const [sub] = await apiDb(odb.db)
    .selectFrom('webhook_subscription')
    .selectAll()
    .where('cooperative_id', '=', a.coop.id)
    .where('id', '=', down.id)
    .execute();
  assert.equal(sub.enabled, false);
  assert.match(sub.disabled_reason ?? '', /automatiquement après 15 échecs/);
  const inbox = await withTenant(odb.db, a.coop.id, (tx) => computeInbox(tx, a.actor('director'), todayParis()));
  const item = inbox.find((i) => i.key === `api.webhook.disabled:${down.id}`);
  assert.ok(item, 'the director sees it in the inbox');
  assert.equal(item.urgency, 'high');
  const entInbox = await withTenant(odb.db, a.coop.id, (tx) => computeInbox(tx, a.actor('entrepreneur'), todayParis()));
  assert.ok(!entInbox.some((i) => i.kind === 'api.webhook.disabled'));
  // A disabled subscription gets no new deliveries.
  const n = await withTenant(odb.db, a.coop.id, (tx) =>
    enqueueEvent(tx, a.actor('director'), 'expense_report.approved', { reportId: 'late' }),
  );
  assert.equal(n, 0);
  // Replay from the log: the first delivery of subA goes again, same id.
  const log = await withTenant(odb.db, a.coop.id, (tx) => listDeliveries(tx, a.actor('director'), subA.id, 500));
  const oldest = log.at(-1)!;
  await withTenant(odb.db, a.coop.id, (tx) => replayDelivery(tx, a.actor('director'), oldest.id));
  assert.equal((await deliverDue(odb, opts)).sent, 1);
  assert.equal(received.at(-1)!.headers['webhook-id'], oldest.id);
  // B cannot replay A's delivery.
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (tx) => replayDelivery(tx, b.actor('director'), oldest.id)),
    /introuvable/,
  );
});

test('internal addresses are refused unless allowed; bad subscriptions are refused in French', async () => {
  await validatedInvoice(70000);
  delete process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE; // production settings: loopback refused
  try {
    const r = await deliverDue(odb);
    assert.equal(r.sent, 0);
    const log = await withTenant(odb.db, a.coop.id, (tx) => listDeliveries(tx, a.actor('director'), subA.id));
    assert.match(log[0].lastError ?? '', /adresse interne refusée/);
    for (const url of ['http://127.0.0.1:8080/h', 'http://localhost/h', 'http://169.254.169.254/latest/meta-data'])
      await assert.rejects(
        withTenant(odb.db, a.coop.id, (tx) =>
          createSubscription(tx, a.actor('director'), { url, events: ['invoice.paid'] }),
        ),
        /réseau interne/,
        url,
      );
  } finally {
    process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE = '1';
  }
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) =>
      createSubscription(tx, a.actor('director'), { url: 'ftp://x', events: ['invoice.paid'] }),
    ),
    /http\(s\)/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) =>
      createSubscription(tx, a.actor('director'), { url: 'https://x.example', events: ['nope'] }),
    ),
    /Événement inconnu/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) =>
      createSubscription(tx, a.actor('entrepreneur'), { url: 'https://x.example', events: ['invoice.paid'] }),
    ),
    /accès/,
  );
});

test('the webhooks pages: directors manage, others are refused, another cooperative’s id is not found', async () => {
  const d = new TestClient(app);
  await d.signIn(a.users.director.email, TEST_PASSWORD);
  const bad = await d.post('/webhooks', { url: 'pas une url', events: 'invoice.paid' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /URL complète/);
  const made = await d.post('/webhooks', {
    url: 'https://erp.example/hooks',
    events: ['invoice.paid', 'invoice.validated'],
  });
  assert.equal(made.res.status, 303);
  const page = await d.get(made.res.headers.get('location')!);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /whsec_/);
  const one = await d.get(`/webhooks/${subA.id}`);
  assert.match(one.html, /Journal des envois/);
  assert.match(one.html, /Rejouer/);
  assert.equal((await d.get(`/webhooks/${subB.id}`)).res.status, 404);
  const e = new TestClient(app);
  await e.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await e.get('/webhooks')).res.status, 403);
  assert.equal((await e.post(`/webhooks/${subA.id}/desactiver`, {})).res.status, 403);
});
