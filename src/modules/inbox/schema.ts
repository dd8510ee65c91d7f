// Inbox tables: snoozed items (the items themselves are computed, never stored), collected
// notifications for the digest, and each person's digest preference.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export type DigestFrequency = 'weekly' | 'daily' | 'urgent';

export interface InboxTables {
  inbox_snooze: {
    cooperative_id: string;
    user_id: string;
    item_key: string;
    until: string;
    created_at: Generated<Date>;
  };
  notification: {
    cooperative_id: string;
    id: string;
    user_id: string;
    kind: string;
    text: string;
    urgent: Generated<boolean>;
    created_at: Generated<Date>;
    digested_at: Date | null;
  };
  notification_preference: {
    cooperative_id: string;
    user_id: string;
    frequency: DigestFrequency;
    unsubscribed_at: Date | null;
    last_digest_key: string | null;
    updated_at: Generated<Date>;
  };
  inbox_calendar_feed: { cooperative_id: string; user_id: string; token_hash: string; created_at: Generated<Date> };
}

export const inboxMigrations: SqlMigration[] = [
  {
    name: '2026_11_26_1400_inbox',
    sql: `
create table inbox_snooze (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null, item_key text not null, until date not null,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, user_id, item_key)
);
create table notification (
  cooperative_id uuid not null references cooperative(id), id uuid not null, user_id uuid not null, kind text not null,
  text text not null, urgent boolean not null default false, created_at timestamptz not null default now(), digested_at timestamptz,
  primary key (cooperative_id, id)
);
create index notification_pending on notification (cooperative_id, user_id) where digested_at is null;
create table notification_preference (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null,
  frequency text not null default 'weekly' check (frequency in ('weekly','daily','urgent')),
  unsubscribed_at timestamptz, last_digest_key text, updated_at timestamptz not null default now(),
  primary key (cooperative_id, user_id)
);
create table inbox_calendar_feed (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null, token_hash text not null unique,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, user_id)
);
${tenantPolicySql('inbox_snooze')}
${tenantPolicySql('inbox_calendar_feed')}
${tenantPolicySql('notification')}
${tenantPolicySql('notification_preference')}
`,
  },
  {
    // Keys lead with cooperative_id (distribution by cooperative); the public link finds its row by the token alone.
    name: '2026_12_06_1600_inbox_feed_token_key',
    sql: `
alter table inbox_calendar_feed drop constraint inbox_calendar_feed_token_hash_key;
create unique index inbox_calendar_feed_token on inbox_calendar_feed (cooperative_id, token_hash);
create index inbox_calendar_feed_token_lookup on inbox_calendar_feed (token_hash);
`,
  },
];

