// recordPayments (a list at once, what bank matching uses for a statement's automatic matches)
// against recordPaymentId on each payment in turn: two cooperatives given the same customers and
// invoices, one paid one by one, the other as a list, must end with the same payments, invoice
// statuses, ledger entries (numbers, accounts, amounts, lettering), domain events, webhook
// deliveries, e-invoicing reports and audit entries (the chain intact); a list the one-by-one
// path would refuse is refused whole, with the same message, writing nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { countQueries } from '../../core/db/query-count.ts';
import { moduleView } from '../../core/db/handles.ts';
import { uuidv7 } from '../../core/ids.ts';
import { verifyAuditChain } from '../../core/audit.ts';
import { activityFactsOrFail } from '../directory/index.ts';
import type { LedgerTables } from '../ledger/index.ts';
import type { ApiTables } from '../api/index.ts';
import type { EInvoicingTables } from '../einvoicing/index.ts';
import {
  createCustomer,
  createDraft,
  recordPaymentId,
  recordPayments,
  submitInvoice,
  validateInvoice,
  type Invoice,
  type InvoicePaymentInput,
  type SalesTables,
} from './index.ts';

const db = moduleView<SalesTables & LedgerTables & ApiTables & EInvoicingTables>();

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});

const inCoop = <T>(c: TestCoop, fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, c.coop.id, fn);

interface World {
  coop: TestCoop;
  invoices: Invoice[];
  /** Every id of this cooperative's data → a name shared with the other cooperative. */
  names: Map<string, string>;
}

/** The same customers, invoices and webhook subscription in a cooperative. */
async function world(c: TestCoop, suffix = ''): Promise<World> {
  const names = new Map<string, string>([
    [c.coop.id, 'coop'],
    [c.activityId, 'activity'],
  ]);
  const act = await inCoop(c, (trx) => activityFactsOrFail(trx, c.coop.id, c.activityId));
  names.set(act.analyticCode, 'analytic');
  const support = c.actor('support');
  const customers: { id: string }[] = [];
  for (const [i, name] of [`Atelier Un${suffix}`, `Bureau Deux${suffix}`].entries()) {
    const cu = await inCoop(c, (trx) =>
      createCustomer(trx, support, {
        kind: 'individual',
        name,
        email: `client${i}@exemple.fr`,
        addressLine1: '3 rue des Tests',
        postalCode: '69002',
        city: 'Lyon',
        countryCode: 'FR',
      } as Parameters<typeof createCustomer>[2]),
    );
    names.set(cu.id, `customer${i}`);
    customers.push(cu);
  }
  const invoices: Invoice[] = [];
  const specs = [
    { customer: 0, cents: 100000, nature: 'services' as const },
    { customer: 0, cents: 50000, nature: 'goods' as const },
    { customer: 1, cents: 30000, nature: 'services' as const },
    { customer: 1, cents: 20000, nature: 'services' as const },
    { customer: 1, cents: 12345, nature: 'services' as const },
  ];
  for (const [i, s] of specs.entries()) {
    const inv = await inCoop(c, async (trx) => {
      const d = await createDraft(trx, support, {
        activityId: c.activityId,
        customerId: customers[s.customer].id,
        lines: [
          {
            description: 'Prestation',
            quantityMilli: 1000,
            unitPriceCents: s.cents,
            vatCategory: 'S',
            vatRateBp: 2000,
            nature: s.nature,
          },
        ],
      });
      await submitInvoice(trx, support, d.id);
      return validateInvoice(trx, support, d.id);
    });
    names.set(inv.id, `invoice${i}`);
    names.set(inv.number!, `number${i}`);
    invoices.push(inv);
  }
  await inCoop(c, (trx) =>
    db(trx)
      .insertInto('webhook_subscription')
      .values({
        cooperative_id: c.coop.id,
        id: uuidv7(),
        url: 'https://exemple.fr/hook',
        description: '',
        events: ['payment.recorded', 'invoice.paid'],
        secret: 'secret',
        enabled: true,
        disabled_reason: null,
        created_by: null,
      })
      .execute(),
  );
  return { coop: c, invoices, names };
}

/** The payments of the scenario: full, partial, the rest of a partial one, an invoice left open. */
const payments = (w: World): InvoicePaymentInput[] => {
  const [i0, i1, i2, i3] = w.invoices;
  const y = i0.issueDate;
  return [
    { invoiceId: i0.id, amountCents: i0.totalInclCents, date: y, method: 'virement', reference: 'VIR A' },
    { invoiceId: i1.id, amountCents: 20000, date: y, method: 'virement', reference: 'VIR B' },
    { invoiceId: i2.id, amountCents: i2.totalInclCents, date: y, reference: 'VIR C' },
    { invoiceId: i1.id, amountCents: i1.totalInclCents - 20000, date: y, method: 'virement', reference: null },
    { invoiceId: i3.id, amountCents: 5000, date: y, method: 'cheque', reference: 'CHQ 1' },
  ];
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** A value with its cooperative's ids and numbers replaced by the shared names (others: "<id>"). */
function named(w: World, v: unknown): unknown {
  let text = JSON.stringify(v, (_k, x) => (x instanceof Date ? 'date' : typeof x === 'bigint' ? Number(x) : x));
  for (const [k, name] of w.names) if (!/^[0-9a-f-]{36}$/.test(k)) text = text.split(k).join(name);
  text = text.replace(UUID, (id) => w.names.get(id) ?? '<id>');
  return JSON.parse(text);
}
const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

/** Everything the payments wrote, in the cooperative's shared names. */
async function state(w: World) {
  const coop = w.coop.coop.id;
  return inCoop(w.coop, async (trx) => {
    const q = db(trx);
    const invoiceIds = w.invoices.map((i) => i.id);
    const pays = await q
      .selectFrom('payment')
      .select(['invoice_id', 'date', 'amount_cents', 'method', 'reference'])
      .where('cooperative_id', '=', coop)
      .orderBy('id')
      .execute();
    const invoices = await q
      .selectFrom('invoice')
      .select(['id', 'status', 'paid_cents'])
      .where('cooperative_id', '=', coop)
      .where('id', 'in', invoiceIds)
      .orderBy('number')
      .execute();
    const entries = await q
      .selectFrom('journal_entry')
      .select([
        'id',
        'journal_code',
        'fiscal_year',
        'entry_number',
        'entry_date',
        'label',
        'piece_ref',
        'source_type',
        'collected_excl_cents',
      ])
      .where('cooperative_id', '=', coop)
      .orderBy('journal_code')
      .orderBy('entry_number')
      .execute();
    const lines = await q
      .selectFrom('entry_line')
      .select([
        'entry_id',
        'line_no',
        'account',
        'aux_account',
        'label',
        'debit_cents',
        'credit_cents',
        'analytic_code',
        'lettering',
        'lettered_on',
        'vat_rate_bp',
        'vat_base_cents',
      ])
      .where('cooperative_id', '=', coop)
      .orderBy('entry_id')
      .orderBy('line_no')
      .execute();
    const linesOf = (id: string) => lines.filter((l) => l.entry_id === id).map(({ entry_id, ...l }) => l);
    const events = await q
      .selectFrom('domain_event')
      .select(['name', 'payload'])
      .where('cooperative_id', '=', coop)
      .where('name', 'in', ['sales.payment.recorded', 'sales.invoice.paid'])
      .execute();
    const deliveries = await q
      .selectFrom('webhook_delivery')
      .select(['event', 'payload', 'status'])
      .where('cooperative_id', '=', coop)
      .execute();
    const reports = await q
      .selectFrom('einvoice_payment')
      .select(['invoice_id', 'date', 'amount_cents', 'shares', 'state'])
      .where('cooperative_id', '=', coop)
      .execute();
    const audits = await q
      .selectFrom('audit_log')
      .select(['action', 'target_type', 'target_id', 'data'])
      .where('cooperative_id', '=', coop)
      .where('action', '=', 'invoice.payment_recorded')
      .orderBy('seq')
      .execute();
    const chain = await verifyAuditChain(trx, coop);
    const payload = (p: unknown) => (typeof p === 'string' ? JSON.parse(p) : p) as Record<string, unknown>;
    return named(w, {
      payments: pays,
      invoices,
      entries: entries.map(({ id, ...e }) => ({ ...e, lines: linesOf(id) })),
      events: sorted(events.map((e) => ({ name: e.name, payload: payload(e.payload) }))),
      deliveries: sorted(
        deliveries.map((d) => {
          const { timestamp, ...rest } = payload(d.payload);
          return { event: d.event, status: d.status, payload: rest };
        }),
      ),
      reports: sorted(reports),
      audits,
      chain: chain.ok,
    }) as Record<string, unknown>;
  });
}

test('a list of payments recorded at once leaves what recording them one by one leaves, in far fewer statements', async () => {
  const one = await world(A);
  const many = await world(B);
  const single = await countQueries(() =>
    inCoop(A, async (trx) => {
      const ids: string[] = [];
      for (const { invoiceId, ...input } of payments(one))
        ids.push(await recordPaymentId(trx, A.actor('accountant'), invoiceId, input));
      return ids;
    }),
  );
  const batch = await countQueries(() =>
    inCoop(B, (trx) => recordPayments(trx, B.actor('accountant'), payments(many))),
  );
  for (const [i, id] of single.result.entries()) one.names.set(id, `payment${i}`);
  for (const [i, id] of batch.result.entries()) many.names.set(id, `payment${i}`);
  const [a, b] = [await state(one), await state(many)];
  // The scenario does what it says: payments, a settled invoice lettered, webhooks, reports.
  assert.equal((a.payments as unknown[]).length, 5);
  assert.deepEqual(
    (a.invoices as { status: string }[]).map((i) => i.status),
    ['paid', 'paid', 'paid', 'partly_paid', 'validated'],
  );
  const bq = (
    a.entries as { journal_code: string; entry_number: number; lines: { lettering: string | null }[] }[]
  ).filter((e) => e.journal_code === 'BQ');
  assert.deepEqual(
    bq.map((e) => e.entry_number),
    [1, 2, 3, 4, 5],
  );
  assert.ok(bq.some((e) => e.lines.some((l) => l.lettering)));
  assert.equal((a.deliveries as unknown[]).length, 5 + 3);
  assert.equal(a.chain, true);
  for (const key of Object.keys(a)) assert.deepEqual(b[key], a[key], key);
  // Far fewer statements: the list's cost does not grow like the payments'.
  assert.ok(batch.queries * 3 < single.queries, `${batch.queries} statements at once, ${single.queries} one by one`);
});

test('a list the one-by-one path would refuse is refused whole, with its message, and writes nothing', async () => {
  const w = await world(A, ' bis');
  const [i0, i1] = w.invoices;
  const y = i0.issueDate;
  const cases: InvoicePaymentInput[][] = [
    // The second pays an invoice the first settled.
    [
      { invoiceId: i0.id, amountCents: i0.totalInclCents, date: y },
      { invoiceId: i0.id, amountCents: 100, date: y },
    ],
    // The third pays more than the two before it left due.
    [
      { invoiceId: i1.id, amountCents: 10000, date: y },
      { invoiceId: i0.id, amountCents: 500, date: y },
      { invoiceId: i1.id, amountCents: i1.totalInclCents - 9999, date: y },
    ],
  ];
  for (const list of cases) {
    // The one-by-one path's refusal, then rolled back.
    let expected: string | null = null;
    await inCoop(A, async (trx) => {
      try {
        for (const { invoiceId, ...input } of list) await recordPaymentId(trx, A.actor('accountant'), invoiceId, input);
      } catch (e) {
        expected = (e as Error).message;
      }
      throw new Error('rollback');
    }).catch(() => undefined);
    assert.ok(expected, 'the one-by-one path refuses the list');
    await inCoop(A, async (trx) => {
      const count = async () => {
        const q = db(trx);
        const n = async (t: 'payment' | 'journal_entry' | 'audit_log' | 'domain_event' | 'webhook_delivery') =>
          Number(
            (
              await q
                .selectFrom(t)
                .select((eb) => eb.fn.countAll().as('n'))
                .where('cooperative_id', '=', A.coop.id)
                .executeTakeFirstOrThrow()
            ).n,
          );
        const invoices = await q
          .selectFrom('invoice')
          .select(['status', 'paid_cents'])
          .where('cooperative_id', '=', A.coop.id)
          .where('id', 'in', [i0.id, i1.id])
          .orderBy('id')
          .execute();
        return {
          payments: await n('payment'),
          entries: await n('journal_entry'),
          audit: await n('audit_log'),
          events: await n('domain_event'),
          deliveries: await n('webhook_delivery'),
          invoices,
        };
      };
      const before = await count();
      await assert.rejects(recordPayments(trx, A.actor('accountant'), list), { message: expected! });
      assert.deepEqual(await count(), before);
    });
  }
});
