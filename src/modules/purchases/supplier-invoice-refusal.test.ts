// Refusing and disputing supplier invoices (statuses 210 and 207 of the e-invoicing reform), on
// the backend the run was started with: who may, which reasons, which states, what it leaves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant, type Tx } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { computeInbox } from '../inbox/index.ts';
import {
  approveSupplierInvoice,
  createSupplier,
  createSupplierInvoice,
  getSupplierInvoice,
  listSupplierInvoices,
  recordSupplierInvoicePayment,
  refuseSupplierInvoice,
} from './index.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
const today = todayParis();
before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});
const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, a.coop.id, fn);

async function submitted(number: string) {
  const ent = a.actor('entrepreneur');
  return inA(async (trx) => {
    const s = await createSupplier(trx, ent, { name: `Fournisseur ${number}` });
    return createSupplierInvoice(trx, ent, {
      supplierId: s.id,
      supplierNumber: number,
      issueDate: today,
      account: '604',
      lines: [{ description: 'Impression', vatRateBp: 2000, exclCents: 12_000 }],
      splits: [{ activityId: a.activityId, exclCents: 12_000 }],
      submit: true,
    });
  });
}
const auditOf = (id: string) =>
  odb.db.selectFrom('audit_log').select(['action', 'data']).where('target_id', '=', id).orderBy('id').execute();
const outboxOf = async (id: string) =>
  (await odb.db.selectFrom('domain_event').select(['name as type', 'payload']).orderBy('id').execute())
    .map((r) => ({ type: r.type, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }))
    .filter((r) => (r.payload as { invoiceId?: string }).invoiceId === id);

test('a disputed supplier invoice leaves the approval queue with its reason, is seen by its entrepreneur, then can be approved', async () => {
  const inv = await submitted('LIT-1');
  const support = a.actor('support');
  // Only those who approve supplier invoices may refuse or dispute them.
  await assert.rejects(
    inA((trx) =>
      refuseSupplierInvoice(trx, a.actor('entrepreneur'), inv.id, { decision: 'disputed', reasonCode: 'QTE_ERR' }),
    ),
    /accès/,
  );
  // A reason is mandatory and must belong to the decision's list (DOUBLON is a refusal reason).
  for (const reasonCode of ['', 'DOUBLON', 'N_IMPORTE_QUOI'])
    await assert.rejects(
      inA((trx) => refuseSupplierInvoice(trx, support, inv.id, { decision: 'disputed', reasonCode })),
      (e: unknown) => e instanceof UserError && /motif/.test(e.fields.reasonCode ?? e.message),
    );
  // Another cooperative's staff cannot reach it.
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (trx) =>
      refuseSupplierInvoice(trx, b.actor('support'), inv.id, { decision: 'refused', reasonCode: 'DOUBLON' }),
    ),
  );
  await inA((trx) =>
    refuseSupplierInvoice(trx, support, inv.id, {
      decision: 'disputed',
      reasonCode: 'QTE_ERR',
      note: '3 cartons livrés sur 5',
    }),
  );
  const seen = await inA((trx) => getSupplierInvoice(trx, a.actor('entrepreneur'), inv.id));
  assert.equal(seen!.status, 'disputed');
  assert.deepEqual([seen!.decision!.reasonCode, seen!.decision!.note], ['QTE_ERR', '3 cartons livrés sur 5']);
  const toApprove = await inA((trx) => listSupplierInvoices(trx, support, { status: 'to_approve' }));
  assert.ok(!toApprove.some((r) => r.id === inv.id), 'out of the approval queue');
  await assert.rejects(
    inA((trx) => recordSupplierInvoicePayment(trx, a.actor('accountant'), inv.id, 100, today)),
    /Approuvez/,
  );
  const entInbox = await inA((trx) => computeInbox(trx, a.actor('entrepreneur'), today));
  const item = entInbox.find((i) => i.key === `purchases.supplier_invoice.disputed:${inv.id}`);
  assert.match(item!.why, /Quantité facturée erronée/);
  const staffInbox = await inA((trx) => computeInbox(trx, support, today));
  assert.ok(!staffInbox.some((i) => i.key === `purchases.supplier_invoice.approve:${inv.id}`));
  assert.deepEqual(
    (await auditOf(inv.id)).map((r) => r.action).filter((x) => x.includes('disputed')),
    ['purchases.supplier_invoice_disputed'],
  );
  const ev = await outboxOf(inv.id);
  assert.deepEqual(
    ev.map((e) => [e.type, (e.payload as { reasonCode: string }).reasonCode]),
    [['purchases.supplier_invoice.disputed', 'QTE_ERR']],
  );
  // Disputed twice: no; once settled, approved.
  await assert.rejects(
    inA((trx) => refuseSupplierInvoice(trx, support, inv.id, { decision: 'disputed', reasonCode: 'PU_ERR' })),
    /déjà en litige/,
  );
  await inA((trx) => approveSupplierInvoice(trx, support, inv.id));
  assert.equal((await inA((trx) => getSupplierInvoice(trx, support, inv.id)))!.status, 'approved');
  await assert.rejects(
    inA((trx) => refuseSupplierInvoice(trx, support, inv.id, { decision: 'refused', reasonCode: 'DOUBLON' })),
    /avoir/,
  );
});

test('a refused supplier invoice is closed: never approved nor paid, nothing posted', async () => {
  const inv = await submitted('REF-1');
  const accountant = a.actor('accountant');
  await inA((trx) => refuseSupplierInvoice(trx, accountant, inv.id, { decision: 'refused', reasonCode: 'DOUBLON' }));
  const r = await inA((trx) => getSupplierInvoice(trx, accountant, inv.id));
  assert.equal(r!.status, 'refused');
  assert.equal(r!.decision!.note, null);
  await assert.rejects(
    inA((trx) => approveSupplierInvoice(trx, accountant, inv.id)),
    /refusée/,
  );
  await assert.rejects(
    inA((trx) => refuseSupplierInvoice(trx, accountant, inv.id, { decision: 'refused', reasonCode: 'DOUBLON' })),
    /déjà refusée/,
  );
  const ev = await outboxOf(inv.id);
  assert.deepEqual(
    ev.map((e) => e.type),
    ['purchases.supplier_invoice.refused'],
  );
  const item = (await inA((trx) => computeInbox(trx, a.actor('entrepreneur'), today))).find(
    (i) => i.key === `purchases.supplier_invoice.refused:${inv.id}`,
  );
  assert.match(item!.title, /REF-1 .* refusée/);
  // A disputed invoice may then be refused.
  const other = await submitted('REF-2');
  await inA((trx) => refuseSupplierInvoice(trx, accountant, other.id, { decision: 'disputed', reasonCode: 'PU_ERR' }));
  await inA((trx) =>
    refuseSupplierInvoice(trx, accountant, other.id, { decision: 'refused', reasonCode: 'MONTANTTOTAL_ERR' }),
  );
  assert.equal(
    (await inA((trx) => getSupplierInvoice(trx, accountant, other.id)))!.decision!.reasonCode,
    'MONTANTTOTAL_ERR',
  );
});
