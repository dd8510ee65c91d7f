// Learning: courses (sections, lessons, quizzes), enrolments, progress, attempts, certificates.
// A course belongs to the cooperative that wrote it; its visibility says who may follow it: the
// cooperative only, every cooperative of its network, or everyone (a public MOOC, open to the
// members of any cooperative without joining the owner). Content rows carry the network and the
// visibility of their course so row-level security lets readers of other cooperatives select them.
// What a learner does (enrolment, lessons viewed, attempts, certificates) is a row of the learner's
// cooperative pointing at the course; the owning cooperative may read those rows about its own
// courses (a select-only policy on course_cooperative_id), to follow its learners' results.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export type CourseVisibility = 'cooperative' | 'network' | 'public';
export type QuestionKind = 'single' | 'multiple' | 'true_false' | 'short' | 'numeric';
export interface Choice {
  text: string;
  correct: boolean;
  feedback?: string;
}

interface Shared {
  cooperative_id: string;
  id: string;
  network_id: string;
  visibility: CourseVisibility;
  course_id: string;
}

export interface LearningTables {
  learning_mooc_signup: {
    cooperative_id: string;
    id: string;
    course_id: string;
    email: string;
    display_name: string;
    token_hash: string;
    created_at: Generated<Date>;
    confirmed_at: Date | null;
    user_id: string | null;
  };
  learning_public_hit: { action: 'mooc_signup' | 'certificate_verify'; ip_hash: string; at: Generated<Date> };
  learning_course: {
    cooperative_id: string;
    id: string;
    network_id: string;
    visibility: CourseVisibility;
    title: string;
    summary: string;
    duration_minutes: number;
    version: number;
    published_at: Date | null;
    author_user_id: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    /** Completion also asks for attendance at one of the linked sessions (own-cooperative courses). */
    require_session: Generated<boolean>;
    /** Who pays for it (OPCO, Région, fonds propres…), for the training report; '' when not said. */
    funding_source: Generated<string>;
  };
  learning_satisfaction: {
    cooperative_id: string;
    course_cooperative_id: string;
    course_id: string;
    user_id: string;
    score: number;
    comment: string;
    answered_at: Generated<Date>;
  };
  learning_section: Shared & { position: number; title: string };
  learning_lesson: Shared & {
    section_id: string;
    position: number;
    title: string;
    body: string;
    video_url: string | null;
  };
  learning_quiz: Shared & {
    position: number;
    title: string;
    pass_percent: number;
    max_attempts: number | null;
    draw_count: number | null;
  };
  learning_question: Shared & {
    quiz_id: string;
    position: number;
    kind: QuestionKind;
    prompt: string;
    choices: Choice[];
    accepted: string[];
    numeric_value: number | null;
    numeric_tolerance: number | null;
    feedback: string;
    points: number;
  };
  learning_enrolment: {
    cooperative_id: string;
    course_cooperative_id: string;
    course_id: string;
    user_id: string;
    enrolled_at: Generated<Date>;
    last_lesson_id: string | null;
    completed_at: Date | null;
    completed_minutes: number | null;
    cohort_id: Generated<string | null>;
    due_on: Generated<string | null>;
  };
  learning_cohort: {
    cooperative_id: string;
    id: string;
    course_cooperative_id: string;
    course_id: string;
    name: string;
    due_on: string | null;
    created_by: string | null;
    created_at: Generated<Date>;
  };
  learning_lesson_view: {
    cooperative_id: string;
    course_cooperative_id: string;
    course_id: string;
    lesson_id: string;
    user_id: string;
    viewed_at: Generated<Date>;
  };
  learning_attempt: {
    cooperative_id: string;
    id: string;
    course_cooperative_id: string;
    course_id: string;
    quiz_id: string;
    user_id: string;
    seed: number;
    question_ids: string[];
    answers: Record<string, string[]> | null;
    /** Hundredths of a point. */
    score: number | null;
    max_score: number | null;
    passed: boolean | null;
    started_at: Generated<Date>;
    submitted_at: Date | null;
  };
  learning_certificate: {
    cooperative_id: string;
    id: string;
    code: string;
    course_cooperative_id: string;
    course_id: string;
    user_id: string;
    learner_name: string;
    course_title: string;
    duration_minutes: number;
    issued_at: Generated<Date>;
    revoked_at: Date | null;
    revoked_reason: string | null;
  };
  learning_lesson_file: Shared & {
    lesson_id: string;
    file_id: string;
    name: string;
    mime_type: string;
    size: number;
    created_at: Generated<Date>;
  };
  learning_course_session: {
    cooperative_id: string;
    course_id: string;
    session_id: string;
    created_at: Generated<Date>;
  };
}

const VIS = `visibility text not null check (visibility in ('cooperative','network','public'))`;
const CONTENT = `cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null, ${VIS}, course_id uuid not null`;

/** Other cooperatives may read the content of network and public courses (services filter drafts);
 *  with no cooperative set, nothing (public MOOCs are read through a member's cooperative). */
const sharedReadPolicy = (table: string) => `create policy ${table}_shared on ${table} for select
  using (nullif(current_setting('app.cooperative_id', true), '') is not null and (visibility = 'public'
    or (visibility = 'network' and network_id = (select c.network_id from cooperative c
      where c.id = nullif(current_setting('app.cooperative_id', true), '')::uuid))));`;
/** The course's owner reads what learners of other cooperatives did in its courses. */
const ownerReadPolicy = (table: string) => `create policy ${table}_owner on ${table} for select
  using (course_cooperative_id = nullif(current_setting('app.cooperative_id', true), '')::uuid);`;

export const learningMigrations: SqlMigration[] = [
  {
    name: '2026_12_06_2100_learning',
    sql: `
create table learning_course (
  cooperative_id uuid not null references cooperative(id), id uuid not null, network_id uuid not null, ${VIS},
  title text not null check (length(title) between 3 and 200), summary text not null default '' check (length(summary) <= 5000),
  duration_minutes int not null check (duration_minutes between 1 and 100000), version int not null default 1,
  published_at timestamptz, author_user_id uuid references user_account(id),
  created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
create index learning_course_shared on learning_course (visibility, network_id);
create table learning_section (
  ${CONTENT}, position int not null, title text not null check (length(title) between 1 and 200),
  primary key (cooperative_id, id), foreign key (cooperative_id, course_id) references learning_course(cooperative_id, id)
);
create index learning_section_course on learning_section (cooperative_id, course_id, position);
create table learning_lesson (
  ${CONTENT}, section_id uuid not null, position int not null, title text not null check (length(title) between 1 and 200),
  body text not null default '' check (length(body) <= 100000), video_url text check (video_url ~ '^https://'),
  primary key (cooperative_id, id), foreign key (cooperative_id, section_id) references learning_section(cooperative_id, id)
);
create index learning_lesson_course on learning_lesson (cooperative_id, course_id, position);
create table learning_quiz (
  ${CONTENT}, position int not null, title text not null check (length(title) between 1 and 200),
  pass_percent int not null check (pass_percent between 0 and 100), max_attempts int check (max_attempts > 0),
  draw_count int check (draw_count > 0),
  primary key (cooperative_id, id), foreign key (cooperative_id, course_id) references learning_course(cooperative_id, id)
);
create table learning_question (
  ${CONTENT}, quiz_id uuid not null, position int not null,
  kind text not null check (kind in ('single','multiple','true_false','short','numeric')),
  prompt text not null check (length(prompt) between 1 and 5000), choices jsonb not null default '[]',
  accepted text[] not null default '{}', numeric_value double precision, numeric_tolerance double precision,
  feedback text not null default '', points int not null default 1 check (points between 1 and 100),
  primary key (cooperative_id, id), foreign key (cooperative_id, quiz_id) references learning_quiz(cooperative_id, id)
);
create index learning_question_quiz on learning_question (cooperative_id, quiz_id, position);
create table learning_enrolment (
  cooperative_id uuid not null references cooperative(id), course_cooperative_id uuid not null, course_id uuid not null,
  user_id uuid not null references user_account(id), enrolled_at timestamptz not null default now(),
  last_lesson_id uuid, completed_at timestamptz, completed_minutes int,
  primary key (cooperative_id, course_id, user_id)
);
create index learning_enrolment_course on learning_enrolment (course_cooperative_id, course_id);
create table learning_lesson_view (
  cooperative_id uuid not null references cooperative(id), course_cooperative_id uuid not null, course_id uuid not null,
  lesson_id uuid not null, user_id uuid not null references user_account(id), viewed_at timestamptz not null default now(),
  primary key (cooperative_id, lesson_id, user_id)
);
create index learning_lesson_view_course on learning_lesson_view (cooperative_id, course_id, user_id);
create table learning_attempt (
  cooperative_id uuid not null references cooperative(id), id uuid not null, course_cooperative_id uuid not null,
  course_id uuid not null, quiz_id uuid not null, user_id uuid not null references user_account(id),
  seed bigint not null, question_ids uuid[] not null, answers jsonb, score int, max_score int, passed boolean,
  started_at timestamptz not null default now(), submitted_at timestamptz,
  primary key (cooperative_id, id)
);
create index learning_attempt_user on learning_attempt (cooperative_id, quiz_id, user_id);
create index learning_attempt_course on learning_attempt (course_cooperative_id, course_id);
create table learning_certificate (
  cooperative_id uuid not null references cooperative(id), id uuid not null, code text not null,
  course_cooperative_id uuid not null, course_id uuid not null, user_id uuid not null references user_account(id),
  learner_name text not null, course_title text not null, duration_minutes int not null,
  issued_at timestamptz not null default now(), revoked_at timestamptz, revoked_reason text,
  primary key (cooperative_id, id), unique (cooperative_id, code), unique (cooperative_id, course_id, user_id)
);
create index learning_certificate_code on learning_certificate (code);
create table learning_course_session (
  cooperative_id uuid not null references cooperative(id), course_id uuid not null, session_id uuid not null,
  created_at timestamptz not null default now(), primary key (cooperative_id, course_id, session_id),
  foreign key (cooperative_id, course_id) references learning_course(cooperative_id, id)
);
${tenantPolicySql('learning_course')}
${sharedReadPolicy('learning_course')}
${tenantPolicySql('learning_section')}
${sharedReadPolicy('learning_section')}
${tenantPolicySql('learning_lesson')}
${sharedReadPolicy('learning_lesson')}
${tenantPolicySql('learning_quiz')}
${sharedReadPolicy('learning_quiz')}
${tenantPolicySql('learning_question')}
${sharedReadPolicy('learning_question')}
${tenantPolicySql('learning_enrolment')}
${ownerReadPolicy('learning_enrolment')}
${tenantPolicySql('learning_lesson_view')}
${ownerReadPolicy('learning_lesson_view')}
${tenantPolicySql('learning_attempt')}
${ownerReadPolicy('learning_attempt')}
${tenantPolicySql('learning_certificate')}
${ownerReadPolicy('learning_certificate')}
${tenantPolicySql('learning_course_session')}
`,
  },
  {
    // Cohorts: a group of the cooperative enrolled together in a course, with a due date that the
    // learners' inbox (and so the digest) recalls.
    name: '2026_12_06_2101_learning_cohorts',
    sql: `
create table learning_cohort (
  cooperative_id uuid not null references cooperative(id), id uuid not null, course_cooperative_id uuid not null,
  course_id uuid not null, name text not null check (length(name) between 2 and 200), due_on date,
  created_by uuid references user_account(id), created_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
alter table learning_enrolment add column cohort_id uuid, add column due_on date;
create index learning_enrolment_due on learning_enrolment (cooperative_id, user_id, due_on) where completed_at is null;
${tenantPolicySql('learning_cohort')}
`,
  },
  {
    // Downloadable files of a lesson: the bytes in the core file store (encrypted, typed by content,
    // size-limited) of the course's cooperative; this row, carrying the course's visibility like the
    // rest of the content, says which lesson offers them, so other cooperatives' learners see the list.
    name: '2026_12_08_0400_learning_lesson_files',
    sql: `
create table learning_lesson_file (
  ${CONTENT}, lesson_id uuid not null, file_id uuid not null,
  name text not null check (length(name) between 1 and 200), mime_type text not null, size int not null,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, id), foreign key (cooperative_id, lesson_id) references learning_lesson(cooperative_id, id),
  foreign key (cooperative_id, file_id) references stored_file(cooperative_id, id)
);
create index learning_lesson_file_lesson on learning_lesson_file (cooperative_id, lesson_id);
${tenantPolicySql('learning_lesson_file')}
${sharedReadPolicy('learning_lesson_file')}
`,
  },
  {
    // Completion rule "session attended": a course of the cooperative may ask its learners to attend
    // one of the journeys sessions (workshops, virtual classes) linked to it in learning_course_session.
    name: '2026_12_08_0401_learning_session_rule',
    sql: `
alter table learning_course add column require_session boolean not null default false;
alter table learning_course add constraint learning_course_session_rule check (not require_session or visibility = 'cooperative');
`,
  },
  {
    // Reports: the funding source of a course, and the end-of-course satisfaction question (1 to 5
    // and a comment), a row of the learner's cooperative that the course's owner may read.
    name: '2026_12_08_0402_learning_reports',
    sql: `
alter table learning_course add column funding_source text not null default '' check (length(funding_source) <= 100);
create table learning_satisfaction (
  cooperative_id uuid not null references cooperative(id), course_cooperative_id uuid not null, course_id uuid not null,
  user_id uuid not null references user_account(id), score int not null check (score between 1 and 5),
  comment text not null default '' check (length(comment) <= 2000), answered_at timestamptz not null default now(),
  primary key (cooperative_id, course_id, user_id)
);
create index learning_satisfaction_course on learning_satisfaction (course_cooperative_id, course_id);
${tenantPolicySql('learning_satisfaction')}
${ownerReadPolicy('learning_satisfaction')}
`,
  },
  {
    // Public MOOC sign-up without any cooperative account: the request waits for the e-mail to be
    // confirmed (rows of the course's cooperative; no password kept: it is chosen on confirmation).
    // Public pages' rate limits count hits per hashed address (not a cooperative's data).
    name: '2026_12_10_0500_learning_mooc_signup',
    sql: `
create table learning_mooc_signup (
  cooperative_id uuid not null references cooperative(id), id uuid not null, course_id uuid not null,
  email text not null check (length(email) <= 200), display_name text not null check (length(display_name) between 2 and 120),
  token_hash text not null, created_at timestamptz not null default now(), confirmed_at timestamptz,
  user_id uuid references user_account(id),
  primary key (cooperative_id, id), foreign key (cooperative_id, course_id) references learning_course(cooperative_id, id)
);
${tenantPolicySql('learning_mooc_signup')}
create table learning_public_hit (
  action text not null check (action in ('mooc_signup','certificate_verify')), ip_hash text not null,
  at timestamptz not null default now()
);
create index learning_public_hit_ip on learning_public_hit (action, ip_hash, at);
`,
  },
  {
    // The course's owner revokes a certificate of its course held by a learner of another
    // cooperative (the row stays the learner's cooperative's; only rows of the owner's courses).
    name: '2026_12_10_0501_learning_certificate_owner_revoke',
    sql: `
create policy learning_certificate_owner_revoke on learning_certificate for update
  using (course_cooperative_id = nullif(current_setting('app.cooperative_id', true), '')::uuid)
  with check (course_cooperative_id = nullif(current_setting('app.cooperative_id', true), '')::uuid);
`,
  },
];
