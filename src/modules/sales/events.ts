// Events the sales module emits (core/events.ts), in the transaction of the action. Payloads
// carry what consumers (ledger, inbox) need, so they never read sales tables.
import type { IsoDate } from '../../core/dates.ts';

export interface VatShare {
  nature: 'goods' | 'services';
  vatRateBp: number;
  baseCents: number;
  vatCents: number;
}

/** An invoice (380/386) or a credit note (381) was validated: number given, content frozen. */
export interface InvoiceValidated {
  [k: string]: unknown;
  invoiceId: string;
  number: string;
  issueDate: IsoDate;
  typeCode: '380' | '381' | '386';
  customerId: string;
  customerName: string;
  activityId: string;
  activityCode: string;
  /** Amounts are positive for invoices and positive for credit notes too (the type says the sign). */
  shares: VatShare[];
  totalExclCents: number;
  vatCents: number;
  totalInclCents: number;
  /** For credit notes: the invoice corrected. */
  precedingInvoiceId: string | null;
}

/** A payment was recorded against an invoice (or refunded, negative amount, against a credit note). */
export interface PaymentRecorded {
  [k: string]: unknown;
  paymentId: string;
  invoiceId: string;
  invoiceNumber: string;
  date: IsoDate;
  amountCents: number;
  customerId: string;
  customerName: string;
  activityId: string;
  activityCode: string;
  method: string;
  reference: string | null;
  /** The VAT contained in this payment, per rate, pro rata of the invoice (VAT on receipts for services). */
  shares: VatShare[];
}

/** An invoice became fully paid (emitted after `sales.payment.recorded`, once). The customer's
 *  e-mail is given so that the marketplace can send the review link without reading sales data. */
export interface InvoicePaid {
  [k: string]: unknown;
  invoiceId: string;
  invoiceNumber: string;
  activityId: string;
  customerId: string;
  customerName: string;
  customerEmail: string | null;
  totalInclCents: number;
  /** What the payments brought in all (credit notes and advances settle the rest). */
  paidCents: number;
  /** The date of the payment that settled it. */
  date: IsoDate;
}

/** What every quote event tells of the quote: amounts of the whole quote, in cents. */
export interface QuoteFacts {
  [k: string]: unknown;
  quoteId: string;
  number: string;
  title: string | null;
  customerId: string;
  customerName: string;
  activityId: string;
  activityCode: string;
  issueDate: IsoDate;
  validityDate: IsoDate;
  totalExclCents: number;
  vatCents: number;
  totalInclCents: number;
  /** The business day of the action (Europe/Paris). */
  date: IsoDate;
}

/** A quote was e-mailed to the customer with its acceptance link (again when `resent`: a new
 *  link replaces the previous one). */
export interface QuoteSent extends QuoteFacts {
  resent: boolean;
}

/** A quote was accepted: by the customer through the link (`online`, with the name they typed),
 *  or recorded by the activity or the staff with the signed document (`signed_file`). */
export interface QuoteAccepted extends QuoteFacts {
  via: 'online' | 'signed_file';
  acceptedByName: string | null;
}

/** A quote was refused: by the customer through the link (`online`), or marked so by the
 *  activity or the staff (`staff`). */
export interface QuoteRefused extends QuoteFacts {
  via: 'online' | 'staff';
}

/** A draft invoice was made from an accepted quote (deposit 386, intermediate or balance 380).
 *  The invoice has no number yet: `sales.invoice.validated` follows when it is validated. */
export interface QuoteInvoiced extends QuoteFacts {
  invoiceId: string;
  kind: 'deposit' | 'intermediate' | 'balance';
  typeCode: '380' | '386';
  invoiceIssueDate: IsoDate;
  /** What this invoice asks, TTC (a balance: after deducting the earlier invoices). */
  invoiceTotalInclCents: number;
  /** What the quote's invoices ask in all, this one included, and what remains to invoice. */
  invoicedCents: number;
  remainingCents: number;
}

export const SALES_EVENTS = {
  invoiceValidated: 'sales.invoice.validated',
  creditNoteValidated: 'sales.credit_note.validated',
  paymentRecorded: 'sales.payment.recorded',
  invoicePaid: 'sales.invoice.paid',
  quoteSent: 'sales.quote.sent',
  quoteAccepted: 'sales.quote.accepted',
  quoteRefused: 'sales.quote.refused',
  quoteInvoiced: 'sales.quote.invoiced',
} as const;
