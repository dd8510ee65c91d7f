// The API module's tables: personal API tokens (only their hash is kept), idempotency keys of
// creations, webhook subscriptions and their delivery log. Every row belongs to a cooperative
// (a token acts as its user in one cooperative); all are under row-level security. Tokens are
// found by their hash before the cooperative is known (like sessions), outside a tenant
// transaction, through a non-unique index.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface ApiTables {
  api_token: {
    cooperative_id: string;
    id: string;
    /** The person a personal token acts as; null for an application token. */
    user_id: string | null;
    /** 'personal' (acts as its user) or 'application' (the cooperative's, with `role`). */
    kind: Generated<'personal' | 'application'>;
    /** The role an application token acts with, fixed at creation; null for a personal token. */
    role: string | null;
    /** Who created an application token (a director); null for a personal token. */
    created_by: string | null;
    name: string;
    token_hash: string;
    /** The first characters of the token, to recognise it in the list. */
    prefix: string;
    scopes: string[];
    expires_at: Date | null;
    revoked_at: Date | null;
    last_used_at: Date | null;
    rate_limit_per_minute: number;
    window_start: Date | null;
    window_count: Generated<number>;
    created_at: Generated<Date>;
  };
  api_idempotency: {
    cooperative_id: string;
    token_id: string;
    key: string;
    request_hash: string;
    status_code: number | null;
    response: unknown;
    created_at: Generated<Date>;
  };
  webhook_subscription: {
    cooperative_id: string;
    id: string;
    url: string;
    description: string;
    events: string[];
    /** `whsec_` + base64 of the key (Standard Webhooks). */
    secret: string;
    enabled: boolean;
    disabled_reason: string | null;
    consecutive_failures: Generated<number>;
    created_by: string | null;
    created_at: Generated<Date>;
  };
  webhook_delivery: {
    cooperative_id: string;
    /** The `webhook-id`: the same on every attempt, so a receiver drops duplicates. */
    id: string;
    subscription_id: string;
    event: string;
    payload: unknown;
    status: 'pending' | 'delivered' | 'failed';
    attempts: Generated<number>;
    next_attempt_at: Date;
    /** A worker's claim: another worker waits until it expires (a crashed worker's claim does). */
    locked_until: Date | null;
    last_status_code: number | null;
    last_error: string | null;
    delivered_at: Date | null;
    created_at: Generated<Date>;
  };
}

export const apiMigrations: SqlMigration[] = [
  {
    name: '2026_12_06_2200_api_tokens_webhooks',
    sql: `
create table api_token (
  cooperative_id uuid not null references cooperative(id), id uuid not null,
  user_id uuid not null references user_account(id), name text not null check (length(name) between 1 and 100),
  token_hash text not null, prefix text not null, scopes text[] not null,
  expires_at timestamptz, revoked_at timestamptz, last_used_at timestamptz,
  rate_limit_per_minute int not null default 120 check (rate_limit_per_minute between 1 and 100000),
  window_start timestamptz, window_count int not null default 0,
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create index api_token_hash on api_token (token_hash);
create index api_token_user on api_token (cooperative_id, user_id);
create table api_idempotency (
  cooperative_id uuid not null references cooperative(id), token_id uuid not null, key text not null,
  request_hash text not null, status_code int, response jsonb, created_at timestamptz not null default now(),
  primary key (cooperative_id, token_id, key),
  foreign key (cooperative_id, token_id) references api_token (cooperative_id, id)
);
create table webhook_subscription (
  cooperative_id uuid not null references cooperative(id), id uuid not null, url text not null,
  description text not null default '', events text[] not null, secret text not null,
  enabled boolean not null default true, disabled_reason text, consecutive_failures int not null default 0,
  created_by uuid, created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create table webhook_delivery (
  cooperative_id uuid not null references cooperative(id), id uuid not null, subscription_id uuid not null,
  event text not null, payload jsonb not null,
  status text not null check (status in ('pending','delivered','failed')),
  attempts int not null default 0, next_attempt_at timestamptz not null, locked_until timestamptz,
  last_status_code int, last_error text, delivered_at timestamptz, created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, subscription_id) references webhook_subscription (cooperative_id, id)
);
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where status = 'pending';
create index webhook_delivery_log on webhook_delivery (cooperative_id, subscription_id, created_at);
${tenantPolicySql('api_token')}
${tenantPolicySql('api_idempotency')}
${tenantPolicySql('webhook_subscription')}
${tenantPolicySql('webhook_delivery')}
`,
  },
  {
    // Application tokens: the cooperative's, not a person's; they act with a role chosen at
    // creation. The check keeps the two kinds apart (a personal token has its user and no role,
    // an application token a bounded role and no user).
    name: '2026_12_12_4001_api_application_tokens',
    sql: `
alter table api_token add column kind text not null default 'personal';
alter table api_token add column role text;
alter table api_token add column created_by uuid;
alter table api_token alter column user_id drop not null;
alter table api_token add constraint api_token_kind check (
  (kind = 'personal' and user_id is not null and role is null)
  or (kind = 'application' and user_id is null and role in ('accountant', 'support', 'director') and created_by is not null)
);
create index api_token_kind on api_token (cooperative_id, kind, created_at);
`,
  },
];
