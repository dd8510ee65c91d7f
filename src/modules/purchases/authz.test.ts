// Every purchases action tried by every role through the real services (core/testing-authz.ts):
// supplier invoices (read, record and submit, approve, pay), expense sheets (read, lines, submit,
// validate, reimburse) and mileage (vehicles and trips).
import { after } from 'node:test';
import { seedTestCooperatives, createTestDb, type TestCoop } from '../../app/testing.ts';
import type { Actor, Role } from '../../core/actor.ts';
import { todayParis, type IsoDate } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { NotFoundError } from '../../core/errors.ts';
import { makeSiren } from '../../core/identifiers.ts';
import { uuidv7, type UserId } from '../../core/ids.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import {
  addExpenseLine,
  addVehicle,
  deleteExpenseLine,
  getExpenseReport,
  markExpenseReportReimbursed,
  myReport,
  submitExpenseReport,
  validateExpenseReports,
  yearKm,
} from './expense.service.ts';
import { PURCHASES } from './permissions.ts';
import { refuseSupplierInvoice } from './supplier-invoice-refusal.ts';
import { expenseLimits, saveExpenseLimits } from './limits.service.ts';
import { expensesToReimburseByPerson } from './expense.service.ts';
import {
  approveSupplierInvoice,
  createSupplierInvoice,
  getSupplierInvoice,
  markSupplierInvoicePaid,
  submitSupplierInvoice,
  type SupplierInvoiceInput,
} from './supplier-invoice.service.ts';
import { createSupplier, getSupplier, importSupplier, updateSupplier } from './supplier.service.ts';

let odb: OpenDb | null = null;
let A: TestCoop;
const key = Buffer.alloc(32, 7);
const ids = {
  supplier: '',
  invDraft: '',
  invToApprove: '',
  invApproved: '',
  line: '',
  draftReport: '',
  submitted: '',
  validated: '',
  vehicle: '',
};
after(async () => {
  await odb?.close();
});

const png = (n: number) =>
  Buffer.concat([
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    ),
    Buffer.from(`receipt-${n}-${Math.random()}`),
  ]);
/** The last day of the month `back` months before the current one. */
const endOfMonthBefore = (back: number): IsoDate => {
  const d = new Date(`${todayParis().slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - back + 1);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10) as IsoDate;
};

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  const owner = A.actor('entrepreneur');
  const support = A.actor('support');
  await withTenant(odb.db, A.coop.id, async (trx) => {
    const supplier = await createSupplier(trx, owner, { name: 'Imprimerie Rhône', siren: makeSiren('52345678') });
    ids.supplier = supplier.id;
    const base = (n: string): SupplierInvoiceInput => ({
      supplierId: supplier.id,
      supplierNumber: n,
      issueDate: endOfMonthBefore(1),
      account: '604',
      lines: [{ description: 'Flyers', vatRateBp: 2000, exclCents: 10_000 }],
      splits: [{ activityId: A.activityId, exclCents: 10_000 }],
    });
    ids.invDraft = (await createSupplierInvoice(trx, owner, base('F-1'))).id;
    ids.invToApprove = (await createSupplierInvoice(trx, owner, { ...base('F-2'), submit: true })).id;
    ids.invApproved = (await createSupplierInvoice(trx, owner, { ...base('F-3'), submit: true })).id;
    await approveSupplierInvoice(trx, support, ids.invApproved);

    const line = (n: number, date: IsoDate) =>
      addExpenseLine(trx, owner, key, {
        date,
        category: 'meals',
        description: 'Déjeuner client',
        activityId: A.activityId,
        amountInclCents: 2_750,
        receipt: { name: `ticket-${n}.png`, mimeType: 'image/png', content: png(n) },
      });
    const draftLine = await line(1, todayParis());
    ids.line = draftLine.id;
    ids.draftReport = (await myReport(trx, owner, todayParis().slice(0, 7))).id;
    await line(2, endOfMonthBefore(1));
    ids.submitted = (await myReport(trx, owner, endOfMonthBefore(1).slice(0, 7))).id;
    await submitExpenseReport(trx, owner, ids.submitted);
    await line(3, endOfMonthBefore(2));
    ids.validated = (await myReport(trx, owner, endOfMonthBefore(2).slice(0, 7))).id;
    await submitExpenseReport(trx, owner, ids.validated);
    await validateExpenseReports(trx, support, [ids.validated]);
    ids.vehicle = (await addVehicle(trx, owner, { label: 'Clio grise', fiscalHp: 5 })).id;
  });
  const as = (role: Role, userId: string): Actor => ({ ...A.actor(role), userId: userId as UserId, roles: [role] });
  return {
    odb,
    cooperativeId: A.coop.id,
    // entrepreneur and cape: the owner of the activity and of the expense sheets, under either role
    actor: (role) => (role === 'cape' ? as('cape', owner.userId!) : A.actor(role)),
    // a member of the same cooperative who owns no activity, sheet or vehicle
    stranger: (role) => as(role, uuidv7()),
  };
}

/** The transaction the services take (named through them: this test adds no escape of its own). */
type Tx = Parameters<typeof getSupplierInvoice>[0];

const readInvoice = async (trx: Tx, actor: Actor) => {
  if (!(await getSupplierInvoice(trx, actor, ids.invToApprove))) throw new NotFoundError('Facture fournisseur');
};
const readReport = async (trx: Tx, actor: Actor) => {
  if (!(await getExpenseReport(trx, actor, ids.draftReport))) throw new NotFoundError('Note de frais');
};

authzSuite('purchases', world, (): AuthzCase[] => [
  {
    permission: PURCHASES.supplierRead,
    run: async (trx, actor) => {
      if (!(await getSupplier(trx, actor, ids.supplier))) throw new NotFoundError('Fournisseur');
    },
  },
  {
    permission: PURCHASES.supplierWrite,
    run: (trx, actor) =>
      updateSupplier(trx, actor, ids.supplier, { name: 'Imprimerie du Rhône', siren: makeSiren('52345678') }),
  },
  { permission: PURCHASES.supplierInvoiceRead, run: (trx, actor) => readInvoice(trx, actor) },
  { permission: PURCHASES.supplierInvoiceDraft, run: (trx, actor) => submitSupplierInvoice(trx, actor, ids.invDraft) },
  {
    permission: PURCHASES.supplierInvoiceApprove,
    run: (trx, actor) => approveSupplierInvoice(trx, actor, ids.invToApprove),
  },
  {
    permission: PURCHASES.supplierInvoiceRefuse,
    run: (trx, actor) =>
      refuseSupplierInvoice(trx, actor, ids.invToApprove, { decision: 'disputed', reasonCode: 'QTE_ERR' }),
  },
  {
    permission: PURCHASES.supplierInvoicePay,
    run: (trx, actor) => markSupplierInvoicePaid(trx, actor, ids.invApproved, todayParis()),
  },
  { permission: PURCHASES.expenseRead, run: (trx, actor) => readReport(trx, actor) },
  { permission: PURCHASES.expenseLine, run: (trx, actor) => deleteExpenseLine(trx, actor, ids.line) },
  { permission: PURCHASES.expenseSubmit, run: (trx, actor) => submitExpenseReport(trx, actor, ids.draftReport) },
  {
    permission: PURCHASES.mileage,
    run: (trx, actor) => yearKm(trx, actor, ids.vehicle, Number(todayParis().slice(0, 4))),
  },
  {
    permission: PURCHASES.expenseValidate,
    run: (trx, actor) => validateExpenseReports(trx, actor, [ids.submitted]),
  },
  {
    permission: PURCHASES.supplierImport,
    run: (trx, actor) => importSupplier(trx, actor, { name: 'Scierie du Vercors', countryCode: 'FR' }),
  },
  {
    permission: PURCHASES.expenseReimburse,
    run: (trx, actor) => markExpenseReportReimbursed(trx, actor, ids.validated, todayParis()),
  },
  { permission: PURCHASES.expenseLimits, run: (trx, actor) => expenseLimits(trx, actor) },
  { permission: PURCHASES.expenseLimits, run: (trx, actor) => saveExpenseLimits(trx, actor, { meals: '45' }) },
  {
    permission: PURCHASES.expenseReimburse,
    run: (trx, actor) => expensesToReimburseByPerson(trx, actor, todayParis().slice(0, 7)),
  },
]);
