// Ledger tables: chart of accounts, journals, period closings, journal entries and their lines
// (immutable once written, except the lettering columns), gapless numbering counters and the
// per-activity contribution overrides. Every table leads with cooperative_id and is under RLS.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface LedgerTables {
  ledger_account: { cooperative_id: string; number: string; label: string; created_at: Generated<Date> };
  ledger_journal: { cooperative_id: string; code: string; label: string };
  period_close: { cooperative_id: string; month: string; closed_at: Generated<Date>; closed_by: string | null };
  /** A closed fiscal year: its result and the opening entry (journal AN) of the next year. */
  fiscal_year_close: {
    cooperative_id: string;
    year: number;
    closed_at: Generated<Date>;
    closed_by: string | null;
    result_cents: number;
    opening_entry_id: string | null;
  };
  /** Gapless counters: journal entries per (journal, fiscal year), lettering codes ('#LET', 0). */
  ledger_sequence: { cooperative_id: string; journal_code: string; fiscal_year: number; last_number: number };
  journal_entry: {
    cooperative_id: string;
    id: string;
    journal_code: string;
    fiscal_year: number;
    entry_number: number;
    entry_date: string;
    label: string;
    piece_ref: string;
    piece_date: string;
    source_type: string;
    source_id: string | null;
    /** For payments: the amount collected excluding VAT (what contributions on collected turnover use). */
    collected_excl_cents: number | null;
    created_by: string | null;
    created_at: Generated<Date>;
    validated_at: Generated<Date>;
    /** For sales invoices: when the customer must pay (aged receivables). */
    due_date: Generated<string | null>;
  };
  entry_line: {
    cooperative_id: string;
    entry_id: string;
    line_no: number;
    account: string;
    aux_account: string | null;
    aux_label: string | null;
    label: string;
    debit_cents: number;
    credit_cents: number;
    analytic_code: string | null;
    lettering: string | null;
    lettered_on: string | null;
    /** On VAT lines: the rate and the taxable base (positive) they belong to (CA3 summary). */
    vat_rate_bp: Generated<number | null>;
    vat_base_cents: Generated<number | null>;
  };
  contribution_override: {
    cooperative_id: string;
    id: string;
    activity_id: string;
    valid_from: string;
    valid_to: string | null;
    rule: Record<string, unknown>;
    created_by: string | null;
    created_at: Generated<Date>;
  };
  /** An absence of a person (payroll variable "Jours d'absence"): inclusive dates and a kind. */
  payroll_absence: {
    cooperative_id: string;
    id: string;
    user_id: string;
    start_date: string;
    end_date: string;
    kind: 'maladie' | 'conge' | 'autre';
    note: string | null;
    created_by: string | null;
    created_at: Generated<Date>;
  };
  salary_request: {
    cooperative_id: string;
    id: string;
    activity_id: string;
    user_id: string;
    month: string;
    basis: 'employer_cost' | 'net';
    amount_cents: number;
    hours_centi: number | null;
    contract: Generated<'CDI' | 'CDD'>;
    cdd_months: number | null;
    employer_cost_cents: number;
    gross_cents: number;
    net_cents: number;
    employer_contributions_cents: number;
    employee_contributions_cents: number;
    status: 'requested' | 'approved' | 'refused' | 'paid';
    reason: string | null;
    decided_by: string | null;
    decided_at: Date | null;
    paid_at: Date | null;
    entry_id: string | null;
    created_at: Generated<Date>;
  };
}

export const ledgerMigrations: SqlMigration[] = [
  {
    name: '2026_11_26_1200_ledger',
    sql: `
create table ledger_account (
  cooperative_id uuid not null references cooperative(id), number text not null check (number ~ '^[1-9][0-9A-Z]{2,11}$'),
  label text not null, created_at timestamptz not null default now(), primary key (cooperative_id, number)
);
create table ledger_journal (
  cooperative_id uuid not null references cooperative(id), code text not null check (code ~ '^[A-Z0-9]{2,6}$'), label text not null,
  primary key (cooperative_id, code)
);
create table period_close (
  cooperative_id uuid not null references cooperative(id), month char(7) not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  closed_at timestamptz not null default now(), closed_by uuid, primary key (cooperative_id, month)
);
create table ledger_sequence (
  cooperative_id uuid not null references cooperative(id), journal_code text not null, fiscal_year int not null,
  last_number int not null, primary key (cooperative_id, journal_code, fiscal_year)
);
create table journal_entry (
  cooperative_id uuid not null, id uuid not null, journal_code text not null, fiscal_year int not null, entry_number int not null,
  entry_date date not null, label text not null, piece_ref text not null, piece_date date not null,
  source_type text not null, source_id text, collected_excl_cents bigint, created_by uuid,
  created_at timestamptz not null default now(), validated_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  unique (cooperative_id, journal_code, fiscal_year, entry_number),
  foreign key (cooperative_id, journal_code) references ledger_journal(cooperative_id, code)
);
create index journal_entry_fec on journal_entry (cooperative_id, journal_code, entry_date, entry_number);
create index journal_entry_date on journal_entry (cooperative_id, entry_date);
create unique index journal_entry_source on journal_entry (cooperative_id, source_type, source_id) where source_type <> 'manual';
create table entry_line (
  cooperative_id uuid not null, entry_id uuid not null, line_no int not null, account text not null,
  aux_account text, aux_label text, label text not null,
  debit_cents bigint not null default 0 check (debit_cents >= 0), credit_cents bigint not null default 0 check (credit_cents >= 0),
  analytic_code text, lettering text, lettered_on date,
  primary key (cooperative_id, entry_id, line_no),
  check ((debit_cents = 0) <> (credit_cents = 0)),
  foreign key (cooperative_id, entry_id) references journal_entry(cooperative_id, id),
  foreign key (cooperative_id, account) references ledger_account(cooperative_id, number)
);
create index entry_line_account on entry_line (cooperative_id, account);
create index entry_line_analytic on entry_line (cooperative_id, analytic_code);
create index entry_line_aux on entry_line (cooperative_id, account, aux_account) where lettering is null;
create table contribution_override (
  cooperative_id uuid not null, id uuid not null, activity_id uuid not null, valid_from date not null, valid_to date,
  rule jsonb not null, created_by uuid, created_at timestamptz not null default now(),
  primary key (cooperative_id, id), check (valid_to is null or valid_to >= valid_from),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
create function journal_entry_immutable() returns trigger language plpgsql as $$
begin raise exception 'les écritures comptables validées sont intangibles : passez une extourne'; end $$;
create trigger journal_entry_no_change before update or delete on journal_entry for each row execute function journal_entry_immutable();
create function entry_line_immutable() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then raise exception 'les lignes d''écriture sont intangibles'; end if;
  if (to_jsonb(new) - 'lettering' - 'lettered_on') is distinct from (to_jsonb(old) - 'lettering' - 'lettered_on') then
    raise exception 'les lignes d''écriture sont intangibles (seul le lettrage peut changer)';
  end if;
  return new;
end $$;
create trigger entry_line_no_change before update or delete on entry_line for each row execute function entry_line_immutable();
${tenantPolicySql('ledger_account')}
${tenantPolicySql('ledger_journal')}
${tenantPolicySql('period_close')}
${tenantPolicySql('ledger_sequence')}
${tenantPolicySql('journal_entry')}
${tenantPolicySql('entry_line')}
${tenantPolicySql('contribution_override')}
`,
  },
  {
    // Salary requests (entrepreneur → support → payroll), VAT rate/base on VAT lines (CA3 summary),
    // due dates of sales entries (aged receivables).
    name: '2026_11_26_1500_ledger_salary',
    sql: `
alter table entry_line add column vat_rate_bp int, add column vat_base_cents bigint;
alter table journal_entry add column due_date date;
create table salary_request (
  cooperative_id uuid not null, id uuid not null, activity_id uuid not null, user_id uuid not null,
  month char(7) not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  basis text not null check (basis in ('employer_cost', 'net')), amount_cents bigint not null check (amount_cents > 0),
  hours_centi int check (hours_centi is null or hours_centi > 0),
  employer_cost_cents bigint not null, gross_cents bigint not null, net_cents bigint not null,
  employer_contributions_cents bigint not null, employee_contributions_cents bigint not null,
  status text not null default 'requested' check (status in ('requested', 'approved', 'refused', 'paid')),
  reason text, decided_by uuid, decided_at timestamptz, paid_at timestamptz, entry_id uuid,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id),
  foreign key (cooperative_id, entry_id) references journal_entry(cooperative_id, id)
);
create unique index salary_request_open on salary_request (cooperative_id, activity_id, user_id, month) where status <> 'refused';
create index salary_request_month on salary_request (cooperative_id, month, status);
${tenantPolicySql('salary_request')}
`,
  },
  {
    // Year-end closing (clôture d'exercice): one row per closed fiscal year.
    name: '2026_12_06_1900_ledger_year_close',
    sql: `
create table fiscal_year_close (
  cooperative_id uuid not null references cooperative(id), year int not null check (year between 2000 and 2200),
  closed_at timestamptz not null default now(), closed_by uuid, result_cents bigint not null,
  opening_entry_id uuid, primary key (cooperative_id, year),
  foreign key (cooperative_id, opening_entry_id) references journal_entry(cooperative_id, id)
);
${tenantPolicySql('fiscal_year_close')}
`,
  },
  {
    // Absences recorded by support or payroll: the "Jours d'absence" of the payroll variables.
    name: '2026_12_07_11_ledger_payroll_absence',
    sql: `
create table payroll_absence (
  cooperative_id uuid not null references cooperative(id), id uuid not null,
  user_id uuid not null references user_account(id),
  start_date date not null, end_date date not null,
  kind text not null check (kind in ('maladie', 'conge', 'autre')), note text,
  created_by uuid, created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  check (end_date >= start_date)
);
create index payroll_absence_user on payroll_absence (cooperative_id, user_id, start_date);
${tenantPolicySql('payroll_absence')}
`,
  },
  {
    // Salary requests on a fixed-term contract (CDD) and its length (the allowances depend on it).
    name: '2026_12_07_11_ledger_salary_contract',
    sql: `
alter table salary_request add column contract text not null default 'CDI' check (contract in ('CDI', 'CDD'));
alter table salary_request add column cdd_months int check (cdd_months is null or cdd_months between 1 and 36);
`,
  },
  {
    // Entries by their piece (invoice number…): lettering a payment looks up the entries of its
    // invoice's pieces. Without it, it read every unlettered line of the customer's account and
    // its entry (7 ms a payment for a customer with 2,300 open lines, bank matching, issue 17).
    name: '2026_12_14_0001_ledger_entry_piece_index',
    sql: `
create index journal_entry_piece on journal_entry (cooperative_id, piece_ref);
`,
  },
  {
    // Entries in the order of their numbers (journal, fiscal year, number): the FEC export reads
    // them page by page in that order. Not unique: numbers are gapless per journal and year by
    // construction, but history imported from other software is not checked here.
    name: '2026_12_14_0002_ledger_entry_number_index',
    sql: `
create index journal_entry_number on journal_entry (cooperative_id, journal_code, fiscal_year, entry_number);
`,
  },
];
