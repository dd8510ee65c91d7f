export { salesMigrations, type SalesTables } from './schema.ts';
export * from './types.ts';
export * from './events.ts';
export { computeTotals, proRataShares, type ComputedTotals, type TotalsInput } from './invoice-totals.ts';
export { allocateInvoiceNumber, renderTemplate, checkTemplate, DEFAULT_NUMBER_TEMPLATE } from './invoice-numbering.ts';
export {
  createCustomer,
  updateCustomer,
  getCustomer,
  getCustomers,
  listCustomers,
  type Customer,
  type CustomerInput,
  type CustomerKey,
} from './customer.service.ts';
export {
  createDraft,
  updateDraft,
  submitInvoice,
  validateInvoice,
  markSent,
  createCreditNote,
  recordPayment,
  recordPaymentId,
  getInvoice,
  getInvoices,
  getLines,
  linesOfInvoices,
  listInvoices,
  listInvoicesAfter,
  type InvoiceKey,
  invoicesDue,
  findInvoiceByNumber,
  loadInvoiceDocument,
  invoiceProblems,
  STATUS_LABELS,
  VALIDATED_EDIT_ERROR,
  type Invoice,
  type InvoiceDraftInput,
  type InvoiceLineInput,
  type InvoiceFilters,
  type PaymentInput,
} from './invoice.service.ts';
export { recordPayments, type InvoicePaymentInput } from './payment-batch.service.ts';
export {
  recordImportedInvoice,
  numberSeriesOf,
  numberSeriesCounters,
  invoiceNumberTemplate,
  importCustomer,
  recordImportedPayment,
  recordImportedQuote,
  type ImportedInvoiceInput,
  type ImportedQuoteInput,
} from './imported-invoice.service.ts';
export { LEGAL_TEXTS } from './legal.ts';
export { buildCii, buildUbl, createPdfPool, type PdfPool, renderInvoicePdf } from './facturx/index.ts';
export { makeDocument as makeSampleInvoiceDocument, frBuyer as sampleFrenchBuyer } from './facturx/samples.ts';
export { sendInvoice, invoiceMail } from './sending.ts';
export { registerInvoicePanel, type InvoicePanel } from './invoice-panels.ts';
export {
  sendDueReminders,
  salesSchedules,
  reminderSchedule,
  setReminderSchedule,
  setRemindersPaused,
  reminderHistory,
  sendReminderNow,
  noticeLetterPdf,
  DEFAULT_REMINDER_DAYS,
  NOTICE_AFTER_DAYS,
} from './reminders.ts';
export { createCatalogueItem, listCatalogue, archiveCatalogueItem, type CatalogueItem } from './catalogue.service.ts';
export {
  createQuote,
  updateQuote,
  getQuote,
  getQuotes,
  getQuoteLines,
  listQuotes,
  sendQuote,
  acceptQuoteByToken,
  markQuoteAccepted,
  refuseQuote,
  expireQuotes,
  invoiceFromQuote,
  quoteBilling,
  quotePdf,
  QUOTE_STATUS_LABELS,
  type Quote,
  type QuoteInput,
  type QuoteLine,
  type QuoteStatus,
} from './quote.service.ts';
export { importCustomersCsv, parseCsv, ImportRefused } from './customer-import.ts';
export { invoiceNumberingCheck, salesTotalsByActivity, type SalesActivityTotals } from './integrity.ts';
export { salesPersonalData } from './personal-data.ts';
export { ownFirstSalesSteps, type FirstSalesSteps } from './first-steps.queries.ts';
export {
  receivedPayments,
  invoiceNumbers,
  oldestUnpaidInvoice,
  type PaymentFacts,
} from './bank-facts.service.ts';
