// Core tables: identity (global users, sessions), audit log, mail outbox, encrypted files,
// domain-event outbox. Tenant tables lead with cooperative_id and sit under RLS.
export type { CoreTables } from './tables.ts';
import type { SqlMigration } from './migrations.ts';
import { tenantPolicySql } from './db/rls.ts';

export const coreMigrations: SqlMigration[] = [
  {
    name: '2026_11_26_0900_core',
    sql: `
create table user_account (
  id uuid primary key, email text not null, display_name text not null, password_hash text,
  totp_secret text, totp_enabled boolean not null default false, recovery_codes text[],
  failed_logins int not null default 0, locked_until timestamptz, beginner_mode boolean not null default true,
  created_at timestamptz not null default now(), disabled_at timestamptz
);
create unique index user_account_email on user_account (lower(email));
create table auth_session (
  id uuid primary key, token_hash text not null unique, user_id uuid not null references user_account(id),
  current_cooperative_id uuid, second_factor_ok boolean not null default false, csrf_token text not null,
  ip text, user_agent text, created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(), expires_at timestamptz not null, revoked_at timestamptz
);
create index auth_session_user on auth_session (user_id);
create table login_attempt (id bigserial primary key, email text not null, ip text, ok boolean not null, at timestamptz not null default now());
create index login_attempt_email_at on login_attempt (lower(email), at);
create index login_attempt_ip_at on login_attempt (ip, at);
create table passkey (
  id uuid primary key, user_id uuid not null references user_account(id), credential_id text not null unique,
  public_key text not null, counter bigint not null default 0, transports text[], name text not null,
  created_at timestamptz not null default now(), last_used_at timestamptz
);
create table auth_token (
  token_hash text primary key, kind text not null, user_id uuid, email text, cooperative_id uuid, role text,
  data jsonb, expires_at timestamptz not null, used_at timestamptz, created_at timestamptz not null default now()
);
create table audit_log (
  cooperative_id uuid not null, seq bigint not null, id uuid not null, at timestamptz not null,
  actor_user_id uuid, actor_label text not null, action text not null, target_type text, target_id text,
  ip text, data jsonb, prev_hash text not null, hash text not null,
  primary key (cooperative_id, seq)
);
create index audit_log_target on audit_log (cooperative_id, target_type, target_id);
-- Append-only: the application can never rewrite history.
create function audit_log_immutable() returns trigger language plpgsql as $$
begin raise exception 'audit_log est en ajout seul'; end $$;
create trigger audit_log_no_update before update or delete on audit_log for each row execute function audit_log_immutable();
create table mail_outbox (
  id uuid primary key, cooperative_id uuid, to_address text not null, subject text not null,
  text_body text not null, html_body text, attachments jsonb, status text not null default 'pending',
  attempts int not null default 0, last_error text, next_attempt_at timestamptz not null default now(),
  created_at timestamptz not null default now(), sent_at timestamptz, message_id text, dedupe_key text unique
);
create index mail_outbox_pending on mail_outbox (status, next_attempt_at);
create table stored_file (
  cooperative_id uuid not null, id uuid not null, name text not null, mime_type text not null, size int not null,
  sha256 text not null, iv text not null, auth_tag text not null, content bytea not null, created_by uuid,
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create index stored_file_hash on stored_file (cooperative_id, sha256);
${tenantPolicySql('stored_file')}
${tenantPolicySql('audit_log')}
create table domain_event (
  cooperative_id uuid not null, id uuid not null, name text not null, payload jsonb not null,
  created_at timestamptz not null default now(), processed_at timestamptz, primary key (cooperative_id, id)
);
${tenantPolicySql('domain_event')}
create index domain_event_pending on domain_event (processed_at) where processed_at is null;
`,
  },
  {
    // Second factor: replay protection (last time step used) and lock-out after wrong codes;
    // sessions remember when the person last proved who they are (re-authentication).
    name: '2026_12_01_0900_core_second_factor',
    sql: `
alter table user_account add column totp_last_step bigint;
alter table user_account add column totp_failures int not null default 0;
alter table user_account add column totp_locked_until timestamptz;
alter table auth_session add column reauthenticated_at timestamptz;
`,
  },
  {
    // The outbox and the link tokens hold personal data of every cooperative: under row-level
    // security, a tenant transaction sees only its cooperative's mails and invitations (system
    // mails and reset or passkey tokens have no cooperative: only the owner, outside tenant
    // transactions, reads them). Grants: see core/auth/app-role.ts.
    name: '2026_12_01_0910_core_rls_outbox_tokens',
    sql: `
${tenantPolicySql('mail_outbox')}
${tenantPolicySql('auth_token')}
`,
  },
  {
    // Search for every module: French full text that ignores accents and case, trigrams for names
    // typed with mistakes, distances between postcodes. `search_key` is the one normalisation of
    // names and titles (immutable, so it can back an index); `fr` the text search configuration.
    name: '2026_12_06_1400_core_search',
    sql: `
create extension if not exists pg_trgm;
create extension if not exists unaccent;
create extension if not exists cube;
create extension if not exists earthdistance;
create or replace function search_key(t text) returns text
  language sql immutable parallel safe strict
  as $$ select lower(public.unaccent('public.unaccent'::regdictionary, t)) $$;
do $$ begin
  if not exists (select 1 from pg_ts_config where cfgname = 'fr') then
    create text search configuration fr (copy = french);
    alter text search configuration fr alter mapping for hword, hword_part, word with unaccent, french_stem;
  end if;
end $$;
`,
  },
  {
    name: '2026_12_06_1500_core_mail_headers',
    sql: `alter table mail_outbox add column headers jsonb;`,
  },
  {
    // Tenant transactions may not read the passkey table (app-role.ts): this answers only
    // whether a person has one, for the security suggestion in the inbox.
    name: '2026_12_06_1800_core_user_has_passkey',
    sql: `create function user_has_passkey(uid uuid) returns boolean
  language sql stable security definer set search_path = public
  as $$ select exists (select 1 from passkey where user_id = uid) $$;`,
  },
  {
    // OpenID Connect sign-in (core/auth/oidc.ts). Providers are configured for one cooperative
    // or (cooperative_id null) the whole network; the sign-in page reads them as the owner,
    // before anyone is signed in. Linked identities belong to the person, like passkeys.
    name: '2026_12_07_1400_core_oidc',
    sql: `
create table oidc_provider (
  id uuid primary key, cooperative_id uuid, label text not null, issuer text not null, client_id text not null,
  client_secret text not null, enabled boolean not null default true, created_at timestamptz not null default now()
);
${tenantPolicySql('oidc_provider')}
create table oidc_identity (
  id uuid primary key, user_id uuid not null references user_account(id), provider_id uuid references oidc_provider(id) on delete set null,
  issuer text not null, subject text not null, email text, created_at timestamptz not null default now(), last_used_at timestamptz
);
create unique index oidc_identity_subject on oidc_identity (issuer, subject);
create index oidc_identity_user on oidc_identity (user_id);
`,
  },
  {
    // Password age for the security check-up: set whenever a password is set (older accounts: unknown).
    name: '2026_12_07_1420_core_password_age',
    sql: `alter table user_account add column password_changed_at timestamptz;`,
  },
  {
    // Envelope encryption of stored files (core/file-keys.ts, docs/decisions/0004): each
    // cooperative's files are sealed with its own data key, itself sealed (wrapped) by the master
    // key of the environment; only wrapped keys and the master key's fingerprint are stored, so
    // a backup holds no usable key. At most one active key per cooperative: the unique partial
    // index lets two transactions creating it at once end with one (insert … on conflict).
    // Files stored before have no data key (sealed with the master key itself) until
    // `radieuse keys rotate` re-encrypts them.
    name: '2026_12_07_0100_core_data_keys',
    sql: `
-- Created and re-wrapped, never deleted by the application role (core/auth/app-role.ts).
create table cooperative_data_key (
  cooperative_id uuid not null, id uuid not null, wrapped_key text not null, iv text not null, auth_tag text not null,
  master_fingerprint text not null, created_at timestamptz not null default now(), retired_at timestamptz,
  primary key (cooperative_id, id)
);
create unique index cooperative_data_key_active on cooperative_data_key (cooperative_id) where retired_at is null;
${tenantPolicySql('cooperative_data_key')}
alter table stored_file add column data_key_id uuid;
alter table stored_file add constraint stored_file_data_key foreign key (cooperative_id, data_key_id)
  references cooperative_data_key (cooperative_id, id);
create index stored_file_data_key on stored_file (cooperative_id, data_key_id);
`,
  },
];
