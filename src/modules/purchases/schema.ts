// Purchases tables: suppliers, supplier invoices (lines per VAT rate, split between activities),
// monthly expense sheets with their lines and receipts, vehicles and mileage trips.
// Amounts are bigint cents, business dates `date`, instants timestamptz.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface PurchasesTables {
  supplier: {
    cooperative_id: string;
    id: string;
    name: string;
    siren: string | null;
    vat_number: string | null;
    iban: string | null;
    bic: string | null;
    address_line1: string | null;
    postal_code: string | null;
    city: string | null;
    country_code: string;
    email: string | null;
    created_by: string | null;
    created_at: Generated<Date>;
    archived_at: Date | null;
  };
  supplier_invoice: {
    cooperative_id: string;
    id: string;
    supplier_id: string;
    supplier_number: string;
    issue_date: string;
    due_date: string | null;
    status: 'draft' | 'to_approve' | 'approved' | 'partly_paid' | 'paid' | 'refused' | 'disputed';
    account: string;
    label: string | null;
    total_excl_cents: number;
    vat_cents: number;
    total_incl_cents: number;
    file_id: string | null;
    source: string;
    created_by: string | null;
    created_at: Generated<Date>;
    submitted_at: Date | null;
    approved_at: Date | null;
    approved_by: string | null;
    paid_on: string | null;
    /** Sum of the payments recorded (a supplier invoice may be paid in several transfers). */
    paid_cents: Generated<number>;
    /** Refused or disputed: the reform's reason code (refusal.ts), a note, who and when. */
    decision_reason: string | null;
    decision_note: string | null;
    decided_at: Date | null;
    decided_by: string | null;
  };
  supplier_invoice_line: {
    cooperative_id: string;
    id: string;
    invoice_id: string;
    position: number;
    description: string;
    vat_rate_bp: number;
    excl_cents: number;
    vat_cents: number;
  };
  supplier_invoice_split: {
    cooperative_id: string;
    invoice_id: string;
    activity_id: string;
    excl_cents: number;
  };
  expense_report: {
    cooperative_id: string;
    id: string;
    user_id: string;
    month: string;
    status: 'draft' | 'submitted' | 'validated';
    reimbursement: 'not_due' | 'to_pay' | 'paid';
    total_cents: number;
    submitted_at: Date | null;
    validated_at: Date | null;
    validated_by: string | null;
    reimbursed_on: string | null;
    created_at: Generated<Date>;
  };
  receipt_reading: {
    cooperative_id: string;
    id: string;
    batch_id: string;
    user_id: string;
    actor_roles: string;
    actor_label: string;
    /** 'expense': the job adds an expense line; 'supplier_invoice': it keeps the fields read (result) for the form. */
    purpose: Generated<'expense' | 'supplier_invoice'>;
    activity_id: string | null;
    file_id: string;
    file_name: string;
    status: 'queued' | 'reading' | 'done' | 'failed';
    message: string | null;
    expense_line_id: string | null;
    result: unknown;
    created_at: Generated<Date>;
    started_at: Date | null;
    finished_at: Date | null;
  };
  expense_line: {
    cooperative_id: string;
    id: string;
    report_id: string;
    date: string;
    category: string;
    description: string;
    activity_id: string;
    amount_incl_cents: number;
    vat_cents: number;
    receipt_file_id: string | null;
    receipt_sha256: string | null;
    created_at: Generated<Date>;
  };
  vehicle: {
    cooperative_id: string;
    id: string;
    user_id: string;
    label: string;
    fiscal_hp: number;
    kind: 'car';
    created_at: Generated<Date>;
    archived_at: Date | null;
  };
  mileage_trip: {
    cooperative_id: string;
    id: string;
    report_id: string;
    vehicle_id: string;
    activity_id: string;
    date: string;
    description: string;
    distance_km: number;
    year_km_before: number;
    amount_cents: number;
    created_at: Generated<Date>;
  };
}

export const purchasesMigrations: SqlMigration[] = [
  {
    name: '2026_11_26_1430_purchases',
    sql: `
create table supplier (
  cooperative_id uuid not null references cooperative(id), id uuid not null, name text not null,
  siren char(9), vat_number text, iban text, bic text, address_line1 text, postal_code text, city text,
  country_code char(2) not null default 'FR', email text, created_by uuid, created_at timestamptz not null default now(),
  archived_at timestamptz,
  primary key (cooperative_id, id)
);
create unique index supplier_siren on supplier (cooperative_id, siren) where siren is not null and archived_at is null;
create table supplier_invoice (
  cooperative_id uuid not null references cooperative(id), id uuid not null, supplier_id uuid not null,
  supplier_number text not null, issue_date date not null, due_date date,
  status text not null check (status in ('draft','to_approve','approved','paid')), account text not null, label text,
  total_excl_cents bigint not null, vat_cents bigint not null, total_incl_cents bigint not null,
  file_id uuid, source text not null default 'manual',
  created_by uuid, created_at timestamptz not null default now(), submitted_at timestamptz, approved_at timestamptz,
  approved_by uuid, paid_on date,
  primary key (cooperative_id, id),
  unique (cooperative_id, supplier_id, supplier_number),
  check (total_incl_cents = total_excl_cents + vat_cents),
  foreign key (cooperative_id, supplier_id) references supplier(cooperative_id, id)
);
create index supplier_invoice_status on supplier_invoice (cooperative_id, status, issue_date);
create table supplier_invoice_line (
  cooperative_id uuid not null, id uuid not null, invoice_id uuid not null, position int not null, description text not null,
  vat_rate_bp int not null check (vat_rate_bp between 0 and 10000), excl_cents bigint not null, vat_cents bigint not null,
  primary key (cooperative_id, id),
  foreign key (cooperative_id, invoice_id) references supplier_invoice(cooperative_id, id) on delete cascade
);
create index supplier_invoice_line_invoice on supplier_invoice_line (cooperative_id, invoice_id, position);
create table supplier_invoice_split (
  cooperative_id uuid not null, invoice_id uuid not null, activity_id uuid not null, excl_cents bigint not null check (excl_cents > 0),
  primary key (cooperative_id, invoice_id, activity_id),
  foreign key (cooperative_id, invoice_id) references supplier_invoice(cooperative_id, id) on delete cascade,
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
create table expense_report (
  cooperative_id uuid not null references cooperative(id), id uuid not null, user_id uuid not null references user_account(id),
  month char(7) not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
  status text not null check (status in ('draft','submitted','validated')),
  reimbursement text not null default 'not_due' check (reimbursement in ('not_due','to_pay','paid')),
  total_cents bigint not null default 0, submitted_at timestamptz, validated_at timestamptz, validated_by uuid, reimbursed_on date,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  unique (cooperative_id, user_id, month)
);
create index expense_report_status on expense_report (cooperative_id, status, month);
create table expense_line (
  cooperative_id uuid not null, id uuid not null, report_id uuid not null, date date not null, category text not null,
  description text not null, activity_id uuid not null, amount_incl_cents bigint not null check (amount_incl_cents > 0),
  vat_cents bigint not null check (vat_cents >= 0 and vat_cents < amount_incl_cents),
  receipt_file_id uuid, receipt_sha256 char(64), created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, report_id) references expense_report(cooperative_id, id) on delete cascade,
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
create index expense_line_report on expense_line (cooperative_id, report_id, date);
create index expense_line_receipt on expense_line (cooperative_id, receipt_sha256) where receipt_sha256 is not null;
create table vehicle (
  cooperative_id uuid not null references cooperative(id), id uuid not null, user_id uuid not null references user_account(id),
  label text not null, fiscal_hp int not null check (fiscal_hp between 1 and 50), kind text not null default 'car' check (kind in ('car')),
  created_at timestamptz not null default now(), archived_at timestamptz,
  primary key (cooperative_id, id)
);
create index vehicle_user on vehicle (cooperative_id, user_id);
create table mileage_trip (
  cooperative_id uuid not null, id uuid not null, report_id uuid not null, vehicle_id uuid not null, activity_id uuid not null,
  date date not null, description text not null, distance_km int not null check (distance_km > 0 and distance_km <= 5000),
  year_km_before int not null check (year_km_before >= 0), amount_cents bigint not null check (amount_cents >= 0),
  created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, report_id) references expense_report(cooperative_id, id) on delete cascade,
  foreign key (cooperative_id, vehicle_id) references vehicle(cooperative_id, id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
create index mileage_trip_vehicle on mileage_trip (cooperative_id, vehicle_id, date);
${tenantPolicySql('supplier')}
${tenantPolicySql('supplier_invoice')}
${tenantPolicySql('supplier_invoice_line')}
${tenantPolicySql('supplier_invoice_split')}
${tenantPolicySql('expense_report')}
${tenantPolicySql('expense_line')}
${tenantPolicySql('vehicle')}
${tenantPolicySql('mileage_trip')}
`,
  },
  {
    // Receipts waiting to be read in the background (pg-boss queue "receipt-reading"): the
    // uploaded file is stored first, the job reads it and adds the expense line for its owner.
    name: '2026_12_07_1200_purchases_receipt_reading',
    sql: `
create table receipt_reading (
  cooperative_id uuid not null references cooperative(id), id uuid not null, batch_id uuid not null,
  user_id uuid not null references user_account(id), actor_roles text not null, actor_label text not null,
  purpose text not null default 'expense' check (purpose in ('expense','supplier_invoice')),
  activity_id uuid, file_id uuid not null, file_name text not null,
  status text not null default 'queued' check (status in ('queued','reading','done','failed')),
  message text, expense_line_id uuid, result jsonb, created_at timestamptz not null default now(),
  started_at timestamptz, finished_at timestamptz,
  primary key (cooperative_id, id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id),
  check (purpose = 'supplier_invoice' or activity_id is not null)
);
create index receipt_reading_status on receipt_reading (status, created_at);
create index receipt_reading_batch on receipt_reading (cooperative_id, batch_id);
${tenantPolicySql('receipt_reading')}
`,
  },
  {
    // A supplier invoice paid in several transfers: the amount paid so far, status "partly_paid".
    name: '2026_12_07_1220_purchases_supplier_partial_payment',
    sql: `
alter table supplier_invoice add column paid_cents bigint not null default 0;
update supplier_invoice set paid_cents = total_incl_cents where status = 'paid';
alter table supplier_invoice drop constraint supplier_invoice_status_check;
alter table supplier_invoice add constraint supplier_invoice_status_check
  check (status in ('draft','to_approve','approved','partly_paid','paid'));
alter table supplier_invoice add constraint supplier_invoice_paid_check check (paid_cents >= 0);
`,
  },
  {
    // The search box of the supplier list (core/db/text-search.ts): trigrams of the accent-free
    // name (substring, typos) and its French full text (words, prefixes).
    name: '2026_12_07_1300_purchases_supplier_search',
    sql: `
create index supplier_name_trgm on supplier using gin (search_key(name) gin_trgm_ops);
create index supplier_name_fts on supplier using gin (to_tsvector('fr', name));
`,
  },
  {
    // Refusal and dispute of a supplier invoice (e-invoicing reform statuses 210 « refusée » and
    // 207 « en litige »): the reason code of the reform's list, a free note, who and when.
    name: '2026_12_13_5001_purchases_supplier_invoice_refusal',
    sql: `
alter table supplier_invoice drop constraint supplier_invoice_status_check;
alter table supplier_invoice add constraint supplier_invoice_status_check
  check (status in ('draft','to_approve','approved','partly_paid','paid','refused','disputed'));
alter table supplier_invoice add column decision_reason text;
alter table supplier_invoice add column decision_note text;
alter table supplier_invoice add column decided_at timestamptz;
alter table supplier_invoice add column decided_by uuid;
`,
  },
];
