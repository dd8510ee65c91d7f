// Events the purchases module emits (core/events.ts), in the transaction of the action. Payloads
// carry everything the ledger needs (accounts, analytic codes, amounts), so it never reads purchases tables.
import type { IsoDate } from '../../core/dates.ts';

/** One analytic share of a purchase: its charge account, excl. VAT amount and deductible VAT. */
export interface PurchaseShare {
  account: string;
  analyticCode: string;
  exclCents: number;
  vatCents: number;
  label: string;
}

/** A supplier invoice was approved by support: D 6xx + D 44566 / C 401, per activity. */
export interface SupplierInvoiceApproved {
  [k: string]: unknown;
  invoiceId: string;
  supplierId: string;
  supplierName: string;
  supplierNumber: string;
  issueDate: IsoDate;
  shares: PurchaseShare[];
  totalInclCents: number;
}
/** A supplier invoice was paid: D 401 / C 512, per activity (same shares as the approval). */
export interface SupplierInvoicePaid {
  [k: string]: unknown;
  invoiceId: string;
  supplierId: string;
  supplierName: string;
  supplierNumber: string;
  date: IsoDate;
  shares: { analyticCode: string; inclCents: number }[];
  amountCents: number;
  /** One of several payments of the invoice (absent when it is paid in one go): the ledger posts each once. */
  paymentId?: string;
}
/** A supplier invoice was refused (final) or put in dispute by support: nothing to post; the
 *  e-invoicing module reports « refusée » (210) or « en litige » (207) with the reason code. */
export interface SupplierInvoiceRefused {
  [k: string]: unknown;
  invoiceId: string;
  supplierId: string;
  supplierName: string;
  supplierNumber: string;
  decision: 'refused' | 'disputed';
  /** A reason code of the reform's list (REFUSAL_REASONS / DISPUTE_REASONS). */
  reasonCode: string;
  reasonLabel: string;
  note: string | null;
  date: IsoDate;
}
/** An expense sheet (expenses and mileage) was validated: D 6xx / 6251 + D 44566 / C 421 (the person). */
export interface ExpenseReportValidated {
  [k: string]: unknown;
  reportId: string;
  userId: string;
  personName: string;
  month: string;
  date: IsoDate;
  shares: PurchaseShare[];
  totalCents: number;
}
/** An expense sheet was reimbursed: D 421 / C 512. */
export interface ExpenseReportReimbursed {
  [k: string]: unknown;
  reportId: string;
  userId: string;
  personName: string;
  month: string;
  date: IsoDate;
  shares: { analyticCode: string; inclCents: number }[];
  amountCents: number;
}

export const PURCHASES_EVENTS = {
  supplierInvoiceApproved: 'purchases.supplier_invoice.approved',
  supplierInvoicePaid: 'purchases.supplier_invoice.paid',
  supplierInvoiceRefused: 'purchases.supplier_invoice.refused',
  supplierInvoiceDisputed: 'purchases.supplier_invoice.disputed',
  expenseReportValidated: 'purchases.expense_report.validated',
  expenseReportReimbursed: 'purchases.expense_report.reimbursed',
} as const;
