// Campus questions and answers, the conversation around them: comments, follows (with the
// "seen" mark that makes inbox items disappear), mentions, reports, attachments, categories.
// Rows written by a member live in the member's cooperative; those about a network-wide question
// carry its network and visibility, so the other cooperatives of the network may read them (the
// same select-only policy as schema.ts). A follow is private to its person's cooperative.
import type { ColumnType, Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';
import type { CampusTables, Visibility } from './schema.ts';

export type PostKind = 'question' | 'answer' | 'comment';

export interface CampusQaTables {
  campus_comment: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: Visibility;
    question_cooperative_id: string;
    question_id: string;
    /** The question or the answer commented on. */
    target_id: string;
    author_user_id: string | null;
    author_label: string;
    body: string;
    hidden_at: Date | null;
    hidden_by: string | null;
    reviewed_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  campus_follow: {
    cooperative_id: string;
    user_id: string;
    question_cooperative_id: string;
    question_id: string;
    following: boolean;
    seen_at: Date | null;
    created_at: Generated<Date>;
  };
  campus_mention: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: Visibility;
    question_cooperative_id: string;
    question_id: string;
    /** `reponse-…`, `commentaire-…` or `question`: where on the page the mention is. */
    anchor: string;
    mentioned_cooperative_id: string;
    mentioned_user_id: string;
    author_label: string;
    created_at: Generated<Date>;
  };
  campus_report: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: Visibility;
    target_cooperative_id: string;
    target_kind: PostKind;
    target_id: string;
    question_id: string;
    reporter_user_id: string;
    reason: string;
    created_at: Generated<Date>;
  };
  campus_attachment: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: Visibility;
    question_id: string;
    file_id: string;
    name: string;
    mime_type: string;
    size: number;
    created_by: string | null;
    created_at: Generated<Date>;
  };
}

type Optional<T> = ColumnType<T, T | undefined, T>;
/** The tables of schema.ts with the columns this migration adds (optional on insert). */
export type WithQaColumns<T extends CampusTables> = Omit<T, 'campus_question' | 'campus_answer'> & {
  campus_question: T['campus_question'] & { category: Optional<string | null>; reviewed_at: Optional<Date | null> };
  campus_answer: T['campus_answer'] & { reviewed_at: Optional<Date | null> };
};

const networkReadPolicy = (table: string) => `create policy ${table}_network on ${table} for select
  using (visibility = 'network' and network_id = (select c.network_id from cooperative c
    where c.id = nullif(current_setting('app.cooperative_id', true), '')::uuid));`;

export const campusQaMigrations: SqlMigration[] = [
  {
    name: '2026_12_08_0100_campus_qa',
    sql: `
alter table campus_question add column category text;
alter table campus_question add column reviewed_at timestamptz;
alter table campus_answer add column reviewed_at timestamptz;
create index campus_question_category on campus_question (network_id, category);
create table campus_comment (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null,
  visibility text not null check (visibility in ('cooperative','network')),
  question_cooperative_id uuid not null, question_id uuid not null, target_id uuid not null,
  author_user_id uuid references user_account(id), author_label text not null,
  body text not null check (length(body) between 1 and 2000), hidden_at timestamptz, hidden_by uuid,
  reviewed_at timestamptz, created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
create index campus_comment_question on campus_comment (question_cooperative_id, question_id, created_at);
create table campus_follow (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null references user_account(id),
  question_cooperative_id uuid not null, question_id uuid not null, following boolean not null default true,
  seen_at timestamptz, created_at timestamptz not null default now(),
  primary key (cooperative_id, user_id, question_id)
);
create index campus_follow_question on campus_follow (cooperative_id, question_id);
create table campus_mention (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null,
  visibility text not null check (visibility in ('cooperative','network')),
  question_cooperative_id uuid not null, question_id uuid not null, anchor text not null,
  mentioned_cooperative_id uuid not null, mentioned_user_id uuid not null, author_label text not null,
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create index campus_mention_person on campus_mention (mentioned_cooperative_id, mentioned_user_id, created_at);
create table campus_report (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null,
  visibility text not null check (visibility in ('cooperative','network')),
  target_cooperative_id uuid not null, target_kind text not null check (target_kind in ('question','answer','comment')),
  target_id uuid not null, question_id uuid not null, reporter_user_id uuid not null references user_account(id),
  reason text not null check (length(reason) between 3 and 500), created_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
create index campus_report_target on campus_report (target_cooperative_id, target_id, created_at);
create table campus_attachment (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null,
  visibility text not null check (visibility in ('cooperative','network')), question_id uuid not null,
  file_id uuid not null, name text not null, mime_type text not null, size integer not null,
  created_by uuid, created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create index campus_attachment_question on campus_attachment (question_id);
${tenantPolicySql('campus_comment')}
${networkReadPolicy('campus_comment')}
${tenantPolicySql('campus_follow')}
${tenantPolicySql('campus_mention')}
${networkReadPolicy('campus_mention')}
${tenantPolicySql('campus_report')}
${networkReadPolicy('campus_report')}
${tenantPolicySql('campus_attachment')}
${networkReadPolicy('campus_attachment')}
`,
  },
];
