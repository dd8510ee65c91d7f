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
