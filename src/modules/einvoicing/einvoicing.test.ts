// The approved-platform hand-off, end to end on a real database: the HTTP adapter against a small
// platform server started here (node:http, no mock objects), the folder adapter, statuses, the
// inbox, « encaissée » after bank matching, incoming supplier invoices and e-reporting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, seedTestCooperatives, testConfig, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { todayParis } from '../../core/dates.ts';
import { makeSiren } from '../../core/identifiers.ts';
import {
  createCustomer,
  createDraft,
  getInvoice,
  renderInvoicePdf,
  sampleFrenchBuyer,
  submitInvoice,
  validateInvoice,
  type Invoice,
} from '../sales/index.ts';
import { fixtures } from '../sales/testing.ts';
import { ensureMainAccount, importStatement } from '../bank/index.ts';
import { writeCamt053 } from '../bank/testing.ts';
import {
  approveSupplierInvoice,
  createSupplier,
  createSupplierInvoice,
  getSupplierInvoice,
  recordSupplierInvoicePayment,
  refuseSupplierInvoice,
} from '../purchases/index.ts';
import { computeInbox } from '../inbox/index.ts';
import { platformEnvOf, savePlatform, type PlatformEnv } from './platform.service.ts';
import { invoiceEInvoicing, pullStatuses, sendDue } from './transmission.service.ts';
import { pullIncoming } from './incoming.service.ts';
import { buyerStatusesOf, sendBuyerStatuses } from './buyer-status.service.ts';
import { eReportingCsv, eReportingSummary, sendEReport } from './ereporting.service.ts';
import { eReportingFlux10Data } from './ereporting-flux10.service.ts';
import { checkPlatformUrl, httpAdapter } from './http-adapter.ts';
import { LIFECYCLE, LIFECYCLE_STATUSES } from './statuses.ts';
import { InvoiceEInvoicingPanel } from './views/invoice-panel.tsx';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
const config = testConfig();
const env: PlatformEnv = { fileKey: config.fileKey, allowPrivateTargets: true };
const today = todayParis();

// --- the platform: a small HTTP server speaking the adapter's protocol ------------------------
const TOKEN = 'pa-test-token-123';
const platform = {
  received: [] as { meta: Record<string, unknown>; file: Buffer; auth: string | undefined }[],
  statuses: [] as Record<string, unknown>[],
  statusesFromUs: [] as Record<string, unknown>[],
  incoming: new Map<string, { fileName: string; routingAddress: string; content: Buffer }>(),
  acked: [] as string[],
  ereports: [] as Record<string, unknown>[],
  failNext: 0,
};
let server: Server;
let baseUrl = '';
const body = (req: IncomingMessage) =>
  new Promise<Buffer>((r) => {
    const c: Buffer[] = [];
    req.on('data', (d: Buffer) => c.push(d));
    req.on('end', () => r(Buffer.concat(c)));
  });
function multipart(buf: Buffer, type: string) {
  const boundary = /boundary=(.+)$/.exec(type)![1];
  const parts: Record<string, Buffer> = {};
  const sep = Buffer.from(`--${boundary}`);
  let at = buf.indexOf(sep);
  while (at >= 0) {
    const next = buf.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const part = buf.subarray(at + sep.length + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const name = /name="([^"]+)"/.exec(part.subarray(0, headEnd).toString())![1];
    parts[name] = part.subarray(headEnd + 4);
    at = next;
  }
  return parts;
}

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  server = createServer(async (req, res) => {
    const data = await body(req);
    const send = (code: number, o: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(o));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: 'token' });
    const url = new URL(req.url!, 'http://x');
    if (req.method === 'POST' && url.pathname === '/v1/invoices') {
      if (platform.failNext > 0) {
        platform.failNext--;
        return send(503, { error: 'maintenance' });
      }
      const parts = multipart(data, req.headers['content-type']!);
      const meta = JSON.parse(parts.metadata.toString());
      platform.received.push({ meta, file: parts.file, auth: req.headers.authorization });
      return send(201, { id: `PA-${platform.received.length}` });
    }
    if (req.method === 'GET' && url.pathname === '/v1/statuses') {
      const after = Number(url.searchParams.get('after') ?? 0);
      return send(200, { items: platform.statuses.slice(after), cursor: String(platform.statuses.length) });
    }
    const st = /^\/v1\/invoices\/([^/]+)\/statuses$/.exec(url.pathname);
    if (req.method === 'POST' && st) {
      if (platform.failNext > 0) {
        platform.failNext--;
        return send(503, { error: 'maintenance' });
      }
      platform.statusesFromUs.push({ ref: st[1], ...JSON.parse(data.toString()) });
      return send(201, {});
    }
    if (req.method === 'GET' && url.pathname === '/v1/incoming')
      return send(200, {
        items: [...platform.incoming].map(([id, d]) => ({
          id,
          fileName: d.fileName,
          routingAddress: d.routingAddress,
        })),
      });
    const inc = /^\/v1\/incoming\/([^/]+)\/(file|ack)$/.exec(url.pathname);
    if (inc && platform.incoming.has(inc[1])) {
      if (inc[2] === 'file') {
        res.writeHead(200, { 'content-type': 'application/pdf' });
        return res.end(platform.incoming.get(inc[1])!.content);
      }
      platform.incoming.delete(inc[1]);
      platform.acked.push(inc[1]);
      return send(200, {});
    }
    if (req.method === 'POST' && url.pathname === '/v1/e-reporting') {
      platform.ereports.push(JSON.parse(data.toString()));
      return send(201, { id: `ER-${platform.ereports.length}` });
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(async () => {
  server?.close();
  await odb?.close();
});

const tenant = <T>(fn: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>, coop = A) =>
  withTenant(odb.db, coop.coop.id, fn);

let sirens = 0;
/** A company customer with its own SIREN; `suffix` gives the directory address SIREN_suffix. */
async function companyCustomer(coop: TestCoop, suffix?: string) {
  const siren = makeSiren(String(61000000 + ++sirens));
  return tenant(
    (trx) =>
      createCustomer(trx, coop.actor('support'), {
        kind: 'company',
        name: `Client entreprise ${sirens}`,
        siren,
        electronicAddress: suffix ? `${siren}_${suffix}` : undefined,
        addressLine1: '3 rue des Tests',
        postalCode: '69002',
        city: 'Lyon',
        countryCode: 'FR',
      }),
    coop,
  );
}
async function invoice(coop: TestCoop, customerId: string, unitCents: number): Promise<Invoice> {
  return tenant(async (trx) => {
    const d = await createDraft(trx, coop.actor('support'), {
      activityId: coop.activityId,
      customerId,
      lines: [
        {
          description: 'Prestation',
          quantityMilli: 1000,
          unitPriceCents: unitCents,
          vatCategory: 'S',
          vatRateBp: 2000,
          nature: 'services',
        },
      ],
    });
    await submitInvoice(trx, coop.actor('support'), d.id);
    return validateInvoice(trx, coop.actor('support'), d.id);
  }, coop);
}
const state = (coop: TestCoop, id: string, role: Parameters<TestCoop['actor']>[0] = 'accountant') =>
  tenant((trx) => invoiceEInvoicing(trx, coop.actor(role), id), coop);

test('the customer keeps its directory (annuaire) address, checked against its SIREN', async () => {
  await assert.rejects(
    tenant((trx) =>
      createCustomer(trx, A.actor('support'), {
        kind: 'company',
        name: 'Adresse fausse',
        siren: sampleFrenchBuyer.siren,
        electronicAddress: '123456789_ROUTE',
        addressLine1: '1 rue A',
        postalCode: '69001',
        city: 'Lyon',
      }),
    ),
    /SIREN/,
  );
  const c = await companyCustomer(A, 'SERVICE-ACHATS');
  assert.equal(c.electronicAddress, `${c.siren}_SERVICE-ACHATS`);
});

test('HTTP platform: the whole life cycle, from sending to « encaissée » after bank matching', async () => {
  await tenant((trx) =>
    savePlatform(trx, A.actor('director'), env, {
      adapter: 'http',
      format: 'facturx',
      name: 'PA de test',
      baseUrl,
      token: TOKEN,
    }),
  );
  const c = await companyCustomer(A, 'ACHATS');
  const inv = await invoice(A, c.id, 100000);
  let s = await state(A, inv.id);
  assert.equal(s!.transmission.channel, 'platform');
  assert.equal(s!.transmission.state, 'to_send');

  // First attempt: the platform is down → retried later, the error kept.
  platform.failNext = 1;
  const r1 = await sendDue(odb, env);
  assert.equal(r1.failed, 1);
  s = await state(A, inv.id);
  assert.equal(s!.transmission.state, 'to_send');
  assert.match(s!.transmission.lastError!, /503/);
  assert.ok(s!.transmission.nextAttemptAt! > new Date());
  // Not due yet: nothing is sent again now.
  assert.equal((await sendDue(odb, env)).sent, 0);
  const r2 = await sendDue(odb, env, { now: new Date(Date.now() + 120_000) });
  assert.equal(r2.sent, 1);
  const got = platform.received.at(-1)!;
  assert.equal(got.meta.number, inv.number);
  assert.equal(got.meta.routingAddress, `${c.siren}_ACHATS`);
  assert.equal(got.file.subarray(0, 5).toString(), '%PDF-');
  assert.ok(got.file.includes(Buffer.from('factur-x.xml')), 'a Factur-X PDF');
  s = await state(A, inv.id);
  assert.equal(s!.transmission.state, 'sent');
  const ref = s!.transmission.platformRef!;
  assert.equal(s!.history[0].status, 'deposited');

  // The platform reports every status of the reform, with reform codes and keys mixed, 10 ms
  // apart after the deposit (« encaissée », ours, comes seconds later, after the bank import).
  const t0 = Date.now();
  const steps = LIFECYCLE_STATUSES.filter((x) => x !== 'deposited' && x !== 'collected');
  for (const [k, st] of steps.entries())
    platform.statuses.push({
      platformRef: ref,
      status: k % 2 ? LIFECYCLE[st].code : st,
      occurredAt: new Date(t0 + (k + 1) * 10).toISOString(),
      reason: st === 'disputed' ? 'Quantité contestée' : null,
    });

  const pulled = await pullStatuses(odb, env);
  assert.equal(pulled.statuses, steps.length);
  // Pulled again: nothing new (the cursor moved on).
  assert.equal((await pullStatuses(odb, env)).statuses, 0);
  s = await state(A, inv.id);
  assert.deepEqual(
    s!.history.map((h) => h.status),
    ['deposited', ...steps],
  );
  assert.equal(s!.transmission.status, 'payment_sent');
  // The entrepreneur of the activity sees it; another cooperative does not.
  assert.ok(await state(A, inv.id, 'entrepreneur'));
  assert.equal(await tenant((trx) => invoiceEInvoicing(trx, B.actor('director'), inv.id), B), null);

  // The invoice page's panel shows the French labels and the reason.
  const html = String(await InvoiceEInvoicingPanel({ data: s!, csrf: 'x', mayRetry: false }));
  for (const st of [
    'Reçue par la plateforme',
    'Mise à disposition',
    'Approuvée partiellement',
    'En litige',
    'Paiement transmis',
  ])
    assert.ok(html.includes(st), st);
  assert.ok(html.includes('Quantité contestée'));

  // The bank matches the transfer: payment recorded, « encaissée » sent to the platform.
  const acc = (await tenant((trx) => ensureMainAccount(trx, A.actor('accountant'))))!;
  const camt = Buffer.from(
    writeCamt053({
      messageId: 'EINV-1',
      iban: A.coop.iban!,
      createdAt: `${today}T08:00:00`,
      entries: [
        { amountCents: inv.totalInclCents, bookingDate: today, label: `VIR FACTURE ${inv.number}`, bankRef: 'EINV-R1' },
      ],
    }),
  );
  const imp = await tenant((trx) =>
    importStatement(trx, A.actor('accountant'), { accountId: acc.id, bytes: camt, fileName: 'releve.xml' }),
  );
  assert.equal(imp.matched, 1);
  assert.equal((await tenant((trx) => getInvoice(trx, A.actor('accountant'), inv.id)))!.status, 'paid');
  const r3 = await sendDue(odb, env);
  assert.equal(r3.statuses, 1);
  const ours = platform.statusesFromUs.at(-1)!;
  assert.deepEqual(
    [ours.ref, ours.status, ours.code, ours.amountCents, ours.occurredOn],
    [ref, 'collected', '212', inv.totalInclCents, today],
  );
  s = await state(A, inv.id);
  assert.equal(s!.history.at(-1)!.status, 'collected');
  assert.equal(s!.history.at(-1)!.source, 'radieuse');
  // Sent once only.
  assert.equal((await sendDue(odb, env)).statuses, 0);
});

test('a refused invoice appears in its entrepreneur’s to-do list with the platform’s reason', async () => {
  const c = await companyCustomer(A);
  const inv = await invoice(A, c.id, 5000);
  await sendDue(odb, env);
  const s = await state(A, inv.id);
  assert.equal(s!.transmission.routingAddress, c.siren);
  platform.statuses.push({
    platformRef: s!.transmission.platformRef,
    status: '210',
    occurredAt: new Date().toISOString(),
    reason: 'Bon de commande absent',
  });
  await pullStatuses(odb, env);
  const items = await tenant((trx) => computeInbox(trx, A.actor('entrepreneur'), today));
  const item = items.find((i) => i.key === `einvoicing.refused:${inv.id}`);
  assert.ok(item, 'in the inbox');
  assert.match(item.title, /refusée/);
  assert.match(item.why, /Bon de commande absent/);
  assert.equal(item.action.href, `/factures/${inv.id}`);
  const other = await tenant((trx) => computeInbox(trx, B.actor('entrepreneur'), today), B);
  assert.ok(!other.some((i) => i.key.startsWith('einvoicing.')));
});

test('an incoming supplier invoice from the platform lands in purchases, read, and in the inbox', async () => {
  const pdf = await renderInvoicePdf(fixtures.standard);
  platform.incoming.set('IN-1', {
    fileName: 'fournisseur.pdf',
    routingAddress: `123456789_${A.analyticCode}`,
    content: pdf,
  });
  const r = await pullIncoming(odb, env);
  assert.deepEqual([r.recorded, r.errors.length], [1, 0]);
  assert.deepEqual(platform.acked, ['IN-1']);
  const row = await odb.db
    .selectFrom('einvoice_incoming' as never)
    .selectAll()
    .where('cooperative_id' as never, '=', A.coop.id as never)
    .executeTakeFirstOrThrow();
  const si = await tenant((trx) =>
    getSupplierInvoice(trx, A.actor('accountant'), (row as { supplier_invoice_id: string }).supplier_invoice_id),
  );
  assert.equal(si!.supplierNumber, fixtures.standard.number);
  assert.equal(si!.totalInclCents, fixtures.standard.totals.grandTotalCents);
  assert.equal(si!.status, 'to_approve');
  assert.equal(si!.splits[0].activityId, A.activityId);
  assert.ok(si!.fileId);
  const items = await tenant((trx) => computeInbox(trx, A.actor('accountant'), today));
  assert.ok(items.some((i) => i.key === `purchases.supplier_invoice.approve:${si!.id}`));
  // Delivered again by the platform: nothing added.
  platform.incoming.set('IN-1', {
    fileName: 'fournisseur.pdf',
    routingAddress: `123456789_${A.analyticCode}`,
    content: pdf,
  });
  assert.equal((await pullIncoming(odb, env)).recorded, 0);
});

test('as the buyer: a received invoice approved then paid in two transfers is reported 205 then 211 twice', async () => {
  const row = (await odb.db
    .selectFrom('einvoice_incoming' as never)
    .select(['id', 'supplier_invoice_id'] as never)
    .where('cooperative_id' as never, '=', A.coop.id as never)
    .where('platform_ref' as never, '=', 'IN-1' as never)
    .executeTakeFirstOrThrow()) as { id: string; supplier_invoice_id: string };
  const si = row.supplier_invoice_id;
  const total = fixtures.standard.totals.grandTotalCents;
  const fromUs = () => platform.statusesFromUs.filter((x) => x.ref === 'IN-1');
  await tenant((trx) => approveSupplierInvoice(trx, A.actor('support'), si));
  await tenant((trx) => recordSupplierInvoicePayment(trx, A.actor('accountant'), si, 1000, today));
  await tenant((trx) => recordSupplierInvoicePayment(trx, A.actor('accountant'), si, total - 1000, today));
  assert.equal(fromUs().length, 0, 'queued with the approval and payments, sent by the job');
  const r = await sendBuyerStatuses(odb, env);
  assert.deepEqual([r.statuses, r.failed], [3, 0], r.errors.join('; '));
  assert.deepEqual(
    fromUs().map((x) => [x.status, x.code, x.amountCents, x.occurredOn]),
    [
      ['approved', '205', null, today],
      ['payment_sent', '211', 1000, today],
      ['payment_sent', '211', total - 1000, today],
    ],
  );
  assert.equal((await sendBuyerStatuses(odb, env)).statuses, 0, 'each status is sent once');
  // The overview page shows what was reported, for those who process received invoices.
  const sent = await tenant((trx) => buyerStatusesOf(trx, A.actor('accountant'), [row.id]));
  assert.deepEqual(
    sent.get(row.id)!.map((b) => [b.status, b.state]),
    [
      ['approved', 'sent'],
      ['payment_sent', 'sent'],
      ['payment_sent', 'sent'],
    ],
  );
  await assert.rejects(tenant((trx) => buyerStatusesOf(trx, A.actor('entrepreneur'), [row.id])));
  // A supplier invoice typed in (not received through the platform) reports nothing.
  const typed = await tenant(async (trx) => {
    const supplier = await createSupplier(trx, A.actor('accountant'), { name: 'Papeterie Martin' });
    return createSupplierInvoice(trx, A.actor('accountant'), {
      supplierId: supplier.id,
      supplierNumber: 'PM-77',
      issueDate: today,
      account: '606',
      lines: [{ description: 'Papier', vatRateBp: 2000, exclCents: 5000 }],
      splits: [{ activityId: A.activityId, exclCents: 5000 }],
    });
  });
  await tenant((trx) => approveSupplierInvoice(trx, A.actor('support'), typed.id));
  assert.equal((await sendBuyerStatuses(odb, env)).statuses, 0);
});

test('as the buyer: a received invoice refused is reported 210 with its reason; a disputed one 207, then 210', async () => {
  for (const [ref, number] of [
    ['IN-REF', 'F2026-LUMEN-0210'],
    ['IN-LIT', 'F2026-LUMEN-0207'],
  ] as const)
    platform.incoming.set(ref, {
      fileName: `${number}.pdf`,
      routingAddress: `123456789_${A.analyticCode}`,
      content: await renderInvoicePdf({ ...fixtures.standard, number }),
    });
  assert.equal((await pullIncoming(odb, env)).recorded, 2);
  const received = async (ref: string) =>
    (await odb.db
      .selectFrom('einvoice_incoming' as never)
      .select(['id', 'supplier_invoice_id'] as never)
      .where('cooperative_id' as never, '=', A.coop.id as never)
      .where('platform_ref' as never, '=', ref as never)
      .executeTakeFirstOrThrow()) as { id: string; supplier_invoice_id: string };
  const refused = await received('IN-REF');
  const disputed = await received('IN-LIT');
  await tenant((trx) =>
    refuseSupplierInvoice(trx, A.actor('support'), refused.supplier_invoice_id, {
      decision: 'refused',
      reasonCode: 'DOUBLON',
      note: 'Déjà reçue sous le numéro F2026-LUMEN-0042',
    }),
  );
  await tenant((trx) =>
    refuseSupplierInvoice(trx, A.actor('accountant'), disputed.supplier_invoice_id, {
      decision: 'disputed',
      reasonCode: 'QTE_ERR',
    }),
  );
  const fromUs = (ref: string) =>
    platform.statusesFromUs
      .filter((x) => x.ref === ref)
      .map((x) => [x.status, x.code, x.reasonCode, x.reason, x.amountCents, x.occurredOn]);
  assert.deepEqual(fromUs('IN-REF'), [], 'queued in the transaction, sent by the job');
  // The platform is down once: the statuses wait for their next attempt, then go, once.
  platform.failNext = 2;
  const down = await sendBuyerStatuses(odb, env);
  assert.deepEqual([down.statuses, down.failed], [0, 2]);
  assert.deepEqual(fromUs('IN-REF'), []);
  const later = new Date(Date.now() + 2 * 60_000);
  const r = await sendBuyerStatuses(odb, env, { now: later });
  assert.deepEqual([r.statuses, r.failed], [2, 0], r.errors.join('; '));
  assert.deepEqual(fromUs('IN-REF'), [
    ['refused', '210', 'DOUBLON', 'Déjà reçue sous le numéro F2026-LUMEN-0042', null, today],
  ]);
  assert.deepEqual(fromUs('IN-LIT'), [['disputed', '207', 'QTE_ERR', 'Quantité facturée erronée', null, today]]);
  // The dispute ends in a refusal: reported too, once.
  await tenant((trx) =>
    refuseSupplierInvoice(trx, A.actor('support'), disputed.supplier_invoice_id, {
      decision: 'refused',
      reasonCode: 'MONTANTTOTAL_ERR',
    }),
  );
  assert.equal((await sendBuyerStatuses(odb, env, { now: later })).statuses, 1);
  assert.deepEqual(
    fromUs('IN-LIT').map((x) => [x[1], x[2]]),
    [
      ['207', 'QTE_ERR'],
      ['210', 'MONTANTTOTAL_ERR'],
    ],
  );
  assert.equal((await sendBuyerStatuses(odb, env, { now: later })).statuses, 0);
  const shown = await tenant((trx) => buyerStatusesOf(trx, A.actor('accountant'), [refused.id]));
  assert.deepEqual(
    shown.get(refused.id)!.map((b) => [b.status, b.reasonCode, b.state]),
    [['refused', 'DOUBLON', 'sent']],
  );
});

test('folder platform: documents to outbox/, statuses and invoices from inbox/', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pa-folder-'));
  await tenant(
    (trx) =>
      savePlatform(trx, B.actor('director'), env, {
        adapter: 'folder',
        format: 'ubl',
        name: 'PA fichiers',
        folder: root,
      }),
    B,
  );
  const c = await companyCustomer(B);
  const inv = await invoice(B, c.id, 20000);
  await sendDue(odb, env);
  const out = readdirSync(join(root, 'outbox'));
  const xml = out.find((f) => f.endsWith('.xml'))!;
  assert.match(readFileSync(join(root, 'outbox', xml), 'utf8'), /<Invoice[\s\S]*urn:oasis:names:specification:ubl/);
  const ref = xml.replace(/\.xml$/, '');
  assert.equal(JSON.parse(readFileSync(join(root, 'outbox', `${ref}.json`), 'utf8')).number, inv.number);
  mkdirSync(join(root, 'inbox', 'statuses'), { recursive: true });
  writeFileSync(
    join(root, 'inbox', 'statuses', '001.json'),
    JSON.stringify([
      { platformRef: ref, status: '202', occurredAt: new Date(Date.now() + 1000).toISOString() },
      { platformRef: ref, status: 'approved', occurredAt: new Date(Date.now() + 2000).toISOString() },
    ]),
  );
  mkdirSync(join(root, 'inbox', 'invoices'), { recursive: true });
  writeFileSync(join(root, 'inbox', 'invoices', 'f1.pdf'), await renderInvoicePdf(fixtures.standard));
  await pullStatuses(odb, env);
  const s = await state(B, inv.id);
  assert.deepEqual(
    s!.history.map((h) => h.status),
    ['deposited', 'received', 'approved'],
  );
  assert.ok(readdirSync(join(root, 'inbox', 'statuses', 'done')).includes('001.json'));
  // No routing code: the received invoice waits for an accountant to choose the activity.
  const r = await pullIncoming(odb, env);
  assert.equal(r.toAssign, 1);
  const items = await tenant((trx) => computeInbox(trx, B.actor('accountant'), today), B);
  assert.ok(items.some((i) => i.kind === 'einvoicing.incoming'));
});

test('the HTTP adapter refuses internal addresses and plain http unless explicitly allowed', async () => {
  assert.throws(() => checkPlatformUrl('http://pa.example.com/api'), /https/);
  assert.throws(() => checkPlatformUrl('https://127.0.0.1/api'), /interne/);
  assert.throws(() => checkPlatformUrl('https://[::1]/api'), /interne/);
  assert.throws(() => checkPlatformUrl('https://localhost/api'), /interne/);
  assert.throws(() => checkPlatformUrl('https://user:pw@pa.example.com/api'), /identifiants/);
  assert.ok(checkPlatformUrl(baseUrl, true));
  await assert.rejects(
    tenant((trx) =>
      savePlatform(
        trx,
        A.actor('director'),
        { ...env, allowPrivateTargets: false },
        { adapter: 'http', format: 'cii', name: 'X', baseUrl, token: 't' },
      ),
    ),
    /https/,
  );
  // One instance-wide setting lifts the refusal, the one of every outbound call (core/outbound.ts).
  const saved = process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE;
  try {
    delete process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE;
    assert.equal(platformEnvOf(config).allowPrivateTargets, false);
    process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE = '1';
    assert.equal(platformEnvOf(config).allowPrivateTargets, true);
  } finally {
    if (saved === undefined) delete process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE;
    else process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE = saved;
  }
  // A name resolving to loopback is refused at connection time.
  const a = httpAdapter({ baseUrl: 'https://localtest.me/api', token: 't', allowPrivateTargets: false });
  await assert.rejects(a.pullIncoming(), /interne|injoignable/);
  // Only the direction configures the platform.
  await assert.rejects(
    tenant((trx) =>
      savePlatform(trx, A.actor('accountant'), env, { adapter: 'folder', format: 'cii', name: 'X', folder: '/tmp' }),
    ),
    /accès/,
  );
});

test('e-reporting: B2C and international sales by VAT rate, payments of services, CSV', async () => {
  const person = await tenant((trx) =>
    createCustomer(trx, A.actor('support'), {
      kind: 'individual',
      name: 'Camille Particulier',
      email: 'camille@exemple.fr',
      addressLine1: '1 rue B',
      postalCode: '69003',
      city: 'Lyon',
    }),
  );
  const abroad = await tenant((trx) =>
    createCustomer(trx, A.actor('support'), {
      kind: 'company',
      name: 'GmbH Berlin',
      email: 'kontakt@berlin.example',
      addressLine1: 'Hauptstraße 1',
      postalCode: '10115',
      city: 'Berlin',
      countryCode: 'DE',
    }),
  );
  const i1 = await invoice(A, person.id, 10000);
  await invoice(A, abroad.id, 30000);
  await tenant((trx) =>
    import('../sales/index.ts').then((m) =>
      m.recordPayment(trx, A.actor('accountant'), i1.id, {
        amountCents: i1.totalInclCents,
        date: today,
        method: 'virement',
      }),
    ),
  );
  assert.equal((await state(A, i1.id))!.transmission.channel, 'b2c');
  const s = await tenant((trx) => eReportingSummary(trx, A.actor('accountant'), today, today));
  const b2c = s.sales.find((r) => r.category === 'b2c')!;
  const intl = s.sales.find((r) => r.category === 'international')!;
  assert.deepEqual([b2c.vatRateBp, b2c.invoices, b2c.baseCents, b2c.vatCents], [2000, 1, 10000, 2000]);
  assert.equal(intl.baseCents, 30000);
  const pay = s.servicePayments.find((r) => r.category === 'b2c')!;
  assert.deepEqual([pay.payments, pay.baseCents, pay.vatCents], [1, 10000, 2000]);
  const csv = eReportingCsv(s);
  assert.match(csv, /^type;categorie;taux_tva/);
  assert.match(csv, /ventes;b2c;20;1;100,00;20,00/);
  assert.match(csv, /encaissements_services;b2c;20;1;100,00;20,00/);
  await assert.rejects(
    tenant((trx) => eReportingSummary(trx, A.actor('entrepreneur'), today, today)),
    /accès/,
  );
  // The structured file (flux 10): the invoice abroad one by one (10.1), the day's B2C sales
  // (10.3), the B2C payment of services (10.4); amounts from the same cents.
  const f = await tenant((trx) => eReportingFlux10Data(trx, A.actor('accountant'), today, today));
  assert.equal(f.issuer.siren, A.coop.siren);
  assert.deepEqual(
    f.international.map((i) => [i.typeCode, i.buyerName, i.lines.map((l) => [l.category, l.vatRateBp, l.baseCents])]),
    [['380', 'GmbH Berlin', [['TPS1', 2000, 30000]]]],
  );
  assert.deepEqual(f.b2cDays, [
    { date: today, category: 'TPS1', vatRateBp: 2000, baseCents: 10000, vatCents: 2000, count: 1 },
  ]);
  assert.deepEqual(f.b2cPayments, [{ date: today, vatRateBp: 2000, inclCents: 12000 }]);
  await assert.rejects(
    tenant((trx) => eReportingFlux10Data(trx, A.actor('entrepreneur'), today, today)),
    /accès/,
  );
  // Sent through the platform that takes e-reporting: the summary and the flux 10 file.
  await tenant((trx) =>
    savePlatform(trx, A.actor('director'), env, {
      adapter: 'http',
      format: 'facturx',
      name: 'PA de test',
      baseUrl,
      eReporting: true,
    }),
  );
  const sent = await tenant((trx) => sendEReport(trx, A.actor('accountant'), env, today, today));
  const got = platform.ereports.at(-1)!;
  assert.equal(sent.platformRef, `ER-${platform.ereports.length}`);
  const day = today.replaceAll('-', '');
  assert.match(
    String(got.flux10),
    new RegExp(`<Transactions>\\s*<Date>${day}</Date>[\\s\\S]*<TaxExclusiveAmount>100.00</TaxExclusiveAmount>`),
  );
  assert.match(String(got.flux10), /<Invoice>\s*<ID>[^<]+<\/ID>[\s\S]*<Name>GmbH Berlin<\/Name>/);
});
