// Campus: questions and answers between peers, shared within a cooperative or with the whole
// network. Every row carries the network and the visibility of its question, so row-level
// security can let the other cooperatives of the same network read network-wide rows (a second
// policy, for select only), while writes stay within the writer's own cooperative. An answer
// (or a vote) may belong to another cooperative than its question: no foreign key joins them (a
// cooperative's rows stay distributable on their own); the services check the question exists.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export type Visibility = 'cooperative' | 'network';

export interface CampusTables {
  campus_question: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: Visibility;
    author_user_id: string | null;
    author_label: string;
    title: string;
    body: string;
    tags: string[];
    accepted_answer_cooperative_id: string | null;
    accepted_answer_id: string | null;
    hidden_at: Date | null;
    hidden_by: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  campus_answer: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: Visibility;
    question_cooperative_id: string;
    question_id: string;
    author_user_id: string | null;
    author_label: string;
    body: string;
    hidden_at: Date | null;
    hidden_by: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  campus_vote: {
    cooperative_id: string;
    user_id: string;
    network_id: string;
    visibility: Visibility;
    target_cooperative_id: string;
    target_id: string;
    created_at: Generated<Date>;
  };
  campus_revision: {
    cooperative_id: string;
    id: string;
    target_id: string;
    title: string | null;
    body: string;
    tags: string[] | null;
    author_user_id: string | null;
    created_at: Generated<Date>;
  };
  campus_expertise: {
    cooperative_id: string;
    user_id: string;
    network_id: string;
    display_name: string;
    tags: string[];
    visibility: Generated<Visibility>;
    updated_at: Generated<Date>;
  };
}

const networkReadPolicy = (table: string) => `create policy ${table}_network on ${table} for select
  using (visibility = 'network' and network_id = (select c.network_id from cooperative c
    where c.id = nullif(current_setting('app.cooperative_id', true), '')::uuid));`;

export const campusMigrations: SqlMigration[] = [
  {
    name: '2026_12_06_1500_campus',
    sql: `
create table campus_question (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null,
  visibility text not null check (visibility in ('cooperative','network')),
  author_user_id uuid references user_account(id), author_label text not null,
  title text not null check (length(title) between 5 and 200), body text not null check (length(body) <= 50000),
  tags text[] not null default '{}', accepted_answer_cooperative_id uuid, accepted_answer_id uuid,
  hidden_at timestamptz, hidden_by uuid, created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create index campus_question_network on campus_question (network_id, visibility, created_at);
create index campus_question_recent on campus_question (cooperative_id, created_at);
create index campus_question_title_trgm on campus_question using gin (search_key(title) gin_trgm_ops);
create index campus_question_fts on campus_question using gin (to_tsvector('fr', title || ' ' || body));
create index campus_question_tags on campus_question using gin (tags);
create table campus_answer (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null,
  visibility text not null check (visibility in ('cooperative','network')),
  question_cooperative_id uuid not null, question_id uuid not null,
  author_user_id uuid references user_account(id), author_label text not null,
  body text not null check (length(body) between 1 and 50000), hidden_at timestamptz, hidden_by uuid,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
create index campus_answer_question on campus_answer (question_cooperative_id, question_id, created_at);
create table campus_vote (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null references user_account(id),
  network_id uuid not null, visibility text not null check (visibility in ('cooperative','network')),
  target_cooperative_id uuid not null, target_id uuid not null, created_at timestamptz not null default now(),
  primary key (cooperative_id, user_id, target_id)
);
create index campus_vote_target on campus_vote (target_cooperative_id, target_id);
create table campus_revision (
  cooperative_id uuid not null references cooperative(id), id uuid not null, target_id uuid not null,
  title text, body text not null, tags text[], author_user_id uuid, created_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
create index campus_revision_target on campus_revision (cooperative_id, target_id, created_at);
create table campus_expertise (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null references user_account(id),
  network_id uuid not null, display_name text not null, tags text[] not null default '{}',
  updated_at timestamptz not null default now(), primary key (cooperative_id, user_id)
);
create index campus_expertise_tags on campus_expertise using gin (tags);
${tenantPolicySql('campus_question')}
${networkReadPolicy('campus_question')}
${tenantPolicySql('campus_answer')}
${networkReadPolicy('campus_answer')}
${tenantPolicySql('campus_vote')}
${networkReadPolicy('campus_vote')}
${tenantPolicySql('campus_revision')}
${tenantPolicySql('campus_expertise')}
alter table campus_expertise add column visibility text not null default 'network';
${networkReadPolicy('campus_expertise')}
`,
  },
];
