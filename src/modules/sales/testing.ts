// The sales module's door for other modules' tests: sample Factur-X documents and their seller.
export { fixtures, seller, SELLER_IBAN, SELLER_SIREN } from './facturx/samples.ts';
