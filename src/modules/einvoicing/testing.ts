// The e-invoicing module's door for other modules' tests: the event handlers that must refuse an
// organisation without the ERP, called with made-up payloads (src/app/erp-refusal.test.ts), and a
// received supplier invoice stored as the pulling job stores it (the attack suite's victim).
import type { ErpRefusalCase } from '../../core/testing-authz.ts';
import { recordSupplierInvoiceApproved, recordSupplierInvoicePaid } from './buyer-status.service.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { receiveIncoming } from './incoming.service.ts';
import { recordPaymentReceived, recordValidated } from './transmission.service.ts';

const NO_ID = '00000000-0000-4000-8000-000000000000';
const P = { invoiceId: NO_ID, customerId: NO_ID } as never;
export const einvoicingErpCases: ErpRefusalCase[] = [
  { name: 'recordValidated', run: (t, a) => recordValidated(t as never, a, P) },
  { name: 'recordPaymentReceived', run: (t, a) => recordPaymentReceived(t as never, a, P) },
  { name: 'recordSupplierInvoiceApproved', run: (t, a) => recordSupplierInvoiceApproved(t as never, a, P) },
  { name: 'recordSupplierInvoicePaid', run: (t, a) => recordSupplierInvoicePaid(t as never, a, P) },
];

/** A supplier invoice received from the platform for `cooperativeId`, as the pulling job stores
 *  it: read, kept for an accountant when its routing address names no activity (`to_assign`). */
export function receivedInvoice(
  tx: Tx,
  cooperativeId: string,
  fileKey: Buffer,
  doc: { platformRef: string; fileName: string; content: Buffer; routingAddress: string | null },
) {
  return receiveIncoming(tx, cooperativeId, fileKey, doc);
}
