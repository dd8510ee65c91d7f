// Core tables: identity (global users, sessions), audit log, mail outbox, encrypted files,
// domain-event outbox. Tenant tables lead with cooperative_id and sit under RLS.
import type { Generated, ColumnType } from 'kysely';
import type { SqlMigration } from './migrations.ts';
import { tenantPolicySql } from './db/tenant.ts';

type Ts = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CoreTables {
  user_account: {
    id: string;
    email: string;
    display_name: string;
    password_hash: string | null;
    totp_secret: string | null;
    totp_enabled: boolean;
    recovery_codes: string[] | null;
    failed_logins: Generated<number>;
    locked_until: Date | null;
    beginner_mode: Generated<boolean>;
    created_at: Generated<Date>;
    disabled_at: Date | null;
  };
  auth_session: {
    id: string;
    token_hash: string;
    user_id: string;
    current_cooperative_id: string | null;
    second_factor_ok: boolean;
    csrf_token: string;
    ip: string | null;
    user_agent: string | null;
    created_at: Generated<Date>;
    last_seen_at: Generated<Date>;
    expires_at: Ts;
    revoked_at: Date | null;
  };
  login_attempt: { id: Generated<number>; email: string; ip: string | null; ok: boolean; at: Generated<Date> };
  passkey: {
    id: string;
    user_id: string;
    credential_id: string;
    public_key: string;
    counter: number;
    transports: string[] | null;
    name: string;
    created_at: Generated<Date>;
    last_used_at: Date | null;
  };
  auth_token: {
    token_hash: string;
    kind: 'reset' | 'invitation' | 'webauthn' | 'unsubscribe';
    user_id: string | null;
    email: string | null;
    cooperative_id: string | null;
    role: string | null;
    data: unknown | null;
    expires_at: Ts;
    used_at: Date | null;
    created_at: Generated<Date>;
  };
  audit_log: {
    cooperative_id: string;
    seq: number;
    id: string;
    at: Ts;
    actor_user_id: string | null;
    actor_label: string;
    action: string;
    target_type: string | null;
    target_id: string | null;
    ip: string | null;
    data: unknown;
    prev_hash: string;
    hash: string;
  };
  mail_outbox: {
    id: string;
    cooperative_id: string | null;
    to_address: string;
    subject: string;
    text_body: string;
    html_body: string | null;
    attachments: unknown | null;
    status: Generated<'pending' | 'sent' | 'failed'>;
    attempts: Generated<number>;
    last_error: string | null;
    next_attempt_at: Generated<Date>;
    created_at: Generated<Date>;
    sent_at: Date | null;
    message_id: string | null;
    dedupe_key: string | null;
  };
  stored_file: {
    cooperative_id: string;
    id: string;
    name: string;
    mime_type: string;
    size: number;
    sha256: string;
    iv: string;
    auth_tag: string;
    content: ColumnType<Buffer, Buffer, Buffer>;
    created_by: string | null;
    created_at: Generated<Date>;
  };
  domain_event: {
    id: string;
    cooperative_id: string;
    name: string;
    payload: unknown;
    created_at: Generated<Date>;
    processed_at: Date | null;
  };
}

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
];
