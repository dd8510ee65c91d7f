// Bank tables: accounts, statement imports, transactions (never deleted; a dedupe key unique per
// account makes re-imports idempotent), matches (bank line → invoice / supplier invoice / expense
// report / salary; several rows per line = grouped payment, several lines per target = partial),
// and the CSV column mappings saved per bank. Amounts are signed bigint cents.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export type MatchTarget = 'invoice' | 'supplier_invoice' | 'expense_report' | 'salary' | 'account';

export interface BankTables {
  bank_account: {
    cooperative_id: string;
    id: string;
    iban: string;
    bic: string | null;
    label: string;
    ledger_account: string;
    created_at: Generated<Date>;
  };
  bank_statement_import: {
    cooperative_id: string;
    id: string;
    account_id: string;
    file_hash: string;
    file_name: string | null;
    format: string;
    imported_at: Generated<Date>;
    imported_by: string | null;
    line_count: number;
    imported_count: Generated<number>;
    duplicate_count: Generated<number>;
    matched_count: Generated<number>;
  };
  bank_transaction: {
    cooperative_id: string;
    id: string;
    account_id: string;
    import_id: string;
    booking_date: string;
    value_date: string | null;
    amount_cents: number;
    currency: string;
    label: string;
    counterparty_name: string | null;
    counterparty_iban: string | null;
    reference: string | null;
    dedupe_key: string;
    /** CAMT bank transaction code "DOMAIN-FAMILY-SUBFAMILY" (e.g. ACMT-MDOP-CHRG), or a proprietary code. */
    bank_code: Generated<string | null>;
    status: 'to_justify' | 'matched' | 'ignored';
    created_at: Generated<Date>;
  };
  bank_match: {
    cooperative_id: string;
    id: string;
    transaction_id: string;
    target_type: MatchTarget;
    target_id: string;
    amount_cents: number;
    matched_by: string;
    score: number;
    payment_id: string | null;
    party_key: string | null;
    /** target 'account': the ledger account the line was posted to (627, 768, 431…); target_id is the entry. */
    account: Generated<string | null>;
    created_at: Generated<Date>;
  };
  bank_csv_mapping: {
    cooperative_id: string;
    bank_key: string;
    mapping: unknown;
    updated_at: Generated<Date>;
  };
  sepa_batch: {
    cooperative_id: string;
    id: string;
    created_at: Generated<Date>;
    created_by: string | null;
    execution_date: string;
    count: number;
    total_cents: number;
    debtor_iban: string;
    message_id: string;
    file_name: string;
    content: string;
  };
  sepa_batch_item: {
    cooperative_id: string;
    batch_id: string;
    target_type: 'supplier_invoice' | 'expense_report';
    target_id: string;
    amount_cents: number;
    creditor_name: string;
    creditor_iban: string;
    creditor_bic: string | null;
    end_to_end_id: string;
  };
}

export const bankMigrations: SqlMigration[] = [
  {
    name: '2026_11_26_1500_bank',
    sql: `
create table bank_account (
  cooperative_id uuid not null references cooperative(id), id uuid not null,
  iban text not null check (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$'), bic text, label text not null,
  ledger_account text not null default '512' check (ledger_account ~ '^512[0-9A-Z]*$'),
  created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  unique (cooperative_id, iban)
);
create table bank_statement_import (
  cooperative_id uuid not null, id uuid not null, account_id uuid not null, file_hash char(64) not null, file_name text,
  format text not null check (format in ('camt053','ofx','csv')), imported_at timestamptz not null default now(), imported_by uuid,
  line_count int not null default 0, imported_count int not null default 0, duplicate_count int not null default 0, matched_count int not null default 0,
  primary key (cooperative_id, id),
  foreign key (cooperative_id, account_id) references bank_account(cooperative_id, id)
);
create index bank_import_hash on bank_statement_import (cooperative_id, account_id, file_hash);
create table bank_transaction (
  cooperative_id uuid not null, id uuid not null, account_id uuid not null, import_id uuid not null,
  booking_date date not null, value_date date, amount_cents bigint not null, currency char(3) not null default 'EUR',
  label text not null, counterparty_name text, counterparty_iban text, reference text, dedupe_key text not null,
  status text not null default 'to_justify' check (status in ('to_justify','matched','ignored')),
  created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  unique (cooperative_id, account_id, dedupe_key),
  foreign key (cooperative_id, account_id) references bank_account(cooperative_id, id),
  foreign key (cooperative_id, import_id) references bank_statement_import(cooperative_id, id)
);
create index bank_transaction_status on bank_transaction (cooperative_id, status, booking_date);
create table bank_match (
  cooperative_id uuid not null, id uuid not null, transaction_id uuid not null,
  target_type text not null check (target_type in ('invoice','supplier_invoice','expense_report','salary')), target_id uuid not null,
  amount_cents bigint not null check (amount_cents <> 0), matched_by text not null, score int not null default 0, payment_id uuid, party_key text,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  unique (cooperative_id, transaction_id, target_type, target_id),
  foreign key (cooperative_id, transaction_id) references bank_transaction(cooperative_id, id)
);
create index bank_match_target on bank_match (cooperative_id, target_type, target_id);
create table bank_csv_mapping (
  cooperative_id uuid not null references cooperative(id), bank_key text not null, mapping jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (cooperative_id, bank_key)
);
create rule bank_transaction_no_delete as on delete to bank_transaction do instead nothing;
${tenantPolicySql('bank_account')}
${tenantPolicySql('bank_statement_import')}
${tenantPolicySql('bank_transaction')}
${tenantPolicySql('bank_match')}
${tenantPolicySql('bank_csv_mapping')}
`,
  },
  {
    // SEPA credit transfer batches (pain.001.001.03) as exported; an item is in one batch only.
    name: '2026_11_26_1520_bank_sepa_batch',
    sql: `
create table sepa_batch (
  cooperative_id uuid not null references cooperative(id), id uuid not null, created_at timestamptz not null default now(), created_by uuid,
  execution_date date not null, count int not null check (count > 0), total_cents bigint not null check (total_cents > 0),
  debtor_iban text not null, message_id text not null, file_name text not null, content text not null,
  primary key (cooperative_id, id)
);
create table sepa_batch_item (
  cooperative_id uuid not null, batch_id uuid not null,
  target_type text not null check (target_type in ('supplier_invoice','expense_report')), target_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0), creditor_name text not null, creditor_iban text not null, creditor_bic text,
  end_to_end_id text not null,
  primary key (cooperative_id, batch_id, target_type, target_id),
  unique (cooperative_id, target_type, target_id),
  foreign key (cooperative_id, batch_id) references sepa_batch(cooperative_id, id)
);
${tenantPolicySql('sepa_batch')}
${tenantPolicySql('sepa_batch_item')}
`,
  },
  {
    // Lines justified straight to an account (bank fees, interest, URSSAF, DGFiP…) and the CAMT
    // bank transaction code that helps recognise them.
    name: '2026_12_07_1210_bank_account_justification',
    sql: `
alter table bank_transaction add column bank_code text;
alter table bank_match drop constraint bank_match_target_type_check;
alter table bank_match add constraint bank_match_target_type_check
  check (target_type in ('invoice','supplier_invoice','expense_report','salary','account'));
alter table bank_match add column account text;
`,
  },
];
