// Events the e-invoicing module emits (core/events.ts), in the transaction that stores the status.
import type { LifecycleStatus } from './statuses.ts';

/** A life-cycle status of an invoice sent through the approved platform was recorded. */
export interface EInvoiceStatusChanged {
  [k: string]: unknown;
  invoiceId: string;
  number: string;
  activityId: string;
  status: LifecycleStatus;
  /** The reform's code ('210' for refused…). */
  code: string;
  label: string;
  occurredAt: string;
  reason: string | null;
  source: 'platform' | 'radieuse';
}

export const EINVOICING_EVENTS = {
  statusChanged: 'einvoicing.status.changed',
} as const;
