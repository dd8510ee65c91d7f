// Sales domain types. `InvoiceDocument` is the complete, computed content of an issued invoice
// or credit note: what the PDF, the Factur-X CII/UBL writers and the ledger read. Amounts are
// integer cents, quantities thousandths, rates basis points (2000 = 20 %), dates 'YYYY-MM-DD'.
import type { Brand } from '../../core/ids.ts';
import type { IsoDate } from '../../core/dates.ts';

export type CustomerId = Brand<string, 'CustomerId'>;
export type InvoiceId = Brand<string, 'InvoiceId'>;
export type QuoteId = Brand<string, 'QuoteId'>;

export const INVOICE_STATUSES = [
  'draft',
  'submitted',
  'validated',
  'sent',
  'partly_paid',
  'paid',
  'overdue',
  'cancelled',
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** EN 16931 VAT category codes we use: S standard, Z zero, E exempt, AE reverse charge, K intra-EU, G export, O outside scope. */
export type VatCategory = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O';
export type Nature = 'services' | 'goods' | 'mixed';

export interface PostalAddress {
  line1: string;
  line2?: string | null;
  postalCode: string;
  city: string;
  countryCode: string;
}

export interface SellerParty {
  name: string;
  legalForm: string;
  capitalCents: number;
  siren: string;
  siret?: string | null;
  vatNumber: string | null;
  rcsCity: string;
  address: PostalAddress;
  email: string | null;
  phone: string | null;
  iban: string | null;
  bic: string | null;
  /** The activity (enseigne): trading name and contact shown on the invoice. */
  tradingName: string;
  activityCode: string;
  contactName: string | null;
  contactEmail: string | null;
  logoPng?: Buffer | null;
}
export interface BuyerParty {
  name: string;
  isBusiness: boolean;
  siren: string | null;
  siret: string | null;
  vatNumber: string | null;
  address: PostalAddress;
  deliveryAddress: PostalAddress | null;
  email: string | null;
  /** BT-49 electronic address (scheme 0225, SIREN-based) when known. */
  electronicAddress: string | null;
  reference: string | null;
}
export interface DocumentLine {
  id: string;
  description: string;
  quantityMilli: number;
  unitCode: string;
  unitLabel: string;
  unitPriceCents: number;
  discountBp: number;
  netCents: number;
  vatCategory: VatCategory;
  vatRateBp: number;
  nature: 'goods' | 'services';
  /** Title of the section the line belongs to (shown on the PDF, not part of the EN 16931 data). */
  section?: string | null;
}
export interface DocumentAllowance {
  amountCents: number;
  reason: string;
  vatCategory: VatCategory;
  vatRateBp: number;
}
export interface VatBreakdown {
  vatCategory: VatCategory;
  vatRateBp: number;
  baseCents: number;
  vatCents: number;
  exemptionReason: string | null;
  exemptionCode: string | null;
}
export interface DocumentTotals {
  linesNetCents: number;
  allowancesCents: number;
  taxBasisCents: number;
  vatCents: number;
  grandTotalCents: number;
  prepaidCents: number;
  dueCents: number;
}

export interface InvoiceDocument {
  /** 380 invoice, 381 credit note, 386 deposit (prepayment) invoice. */
  typeCode: '380' | '381' | '386';
  number: string;
  issueDate: IsoDate;
  dueDate: IsoDate | null;
  deliveryDate: IsoDate | null;
  currency: 'EUR';
  nature: Nature;
  /** BT-23 "cadre de facturation": S1 services, B1 goods, M1 mixed (French reform). */
  businessProcess: 'S1' | 'B1' | 'M1';
  seller: SellerParty;
  buyer: BuyerParty;
  lines: DocumentLine[];
  allowances: DocumentAllowance[];
  vatBreakdown: VatBreakdown[];
  totals: DocumentTotals;
  /** Legal mentions printed and sent as notes. */
  paymentTermsText: string;
  latePenaltyText: string;
  recoveryIndemnityText: string | null;
  earlyPaymentText: string;
  vatMentions: string[];
  vatOnDebits: boolean;
  precedingInvoice: { number: string; issueDate: IsoDate } | null;
  quoteReference: string | null;
  notes: string[];
  payment: { meansCode: '30' | '58'; iban: string | null; bic: string | null; remittance: string };
}
