// The purchases module's door for other modules' tests: the services that must refuse an
// organisation without the ERP, called with made-up arguments (src/app/erp-refusal.test.ts); the
// background readings of receipts and supplier invoices, queued through the real services.
import type { ErpRefusalCase } from '../../core/testing-authz.ts';
import { expenseReceiptFileId, getExpenseReport } from './expense.service.ts';
import { getSupplierInvoice } from './supplier-invoice.service.ts';
import { requireSupplier } from './supplier.service.ts';

const NO_ID = '00000000-0000-4000-8000-000000000000';
export const purchasesErpCases: ErpRefusalCase[] = [
  { name: 'expenseReceiptFileId', run: (t, a) => expenseReceiptFileId(t as never, a, NO_ID) },
  { name: 'getExpenseReport', run: (t, a) => getExpenseReport(t as never, a, NO_ID) },
  { name: 'getSupplierInvoice', run: (t, a) => getSupplierInvoice(t as never, a, NO_ID) },
  { name: 'requireSupplier', run: (t, a) => requireSupplier(t as never, a, NO_ID) },
];

/** Receipts (an expense batch) or a supplier invoice queued for reading: the batch to follow. */
export { queueReceipts, queueSupplierInvoiceReading } from './receipt-reading.ts';
