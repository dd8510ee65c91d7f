// Purchases events → journal entries, in the transaction of the purchases action (core/events.ts).
// Supplier invoice approved (journal AC): D 6xx (excl. VAT) + D 44566 / C 401 (supplier as auxiliary),
//   one set of lines per activity so every line carries its analytic code.
// Supplier invoice paid (BQ): D 401 / C 512. Expense sheet validated (OD): D 6xx / 6251 + D 44566 / C 421
//   (the person as auxiliary). Expense sheet reimbursed (BQ): D 421 / C 512.
// Charge accounts the purchases module uses are added to the chart when missing (PURCHASES_CHART).
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { onEvent } from '../../core/events.ts';
import {
  PURCHASES_EVENTS,
  PURCHASES_CHART,
  type SupplierInvoiceApproved,
  type SupplierInvoicePaid,
  type ExpenseReportValidated,
  type ExpenseReportReimbursed,
} from '../purchases/index.ts';
import { postEntry, letterIfBalanced, type PostingLine, type PostedEntry } from './posting.service.ts';
import { accountRoles, ensureChart } from './chart.ts';
import { ledgerDb } from './db.ts';
import { requireModule } from '../../core/authz.ts';

const EMPLOYEE_ACCOUNT = '421';

async function alreadyPosted(trx: Tx, actor: Actor, type: string, id: string): Promise<PostedEntry | null> {
  const e = await ledgerDb(trx)
    .selectFrom('journal_entry')
    .select(['id', 'journal_code', 'fiscal_year', 'entry_number', 'entry_date'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('source_type', '=', type)
    .where('source_id', '=', id)
    .executeTakeFirst();
  return e
    ? { id: e.id, journal: e.journal_code, fiscalYear: e.fiscal_year, number: e.entry_number, date: e.entry_date }
    : null;
}

async function ensurePurchaseAccounts(trx: Tx, cooperativeId: string): Promise<void> {
  await ensureChart(trx, cooperativeId);
  const seen = new Set<string>();
  const rows: { cooperative_id: string; number: string; label: string }[] = [];
  for (const [number, label] of PURCHASES_CHART)
    if (!seen.has(number)) {
      seen.add(number);
      rows.push({ cooperative_id: cooperativeId, number, label });
    }
  await ledgerDb(trx)
    .insertInto('ledger_account')
    .values(rows)
    .onConflict((oc) => oc.columns(['cooperative_id', 'number']).doNothing())
    .execute();
}

/** Sums lines with the same account, side, auxiliary, analytic code and label. */
function merge(lines: PostingLine[]): PostingLine[] {
  const out: PostingLine[] = [];
  for (const l of lines) {
    if (!l.debitCents && !l.creditCents) continue;
    const same = out.find(
      (o) =>
        o.account === l.account &&
        o.auxAccount === l.auxAccount &&
        o.analyticCode === l.analyticCode &&
        !!o.debitCents === !!l.debitCents &&
        o.label === l.label,
    );
    if (same) {
      same.debitCents = (same.debitCents ?? 0) + (l.debitCents ?? 0);
      same.creditCents = (same.creditCents ?? 0) + (l.creditCents ?? 0);
    } else out.push({ ...l });
  }
  return out;
}

export async function postSupplierInvoice(trx: Tx, actor: Actor, p: SupplierInvoiceApproved): Promise<PostedEntry> {
  requireModule(actor, 'ledger');
  const done = await alreadyPosted(trx, actor, 'purchases.supplier_invoice', p.invoiceId);
  if (done) return done;
  await ensurePurchaseAccounts(trx, actor.cooperativeId);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const label = `Facture ${p.supplierNumber} — ${p.supplierName}`;
  const aux = { auxAccount: p.supplierId, auxLabel: p.supplierName };
  const lines: PostingLine[] = [];
  for (const s of p.shares) {
    lines.push({ account: s.account, debitCents: s.exclCents, analyticCode: s.analyticCode, label });
    lines.push({ account: acc.vatDeductible, debitCents: s.vatCents, analyticCode: s.analyticCode, label });
    lines.push({
      account: acc.supplier,
      creditCents: s.exclCents + s.vatCents,
      analyticCode: s.analyticCode,
      label,
      ...aux,
    });
  }
  return postEntry(trx, actor, {
    journal: 'AC',
    date: p.issueDate,
    label,
    pieceRef: p.supplierNumber.slice(0, 35),
    pieceDate: p.issueDate,
    source: { type: 'purchases.supplier_invoice', id: p.invoiceId },
    lines: merge(lines),
  });
}

export async function postSupplierPayment(trx: Tx, actor: Actor, p: SupplierInvoicePaid): Promise<PostedEntry> {
  requireModule(actor, 'ledger');
  // Each payment is posted once: a payment in one go is identified by the invoice, one of several by its own id.
  const sourceId = p.paymentId ?? p.invoiceId;
  const done = await alreadyPosted(trx, actor, 'purchases.supplier_payment', sourceId);
  if (done) return done;
  await ensurePurchaseAccounts(trx, actor.cooperativeId);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const label = `Paiement ${p.supplierNumber} — ${p.supplierName}`;
  const lines: PostingLine[] = [];
  for (const s of p.shares) {
    lines.push({
      account: acc.supplier,
      debitCents: s.inclCents,
      analyticCode: s.analyticCode,
      label,
      auxAccount: p.supplierId,
      auxLabel: p.supplierName,
    });
    lines.push({ account: acc.bank, creditCents: s.inclCents, analyticCode: s.analyticCode, label });
  }
  const posted = await postEntry(trx, actor, {
    journal: 'BQ',
    date: p.date,
    label,
    pieceRef: p.supplierNumber.slice(0, 35),
    pieceDate: p.date,
    source: { type: 'purchases.supplier_payment', id: sourceId },
    lines: merge(lines),
  });
  await letterIfBalanced(trx, actor, acc.supplier, p.supplierId, [p.supplierNumber.slice(0, 35)], p.date);
  return posted;
}

export async function postExpenseReport(trx: Tx, actor: Actor, p: ExpenseReportValidated): Promise<PostedEntry> {
  requireModule(actor, 'ledger');
  const done = await alreadyPosted(trx, actor, 'purchases.expense_report', p.reportId);
  if (done) return done;
  await ensurePurchaseAccounts(trx, actor.cooperativeId);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const label = `Note de frais ${p.month} — ${p.personName}`;
  const lines: PostingLine[] = [];
  for (const s of p.shares) {
    lines.push({ account: s.account, debitCents: s.exclCents, analyticCode: s.analyticCode, label: s.label || label });
    lines.push({ account: acc.vatDeductible, debitCents: s.vatCents, analyticCode: s.analyticCode, label });
    lines.push({
      account: EMPLOYEE_ACCOUNT,
      creditCents: s.exclCents + s.vatCents,
      analyticCode: s.analyticCode,
      label,
      auxAccount: p.userId,
      auxLabel: p.personName,
    });
  }
  return postEntry(trx, actor, {
    journal: 'OD',
    date: p.date,
    label,
    pieceRef: `NDF-${p.month}`,
    pieceDate: p.date,
    source: { type: 'purchases.expense_report', id: p.reportId },
    lines: merge(lines),
  });
}

export async function postExpenseReimbursement(
  trx: Tx,
  actor: Actor,
  p: ExpenseReportReimbursed,
): Promise<PostedEntry> {
  requireModule(actor, 'ledger');
  const done = await alreadyPosted(trx, actor, 'purchases.expense_reimbursement', p.reportId);
  if (done) return done;
  await ensurePurchaseAccounts(trx, actor.cooperativeId);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const label = `Remboursement note de frais ${p.month} — ${p.personName}`;
  const lines: PostingLine[] = [];
  for (const s of p.shares) {
    lines.push({
      account: EMPLOYEE_ACCOUNT,
      debitCents: s.inclCents,
      analyticCode: s.analyticCode,
      label,
      auxAccount: p.userId,
      auxLabel: p.personName,
    });
    lines.push({ account: acc.bank, creditCents: s.inclCents, analyticCode: s.analyticCode, label });
  }
  return postEntry(trx, actor, {
    journal: 'BQ',
    date: p.date,
    label,
    pieceRef: `NDF-${p.month}`,
    pieceDate: p.date,
    source: { type: 'purchases.expense_reimbursement', id: p.reportId },
    lines: merge(lines),
  });
}

let registered = false;
export function registerPurchaseHandlers(): void {
  if (registered) return;
  registered = true;
  onEvent<SupplierInvoiceApproved>(PURCHASES_EVENTS.supplierInvoiceApproved, async (tx, actor, p) => {
    await postSupplierInvoice(tx, actor, p);
  });
  onEvent<SupplierInvoicePaid>(PURCHASES_EVENTS.supplierInvoicePaid, async (tx, actor, p) => {
    await postSupplierPayment(tx, actor, p);
  });
  onEvent<ExpenseReportValidated>(PURCHASES_EVENTS.expenseReportValidated, async (tx, actor, p) => {
    await postExpenseReport(tx, actor, p);
  });
  onEvent<ExpenseReportReimbursed>(PURCHASES_EVENTS.expenseReportReimbursed, async (tx, actor, p) => {
    await postExpenseReimbursement(tx, actor, p);
  });
}
