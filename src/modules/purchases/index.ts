// Purchases: suppliers, supplier invoices (incoming Factur-X/UBL/PDF/photo), expense sheets and
// mileage allowances. Other modules use only what is exported here.
export { purchasesMigrations, type PurchasesTables } from './schema.ts';
export { PURCHASES } from './permissions.ts';
export * from './events.ts';
export {
  EXPENSE_CATEGORIES,
  PURCHASE_ACCOUNTS,
  PURCHASES_CHART,
  MILEAGE_ACCOUNT,
  categoryOf,
  type ExpenseCategory,
} from './categories.ts';
export { scaleFor, scaleYears, yearlyAllowanceCents, tripAllowanceCents, type MileageScale } from './mileage.ts';
export {
  createSupplier,
  importSupplier,
  updateSupplier,
  getSupplier,
  listSuppliers,
  findSupplierBySiren,
  type Supplier,
  type SupplierInput,
} from './supplier.service.ts';
export {
  createSupplierInvoice,
  getSupplierInvoice,
  getSupplierInvoices,
  listSupplierInvoices,
  submitSupplierInvoice,
  approveSupplierInvoice,
  markSupplierInvoicePaid,
  recordSupplierInvoicePayment,
  SUPPLIER_INVOICE_STATUS,
  type SupplierInvoice,
  type SupplierInvoiceInput,
  type SupplierInvoiceStatus,
} from './supplier-invoice.service.ts';
export {
  refuseSupplierInvoice,
  REFUSAL_REASONS,
  DISPUTE_REASONS,
  reasonLabel,
  type RefusalDecision,
  type RefusalInput,
} from './supplier-invoice-refusal.ts';
export {
  addExpenseLine,
  deleteExpenseLine,
  purchaseDocumentLabels,
  setExpenseLineCategory,
  getExpenseReport,
  getExpenseReports,
  expenseReceiptFileId,
  myReport,
  listMyReports,
  submitExpenseReport,
  reportsToValidate,
  reportsToReimburse,
  validateExpenseReports,
  returnExpenseReport,
  markExpenseReportReimbursed,
  expensesToReimburseByPerson,
  addVehicle,
  listVehicles,
  addMileageTrip,
  yearKm,
  lineIssues,
  vatIncluded,
  type ExpenseReport,
  type ExpenseLine,
  type MileageTrip,
  type Vehicle,
} from './expense.service.ts';
export { attachExpenseReceipt } from './expense-receipt.service.ts';
export {
  readIncomingDocument,
  parseInvoiceXml,
  extractEmbeddedXml,
  suggestFromText,
  pdfText,
  ocrImage,
  NeedsOcrError,
  type ParsedInvoice,
} from './incoming.ts';
export { recordReceivedEInvoice, type ReceivedEInvoice } from './platform-incoming.ts';
export { purchasesPersonalData } from './personal-data.ts';
