// The e-invoicing module's tables. Every row belongs to a cooperative and is under row-level
// security. Invoices and customers are sales' data: they are named here only by id (no foreign
// key across modules); what the module needs of them comes with the sales events.
//   einvoicing_platform      the cooperative's approved platform (adapter, format, address, token)
//   einvoice_transmission    one validated invoice or credit note: its channel (platform for
//                            French B2B, e-reporting for B2C and international), the sending state
//                            and the last life-cycle status
//   einvoice_status          the life-cycle history (every status with its date and reason)
//   einvoice_payment         payments received on those invoices (e-reporting, « encaissée »)
//   einvoice_incoming        supplier invoices received from the platform (one per platform id)
//   einvoice_ereport         e-reporting summaries sent to the platform
//   einvoice_buyer_status    statuses we produce as the buyer of received invoices (approved,
//                            payment sent), queued for the platform
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export type PlatformAdapterKind = 'folder' | 'http';
export type PlatformFormat = 'facturx' | 'cii' | 'ubl';
export type Channel = 'platform' | 'b2c' | 'international';
export type SendState = 'to_send' | 'sent' | 'failed';

export interface EInvoicingTables {
  einvoicing_platform: {
    cooperative_id: string;
    adapter: PlatformAdapterKind;
    format: PlatformFormat;
    name: string;
    folder: string | null;
    base_url: string | null;
    /** The bearer token, sealed (AES-256-GCM with a key derived from the master key). */
    token_sealed: string | null;
    e_reporting: boolean;
    enabled: boolean;
    status_cursor: string | null;
    updated_by: string | null;
    updated_at: Generated<Date>;
  };
  einvoice_transmission: {
    cooperative_id: string;
    invoice_id: string;
    activity_id: string;
    number: string;
    type_code: string;
    issue_date: string;
    customer_id: string;
    customer_name: string;
    channel: Channel;
    routing_address: string | null;
    /** VatShare[] of the sales event (nature, rate, base, VAT). */
    shares: unknown;
    total_excl_cents: number;
    vat_cents: number;
    total_incl_cents: number;
    state: SendState | null;
    attempts: Generated<number>;
    next_attempt_at: Date | null;
    last_error: string | null;
    format: PlatformFormat | null;
    platform_ref: string | null;
    sent_at: Date | null;
    status: string | null;
    status_at: Date | null;
    status_reason: string | null;
    created_at: Generated<Date>;
  };
  einvoice_status: {
    cooperative_id: string;
    id: string;
    invoice_id: string;
    status: string;
    occurred_at: Date;
    reason: string | null;
    /** 'platform': received from it; 'radieuse': sent by us (« encaissée »). */
    source: 'platform' | 'radieuse';
    created_at: Generated<Date>;
  };
  einvoice_payment: {
    cooperative_id: string;
    payment_id: string;
    invoice_id: string;
    date: string;
    amount_cents: number;
    shares: unknown;
    state: SendState | null;
    attempts: Generated<number>;
    next_attempt_at: Date | null;
    last_error: string | null;
    sent_at: Date | null;
    created_at: Generated<Date>;
  };
  einvoice_incoming: {
    cooperative_id: string;
    id: string;
    platform_ref: string;
    file_name: string;
    file_id: string | null;
    routing_address: string | null;
    state: 'recorded' | 'to_assign' | 'unreadable';
    problem: string | null;
    supplier_name: string | null;
    supplier_number: string | null;
    total_incl_cents: number | null;
    supplier_invoice_id: string | null;
    received_at: Generated<Date>;
  };
  einvoice_ereport: {
    cooperative_id: string;
    id: string;
    period_start: string;
    period_end: string;
    platform_ref: string | null;
    sent_at: Date;
    sent_by: string | null;
  };
  einvoice_buyer_status: {
    cooperative_id: string;
    id: string;
    incoming_id: string;
    /** What produced it, once: the approval (supplier invoice id) or one payment (its id). */
    source_key: string;
    status: BuyerStatus;
    occurred_on: string;
    amount_cents: number | null;
    /** Refused or disputed: the reform's reason code (MDT-113) and the note given. */
    reason_code: string | null;
    reason_text: string | null;
    state: SendState;
    attempts: Generated<number>;
    next_attempt_at: Date | null;
    last_error: string | null;
    sent_at: Date | null;
    created_at: Generated<Date>;
  };
}

export type BuyerStatus = 'approved' | 'payment_sent' | 'refused' | 'disputed';

const STATUS_CHECK = `('deposited','issued','received','made_available','taken_in_charge','approved','partly_approved','disputed','refused','payment_sent','collected')`;

export const einvoicingMigrations: SqlMigration[] = [
  {
    name: '2026_12_08_0500_einvoicing',
    sql: `
create table einvoicing_platform (
  cooperative_id uuid not null references cooperative(id) primary key,
  adapter text not null check (adapter in ('folder','http')),
  format text not null check (format in ('facturx','cii','ubl')),
  name text not null check (length(name) between 1 and 100),
  folder text, base_url text, token_sealed text,
  e_reporting boolean not null default false, enabled boolean not null default true,
  status_cursor text, updated_by uuid, updated_at timestamptz not null default now()
);
create table einvoice_transmission (
  cooperative_id uuid not null references cooperative(id), invoice_id uuid not null,
  activity_id uuid not null, number text not null, type_code text not null, issue_date date not null,
  customer_id uuid not null, customer_name text not null,
  channel text not null check (channel in ('platform','b2c','international')),
  routing_address text, shares jsonb not null,
  total_excl_cents bigint not null, vat_cents bigint not null, total_incl_cents bigint not null,
  state text check (state in ('to_send','sent','failed')),
  attempts int not null default 0, next_attempt_at timestamptz, last_error text,
  format text check (format in ('facturx','cii','ubl')), platform_ref text, sent_at timestamptz,
  status text check (status in ${STATUS_CHECK}), status_at timestamptz, status_reason text,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, invoice_id)
);
create unique index einvoice_transmission_ref on einvoice_transmission (cooperative_id, platform_ref) where platform_ref is not null;
create index einvoice_transmission_due on einvoice_transmission (next_attempt_at) where state = 'to_send';
create index einvoice_transmission_period on einvoice_transmission (cooperative_id, channel, issue_date);
create table einvoice_status (
  cooperative_id uuid not null references cooperative(id), id uuid not null, invoice_id uuid not null,
  status text not null check (status in ${STATUS_CHECK}), occurred_at timestamptz not null, reason text,
  source text not null check (source in ('platform','radieuse')), created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, invoice_id) references einvoice_transmission (cooperative_id, invoice_id)
);
create unique index einvoice_status_once on einvoice_status (cooperative_id, invoice_id, status, occurred_at);
create table einvoice_payment (
  cooperative_id uuid not null references cooperative(id), payment_id uuid not null, invoice_id uuid not null,
  date date not null, amount_cents bigint not null, shares jsonb not null,
  state text check (state in ('to_send','sent','failed')),
  attempts int not null default 0, next_attempt_at timestamptz, last_error text, sent_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, payment_id),
  foreign key (cooperative_id, invoice_id) references einvoice_transmission (cooperative_id, invoice_id)
);
create index einvoice_payment_due on einvoice_payment (next_attempt_at) where state = 'to_send';
create table einvoice_incoming (
  cooperative_id uuid not null references cooperative(id), id uuid not null, platform_ref text not null,
  file_name text not null, file_id uuid, routing_address text,
  state text not null check (state in ('recorded','to_assign','unreadable')), problem text,
  supplier_name text, supplier_number text, total_incl_cents bigint, supplier_invoice_id uuid,
  received_at timestamptz not null default now(),
  primary key (cooperative_id, id), unique (cooperative_id, platform_ref)
);
create table einvoice_ereport (
  cooperative_id uuid not null references cooperative(id), id uuid not null,
  period_start date not null, period_end date not null, platform_ref text,
  sent_at timestamptz not null, sent_by uuid,
  primary key (cooperative_id, id)
);
${tenantPolicySql('einvoicing_platform')}
${tenantPolicySql('einvoice_transmission')}
${tenantPolicySql('einvoice_status')}
${tenantPolicySql('einvoice_payment')}
${tenantPolicySql('einvoice_incoming')}
${tenantPolicySql('einvoice_ereport')}
`,
  },
  {
    // The buyer's side of the life cycle: a supplier invoice received through the platform and
    // approved (205) or paid (211, with the amount) in purchases is reported back to the platform.
    name: '2026_12_12_7001_einvoicing_buyer_statuses',
    sql: `
create table einvoice_buyer_status (
  cooperative_id uuid not null references cooperative(id), id uuid not null, incoming_id uuid not null,
  source_key text not null, status text not null check (status in ('approved','payment_sent')),
  occurred_on date not null, amount_cents bigint, state text not null check (state in ('to_send','sent','failed')),
  attempts int not null default 0, next_attempt_at timestamptz, last_error text, sent_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  unique (cooperative_id, status, source_key),
  foreign key (cooperative_id, incoming_id) references einvoice_incoming (cooperative_id, id)
);
create index einvoice_buyer_status_due on einvoice_buyer_status (next_attempt_at) where state = 'to_send';
create index einvoice_buyer_status_incoming on einvoice_buyer_status (cooperative_id, incoming_id);
${tenantPolicySql('einvoice_buyer_status')}
`,
  },
  {
    // As the buyer, a received invoice refused (210) or put in dispute (207) in purchases, with
    // the reform's reason code and the note given.
    name: '2026_12_13_5002_einvoicing_buyer_refusal',
    sql: `
alter table einvoice_buyer_status drop constraint einvoice_buyer_status_status_check;
alter table einvoice_buyer_status add constraint einvoice_buyer_status_status_check
  check (status in ('approved','payment_sent','refused','disputed'));
alter table einvoice_buyer_status add column reason_code text;
alter table einvoice_buyer_status add column reason_text text;
`,
  },
];
