// Campus knowledge: resource persons (designations, endorsements), the knowledge base (articles
// and their versions) and ideas (votes, comments). Same rules as the questions (schema.ts): every
// key leads with the writer's `cooperative_id`; each row carries the `network_id` and the
// `visibility` of what it belongs to, and a second, select-only policy lets the other
// cooperatives of the network read the `network` rows. Expertise tags live in `campus_expertise`
// (schema.ts).
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';
import type { Visibility } from './schema.ts';

export type ArticleKind = 'howto' | 'template' | 'legal';
export type ArticleStatus = 'draft' | 'review' | 'published';
export type IdeaStatus = 'new' | 'studied' | 'adopted' | 'done';

export interface KnowledgeTables {
  campus_resource_person: {
    cooperative_id: string;
    user_id: string;
    network_id: string;
    visibility: Visibility;
    scope: Visibility;
    designated_by: string | null;
    created_at: Generated<Date>;
  };
  campus_endorsement: {
    cooperative_id: string;
    endorser_user_id: string;
    person_cooperative_id: string;
    person_user_id: string;
    tag: string;
    network_id: string;
    visibility: Visibility;
    endorser_label: string;
    created_at: Generated<Date>;
  };
  campus_article: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: Visibility;
    kind: ArticleKind;
    status: ArticleStatus;
    title: string;
    body: string;
    tags: string[];
    author_user_id: string | null;
    author_label: string;
    cooperative_name: string;
    version: number;
    review_note: string | null;
    reviewed_by: string | null;
    reviewed_at: Date | null;
    promoted_by: string | null;
    promoted_at: Date | null;
    source_question_cooperative_id: string | null;
    source_question_id: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  campus_article_version: {
    cooperative_id: string;
    article_id: string;
    version: number;
    network_id: string;
    visibility: Visibility;
    kind: ArticleKind;
    title: string;
    body: string;
    tags: string[];
    editor_user_id: string | null;
    editor_label: string;
    created_at: Generated<Date>;
  };
  campus_idea: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: Visibility;
    title: string;
    body: string;
    status: IdeaStatus;
    author_user_id: string | null;
    author_label: string;
    cooperative_name: string;
    status_by: string | null;
    status_at: Date | null;
    created_at: Generated<Date>;
  };
  campus_idea_vote: {
    cooperative_id: string;
    user_id: string;
    idea_cooperative_id: string;
    idea_id: string;
    network_id: string;
    visibility: Visibility;
    created_at: Generated<Date>;
  };
  campus_idea_comment: {
    cooperative_id: string;
    id: string;
    idea_cooperative_id: string;
    idea_id: string;
    network_id: string;
    visibility: Visibility;
    author_user_id: string | null;
    author_label: string;
    body: string;
    created_at: Generated<Date>;
  };
}

const networkReadPolicy = (table: string) => `create policy ${table}_network on ${table} for select
  using (visibility = 'network' and network_id = (select c.network_id from cooperative c
    where c.id = nullif(current_setting('app.cooperative_id', true), '')::uuid));`;

const VIS = `visibility text not null check (visibility in ('cooperative','network'))`;

export const knowledgeMigrations: SqlMigration[] = [
  {
    name: '2026_12_08_0200_campus_knowledge',
    sql: `
create table campus_resource_person (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null references user_account(id),
  network_id uuid not null, ${VIS}, scope text not null check (scope in ('cooperative','network')),
  designated_by uuid, created_at timestamptz not null default now(), primary key (cooperative_id, user_id)
);
create table campus_endorsement (
  cooperative_id uuid not null references cooperative(id), endorser_user_id uuid not null references user_account(id),
  person_cooperative_id uuid not null, person_user_id uuid not null, tag text not null check (length(tag) between 1 and 40),
  network_id uuid not null, ${VIS}, endorser_label text not null, created_at timestamptz not null default now(),
  primary key (cooperative_id, endorser_user_id, person_cooperative_id, person_user_id, tag),
  check (endorser_user_id <> person_user_id)
);
create index campus_endorsement_person on campus_endorsement (person_cooperative_id, person_user_id);
create table campus_article (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null, ${VIS},
  kind text not null check (kind in ('howto','template','legal')),
  status text not null check (status in ('draft','review','published')),
  title text not null check (length(title) between 5 and 200), body text not null check (length(body) <= 100000),
  tags text[] not null default '{}', author_user_id uuid references user_account(id), author_label text not null,
  cooperative_name text not null, version integer not null default 1, review_note text, reviewed_by uuid,
  reviewed_at timestamptz, promoted_by uuid, promoted_at timestamptz, source_question_cooperative_id uuid,
  source_question_id uuid, created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  check (visibility = 'cooperative' or status = 'published')
);
create index campus_article_network on campus_article (network_id, visibility, promoted_at);
create index campus_article_fts on campus_article using gin (to_tsvector('fr', title || ' ' || body));
create index campus_article_title_trgm on campus_article using gin (search_key(title) gin_trgm_ops);
create table campus_article_version (
  cooperative_id uuid not null references cooperative(id), article_id uuid not null, version integer not null,
  network_id uuid not null, ${VIS}, kind text not null, title text not null, body text not null,
  tags text[] not null default '{}', editor_user_id uuid, editor_label text not null,
  created_at timestamptz not null default now(), primary key (cooperative_id, article_id, version),
  foreign key (cooperative_id, article_id) references campus_article (cooperative_id, id)
);
create table campus_idea (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null, ${VIS},
  title text not null check (length(title) between 5 and 200), body text not null check (length(body) <= 20000),
  status text not null default 'new' check (status in ('new','studied','adopted','done')),
  author_user_id uuid references user_account(id), author_label text not null, cooperative_name text not null,
  status_by uuid, status_at timestamptz, created_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
create index campus_idea_network on campus_idea (network_id, visibility, status);
create table campus_idea_vote (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null references user_account(id),
  idea_cooperative_id uuid not null, idea_id uuid not null, network_id uuid not null, ${VIS},
  created_at timestamptz not null default now(), primary key (cooperative_id, user_id, idea_id)
);
create index campus_idea_vote_idea on campus_idea_vote (idea_cooperative_id, idea_id);
create table campus_idea_comment (
  cooperative_id uuid not null references cooperative(id), id uuid not null, idea_cooperative_id uuid not null,
  idea_id uuid not null, network_id uuid not null, ${VIS}, author_user_id uuid references user_account(id),
  author_label text not null, body text not null check (length(body) between 1 and 5000),
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create index campus_idea_comment_idea on campus_idea_comment (idea_cooperative_id, idea_id, created_at);
${['campus_resource_person', 'campus_endorsement', 'campus_article', 'campus_article_version', 'campus_idea', 'campus_idea_vote', 'campus_idea_comment'].map((t) => `${tenantPolicySql(t)}\n${networkReadPolicy(t)}`).join('\n')}
`,
  },
];
