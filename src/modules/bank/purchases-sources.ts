// Debit lines: approved supplier invoices and expense reports to reimburse, from the purchases
// module's exports. A supplier invoice may be paid in several transfers (purchases keeps what is
// paid, status "partly_paid"); an expense report is reimbursed in full only. Settling calls
// purchases, which emits its "paid"/"reimbursed" events for the ledger.
import { UserError } from '../../core/errors.ts';
import { toIsoDate, laterDate } from '../../core/dates.ts';
import {
  listSupplierInvoices,
  recordSupplierInvoicePayment,
  reportsToReimburse,
  markExpenseReportReimbursed,
} from '../purchases/index.ts';
import { registerMatchSource, type MatchSource } from './matching.ts';

const fullOnly = (item: { remainingCents: number }, amountCents: number) => {
  if (amountCents !== item.remainingCents)
    throw new UserError(
      'Un paiement partiel ne peut pas être rapproché de cette dépense : rapprochez le montant total.',
    );
};

const supplierInvoices: MatchSource = {
  targetType: 'supplier_invoice',
  async listOpen(trx, actor) {
    return (await listSupplierInvoices(trx, actor, { statuses: ['approved', 'partly_paid'] })).map((i) => ({
      targetType: 'supplier_invoice' as const,
      id: i.id,
      number: i.supplierNumber,
      partyName: i.supplierName,
      partyKey: `supplier:${i.supplierName}`,
      direction: 'out' as const,
      remainingCents: i.totalInclCents - i.paidCents,
      issueDate: toIsoDate(i.issueDate),
      dueDate: i.dueDate ? toIsoDate(i.dueDate) : null,
      allowPartial: true,
    }));
  },
  async settle(trx, actor, item, amountCents, line) {
    await recordSupplierInvoicePayment(trx, actor, item.id, amountCents, laterDate(line.bookingDate, item.issueDate));
    return null;
  },
};

const expenseReports: MatchSource = {
  targetType: 'expense_report',
  async listOpen(trx, actor) {
    return (await reportsToReimburse(trx, actor)).map((r) => ({
      targetType: 'expense_report' as const,
      id: r.id,
      number: null,
      partyName: r.personName,
      partyKey: `person:${r.personName}`,
      direction: 'out' as const,
      remainingCents: r.totalCents,
      issueDate: `${r.month.slice(0, 7)}-01`,
      dueDate: null,
      allowPartial: false,
    }));
  },
  async settle(trx, actor, item, amountCents, line) {
    fullOnly(item, amountCents);
    await markExpenseReportReimbursed(trx, actor, item.id, line.bookingDate);
    return null;
  },
};

registerMatchSource(supplierInvoices);
registerMatchSource(expenseReports);
