export { salesMigrations, type SalesTables } from './schema.ts';
export * from './types.ts';
export * from './events.ts';
export { computeTotals, proRataShares, type ComputedTotals, type TotalsInput } from './invoice-totals.ts';
export { allocateInvoiceNumber, renderTemplate, checkTemplate, DEFAULT_NUMBER_TEMPLATE } from './invoice-numbering.ts';
export { createCustomer, updateCustomer, getCustomer, listCustomers, type Customer, type CustomerInput } from './customer.service.ts';
export {
  createDraft, updateDraft, submitInvoice, validateInvoice, markSent, createCreditNote, recordPayment, getInvoice, getLines,
  listInvoices, findInvoiceByNumber, loadInvoiceDocument, invoiceProblems, STATUS_LABELS, VALIDATED_EDIT_ERROR,
  type Invoice, type InvoiceDraftInput, type InvoiceLineInput, type InvoiceFilters, type PaymentInput,
} from './invoice.service.ts';
export { LEGAL_TEXTS } from './legal.ts';
