// The adapter interface for approved platforms (plateformes agréées). A platform receives our
// invoices and credit notes in the format it asks (Factur-X, CII or UBL), reports their
// life-cycle statuses, delivers the supplier invoices addressed to the cooperative, receives the
// statuses we produce (« encaissée ») and, when it offers it, the e-reporting summaries.
// Two adapters: folder-adapter.ts (outbox/inbox directories, for a platform's file gateway or
// tests) and http-adapter.ts (JSON + multipart over HTTPS with a bearer token).
import type { LifecycleStatus } from './statuses.ts';
import type { PlatformFormat } from './schema.ts';

export interface OutgoingDocument {
  invoiceId: string;
  number: string;
  /** 380 invoice, 381 credit note, 386 deposit invoice. */
  typeCode: string;
  issueDate: string;
  /** The buyer's address in the directory (annuaire): SIREN[_SIRET[_routing code]]. */
  routingAddress: string | null;
  format: PlatformFormat;
  fileName: string;
  contentType: string;
  content: Buffer;
  totalInclCents: number;
}

export interface StatusReport {
  platformRef: string;
  status: LifecycleStatus;
  occurredAt: Date;
  reason: string | null;
}

export interface IncomingDocument {
  platformRef: string;
  fileName: string;
  /** The address of the cooperative it was sent to (its routing code names an activity). */
  routingAddress: string | null;
  content: Buffer;
}

/** A status we produce: as the seller (« encaissée ») or as the buyer of a received invoice
 *  (« approuvée », « refusée », « en litige », « paiement transmis »); `platformRef` is the platform's id of the document. */
export interface OutgoingStatus {
  platformRef: string;
  status: LifecycleStatus;
  occurredOn: string;
  amountCents: number | null;
  /** « refusée » and « en litige »: the reform's reason code (MDT-113) and a free note. */
  reason?: { code: string; text: string | null } | null;
}

export interface EReport {
  periodStart: string;
  periodEnd: string;
  /** The summary (ereporting.ts): totals per category and VAT rate, payments of services. */
  summary: unknown;
  csv: string;
  /** The reform's structured file (flux 10, flux10.ts). */
  xml: string;
}

export interface PlatformAdapter {
  readonly kind: 'folder' | 'http';
  /** Hands a document to the platform; returns the platform's id of it. */
  send(doc: OutgoingDocument): Promise<{ platformRef: string }>;
  /** Statuses reported since the cursor; `ack` is called once they are stored. */
  pullStatuses(cursor: string | null): Promise<{ items: StatusReport[]; cursor: string | null; ack(): Promise<void> }>;
  /** Supplier invoices waiting for the cooperative; each is acknowledged once stored. */
  pullIncoming(): Promise<{ items: IncomingDocument[]; ack(platformRef: string): Promise<void> }>;
  /** A status we produce, as seller (« encaissée ») or as buyer (« approuvée », « paiement transmis »). */
  sendStatus(s: OutgoingStatus): Promise<void>;
  /** E-reporting, when the platform offers it (null: it does not). */
  sendEReport: ((r: EReport) => Promise<{ platformRef: string }>) | null;
}

export class PlatformError extends Error {}
