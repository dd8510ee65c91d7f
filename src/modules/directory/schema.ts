import type { ColumnType, Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface DirectoryTables {
  network: { id: string; slug: string; name: string; created_at: Generated<Date> };
  cooperative: {
    id: string;
    network_id: string;
    slug: string;
    name: string;
    legal_form: string;
    capital_cents: number;
    siren: string;
    vat_number: string | null;
    rcs_city: string;
    address_line: string;
    postal_code: string;
    city: string;
    country: string;
    iban: string | null;
    bic: string | null;
    email: string | null;
    phone: string | null;
    logo_file_id: string | null;
    fiscal_year_start_month: number;
    settings: Generated<Record<string, unknown>>;
    /** `cae` (with the ERP), `tiers_lieu` or `collectif` (without): core/actor.ts. */
    organisation_type: Generated<string>;
    created_at: Generated<Date>;
  };
  activity: {
    cooperative_id: string;
    id: string;
    name: string;
    analytic_code: string;
    description: string | null;
    trusted: Generated<boolean>;
    email: string | null;
    phone: string | null;
    created_at: Generated<Date>;
    closed_at: Date | null;
  };
  activity_owner: { cooperative_id: string; activity_id: string; user_id: string };
  membership: {
    cooperative_id: string;
    user_id: string;
    role: string;
    created_at: Generated<Date>;
    ended_at: Date | null;
  };
  identity_verification: {
    cooperative_id: string;
    id: string;
    user_id: string;
    status: 'pending' | 'verified' | 'rejected';
    file_id: string | null;
    file_name: string | null;
    submitted_at: Generated<Date>;
    decided_by: string | null;
    decided_at: Date | null;
    document_type: string | null;
    /** ISO date (yyyy-mm-dd). */
    document_expiry: ColumnType<string | null, string | null, string | null>;
    note: string | null;
    file_deleted_at: Date | null;
  };
  member_profile: {
    cooperative_id: string;
    user_id: string;
    gender: 'F' | 'M' | 'X' | null;
    birth_year: number | null;
    education_level: string | null;
    status_at_entry: string | null;
    postal_code: string | null;
    qpv: boolean | null;
    phone: string | null;
    support_user_id: string | null;
    /** Where the cooperative reimburses the person's expenses (SEPA transfers). */
    iban: ColumnType<string | null, string | null | undefined, string | null>;
    bic: ColumnType<string | null, string | null | undefined, string | null>;
  };
}

export const directoryMigrations: SqlMigration[] = [
  {
    name: '2026_11_26_1000_directory',
    sql: `
create table network (id uuid primary key, slug text not null unique, name text not null, created_at timestamptz not null default now());
create table cooperative (
  id uuid primary key, network_id uuid not null references network(id), slug text not null unique, name text not null,
  legal_form text not null, capital_cents bigint not null default 0, siren char(9) not null, vat_number text,
  rcs_city text not null, address_line text not null, postal_code text not null, city text not null,
  country char(2) not null default 'FR', iban text, bic text, email text, phone text, logo_file_id uuid,
  fiscal_year_start_month int not null default 1 check (fiscal_year_start_month between 1 and 12),
  settings jsonb not null default '{}', created_at timestamptz not null default now()
);
create table activity (
  cooperative_id uuid not null references cooperative(id), id uuid not null, name text not null,
  analytic_code text not null, description text, trusted boolean not null default false, email text, phone text,
  created_at timestamptz not null default now(), closed_at timestamptz,
  primary key (cooperative_id, id), unique (cooperative_id, analytic_code)
);
create table activity_owner (
  cooperative_id uuid not null, activity_id uuid not null, user_id uuid not null references user_account(id),
  primary key (cooperative_id, activity_id, user_id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
create index activity_owner_user on activity_owner (cooperative_id, user_id);
create table membership (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null references user_account(id),
  role text not null check (role in ('entrepreneur','cape','support','accountant','director','network_admin')),
  created_at timestamptz not null default now(), ended_at timestamptz,
  primary key (cooperative_id, user_id, role)
);
create index membership_user on membership (user_id);
create table member_profile (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null references user_account(id),
  gender char(1), birth_year int, education_level text, status_at_entry text, postal_code text, qpv boolean,
  phone text, support_user_id uuid, primary key (cooperative_id, user_id)
);
${tenantPolicySql('activity')}
${tenantPolicySql('activity_owner')}
${tenantPolicySql('membership')}
${tenantPolicySql('member_profile')}
`,
  },
  {
    name: '2026_11_26_1600_directory_bank_details',
    sql: `alter table member_profile add column iban text;
alter table member_profile add column bic text;`,
  },
  {
    // The search box of the people list (core/db/text-search.ts): names typed with mistakes,
    // without accents, or half typed.
    name: '2026_12_07_1300_directory_member_search',
    sql: `
create index user_account_name_trgm on user_account using gin (search_key(display_name) gin_trgm_ops);
create index user_account_name_fts on user_account using gin (to_tsvector('fr', display_name));
`,
  },
  {
    // Identity verification by support (identity-verification.service.ts): the document sits in
    // the encrypted file store until the decision, then is deleted or kept by the cooperative's
    // retention rule (file_id null, file_deleted_at set); who decided, when and how is also in
    // the audit log.
    name: '2026_12_07_1410_directory_identity_verification',
    sql: `create table identity_verification (
  cooperative_id uuid not null references cooperative(id), id uuid not null, user_id uuid not null references user_account(id),
  status text not null check (status in ('pending', 'verified', 'rejected')), file_id uuid, file_name text,
  submitted_at timestamptz not null default now(), decided_by uuid, decided_at timestamptz,
  document_type text, document_expiry date, note text, file_deleted_at timestamptz,
  primary key (cooperative_id, id)
);
create index identity_verification_user on identity_verification (cooperative_id, user_id);
${tenantPolicySql('identity_verification')}`,
  },
  {
    // Other collectives (impact issue, item 10): a tiers-lieu or a collective uses Radieuse
    // without the ERP (core/authz.ts ERP_MODULES); every existing row is a CAE.
    name: '2026_12_12_3001_directory_organisation_type',
    sql: `alter table cooperative add column organisation_type text not null default 'cae'
  check (organisation_type in ('cae', 'tiers_lieu', 'collectif'));`,
  },
];
