// The sales module's door for other modules' tests: sample Factur-X documents and their seller.
export { fixtures, seller, SELLER_IBAN, SELLER_SIREN } from './facturx/samples.ts';

import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import type { CustomerInput } from './customer.service.ts';
import type { InvoiceLineInput } from './invoice.service.ts';

/** A French company customer in Lyon, its SIREN (and VAT number) made from `seed` (8 digits). */
export function companyCustomerInput(seed: string, over: Partial<CustomerInput> = {}): CustomerInput {
  const siren = makeSiren(seed);
  return {
    kind: 'company',
    name: `Client ${seed}`,
    siren,
    vatNumber: frenchVatFromSiren(siren),
    addressLine1: '3 rue des Lilas',
    postalCode: '69002',
    city: 'Lyon',
    countryCode: 'FR',
    ...over,
  };
}

/** One unit of a service at `cents` before VAT, 20 % unless `vat` says otherwise. */
export const invoiceLineInput = (cents: number, vat: Partial<InvoiceLineInput> = {}): InvoiceLineInput => ({
  description: 'Prestation',
  quantityMilli: 1000,
  unitPriceCents: cents,
  vatCategory: 'S',
  vatRateBp: 2000,
  ...vat,
});

/** A quote line: one workshop at `cents` before VAT, 20 %. */
export const quoteLineInput = (cents: number) => ({
  description: 'Atelier',
  quantityMilli: 1000,
  unitCode: 'C62',
  unitPriceCents: cents,
  vatCategory: 'S' as const,
  vatRateBp: 2000,
  nature: 'services' as const,
});

// --- services that must refuse an organisation without the ERP (src/app/erp-refusal.test.ts) ---
import type { ErpRefusalCase } from '../../core/testing-authz.ts';
import { ownFirstSalesSteps } from './first-steps.queries.ts';
import { invoicePanels } from './invoice-panels.ts';
import {
  canValidate,
  checkCreditAmount,
  depositDeductionLines,
  getInvoice,
  settleAfterCredit,
} from './invoice.service.ts';
import { previewFromQuote, quoteBilling, quotePdf } from './quote.service.ts';
import { noticeLetterPdf, reminderHistory, setReminderSchedule } from './reminders.ts';
import { sendInvoice } from './sending.ts';

const NO_ID = '00000000-0000-4000-8000-000000000000';
/** The sales services that check no declared permission first themselves, or only through
 *  another service: each is called as is. */
export const salesErpCases: ErpRefusalCase[] = [
  { name: 'ownFirstSalesSteps', run: (t, a) => ownFirstSalesSteps(t as never, a) },
  { name: 'invoicePanels', run: (t, a) => invoicePanels(t as never, a, {} as never, '') },
  { name: 'depositDeductionLines', run: (t, a) => depositDeductionLines(t as never, a, NO_ID) },
  { name: 'canValidate', run: (t, a) => canValidate(t as never, a, { activityId: NO_ID, totalInclCents: 100 }) },
  { name: 'checkCreditAmount', run: (t, a) => checkCreditAmount(t as never, a, NO_ID, 100) },
  { name: 'settleAfterCredit', run: (t, a) => settleAfterCredit(t as never, a, NO_ID) },
  { name: 'getInvoice', run: (t, a) => getInvoice(t as never, a, NO_ID) },
  { name: 'quotePdf', run: (t, a) => quotePdf(t as never, a, NO_ID) },
  { name: 'quoteBilling', run: (t, a) => quoteBilling(t as never, a, NO_ID) },
  { name: 'previewFromQuote', run: (t, a) => previewFromQuote(t as never, a, NO_ID, {} as never) },
  { name: 'setReminderSchedule', run: (t, a) => setReminderSchedule(t as never, a, [7, 30]) },
  { name: 'reminderHistory', run: (t, a) => reminderHistory(t as never, a, NO_ID) },
  { name: 'noticeLetterPdf', run: (t, a) => noticeLetterPdf(t as never, a, NO_ID) },
  { name: 'sendInvoice', run: (t, a) => sendInvoice(t as never, a, NO_ID) },
];
