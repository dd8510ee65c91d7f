// The e-invoicing module's door for other modules' tests: the event handlers that must refuse an
// organisation without the ERP, called with made-up payloads (src/app/erp-refusal.test.ts).
import type { ErpRefusalCase } from '../../core/testing-authz.ts';
import { recordSupplierInvoiceApproved, recordSupplierInvoicePaid } from './buyer-status.service.ts';
import { recordPaymentReceived, recordValidated } from './transmission.service.ts';

const NO_ID = '00000000-0000-4000-8000-000000000000';
const P = { invoiceId: NO_ID, customerId: NO_ID } as never;
export const einvoicingErpCases: ErpRefusalCase[] = [
  { name: 'recordValidated', run: (t, a) => recordValidated(t as never, a, P) },
  { name: 'recordPaymentReceived', run: (t, a) => recordPaymentReceived(t as never, a, P) },
  { name: 'recordSupplierInvoiceApproved', run: (t, a) => recordSupplierInvoiceApproved(t as never, a, P) },
  { name: 'recordSupplierInvoicePaid', run: (t, a) => recordSupplierInvoicePaid(t as never, a, P) },
];
