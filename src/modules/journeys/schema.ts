// Accompaniment: journeys (stages and their history), documents per stage, info meetings,
// appointments with notes and action items, support free slots, workshops, calendar feeds.
import type { ColumnType, Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface JourneysTables {
  journey: {
    cooperative_id: string;
    id: string;
    user_id: string | null;
    display_name: string;
    email: string | null;
    phone: string | null;
    support_user_id: string | null;
    stage: string;
    stage_since: string;
    cape_start: string | null;
    cape_end: string | null;
    cape_renewals: Generated<number>;
    exit_reason: string | null;
    created_at: Generated<Date>;
  };
  journey_transition: {
    cooperative_id: string;
    id: string;
    journey_id: string;
    from_stage: string | null;
    to_stage: string;
    effective_on: string;
    author_user_id: string | null;
    author_label: string;
    comment: string | null;
    exit_reason: string | null;
    /** Written as JSON text (both drivers store it as jsonb), read back as an object. */
    data: ColumnType<Record<string, unknown>, string | undefined, string>;
    created_at: Generated<Date>;
  };
  journey_stage_config: { cooperative_id: string; stage: string; label: string; required_documents: string[] };
  journey_document: {
    cooperative_id: string;
    id: string;
    journey_id: string;
    stage: string;
    kind: string;
    file_id: string;
    file_name: string;
    expires_on: string | null;
    visibility: 'person' | 'staff';
    uploaded_by: string | null;
    created_at: Generated<Date>;
  };
  info_meeting: {
    cooperative_id: string;
    id: string;
    starts_at: Date;
    ends_at: Date;
    place: string;
    capacity: number;
    created_at: Generated<Date>;
  };
  info_meeting_registration: {
    cooperative_id: string;
    id: string;
    meeting_id: string;
    display_name: string;
    email: string;
    phone: string | null;
    attended: boolean | null;
    journey_id: string | null;
    created_at: Generated<Date>;
  };
  appointment: {
    cooperative_id: string;
    id: string;
    journey_id: string;
    support_user_id: string;
    starts_at: Date;
    ends_at: Date;
    place: string | null;
    video_url: string | null;
    subject: string;
    status: Generated<'planned' | 'done' | 'cancelled'>;
    booked_by: string | null;
    created_at: Generated<Date>;
  };
  appointment_note: {
    cooperative_id: string;
    id: string;
    appointment_id: string;
    body: string;
    internal: boolean;
    author_user_id: string | null;
    author_label: string;
    created_at: Generated<Date>;
  };
  appointment_action: {
    cooperative_id: string;
    id: string;
    appointment_id: string;
    label: string;
    owner: 'person' | 'support';
    due_on: string | null;
    done_at: Date | null;
    created_at: Generated<Date>;
  };
  support_slot: {
    cooperative_id: string;
    id: string;
    support_user_id: string;
    starts_at: Date;
    ends_at: Date;
    place: string | null;
    video_url: string | null;
    appointment_id: string | null;
    created_at: Generated<Date>;
  };
  calendar_feed: { cooperative_id: string; user_id: string; token_hash: string; created_at: Generated<Date> };
  workshop_theme: {
    cooperative_id: string;
    id: string;
    name: string;
    description: string | null;
    created_at: Generated<Date>;
  };
  workshop_session: {
    cooperative_id: string;
    id: string;
    theme_id: string;
    starts_at: Date;
    ends_at: Date;
    place: string;
    capacity: number;
    attendance_recorded_at: Date | null;
    created_at: Generated<Date>;
  };
  workshop_registration: {
    cooperative_id: string;
    session_id: string;
    user_id: string;
    status: 'registered' | 'waiting' | 'cancelled';
    registered_at: Date;
    attended: boolean | null;
    /** Came without registering, added at the attendance: not one of the places booked. */
    walk_in: Generated<boolean>;
  };
  workshop_feedback_given: { cooperative_id: string; session_id: string; user_id: string; created_at: Generated<Date> };
  workshop_feedback: {
    cooperative_id: string;
    id: string;
    session_id: string;
    satisfaction: number;
    usefulness: number;
    comment: string | null;
    created_at: Generated<Date>;
  };
}

export const journeysMigrations: SqlMigration[] = [
  {
    name: '2026_11_26_1300_journeys',
    sql: `
create table journey (
  cooperative_id uuid not null references cooperative(id), id uuid not null, user_id uuid references user_account(id),
  display_name text not null, email text, phone text, support_user_id uuid references user_account(id),
  stage text not null check (stage in ('contact','info_meeting','diagnostic','cape','cesa','associate','exit')),
  stage_since date not null, cape_start date, cape_end date, cape_renewals int not null default 0,
  exit_reason text check (exit_reason in ('own_company','salaried_job','training','stop','other')),
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create unique index journey_user on journey (cooperative_id, user_id) where user_id is not null;
create index journey_support on journey (cooperative_id, support_user_id);
create table journey_transition (
  cooperative_id uuid not null, id uuid not null, journey_id uuid not null, from_stage text, to_stage text not null,
  effective_on date not null, author_user_id uuid, author_label text not null, comment text, exit_reason text,
  data jsonb not null default '{}', created_at timestamptz not null default now(),
  primary key (cooperative_id, id), foreign key (cooperative_id, journey_id) references journey(cooperative_id, id)
);
create index journey_transition_journey on journey_transition (cooperative_id, journey_id, effective_on);
create table journey_stage_config (
  cooperative_id uuid not null references cooperative(id), stage text not null, label text not null,
  required_documents text[] not null default '{}', primary key (cooperative_id, stage)
);
create table journey_document (
  cooperative_id uuid not null, id uuid not null, journey_id uuid not null, stage text not null, kind text not null,
  file_id uuid not null, file_name text not null, expires_on date, visibility text not null check (visibility in ('person','staff')),
  uploaded_by uuid, created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, journey_id) references journey(cooperative_id, id),
  foreign key (cooperative_id, file_id) references stored_file(cooperative_id, id)
);
create index journey_document_journey on journey_document (cooperative_id, journey_id);
create table info_meeting (
  cooperative_id uuid not null references cooperative(id), id uuid not null, starts_at timestamptz not null,
  ends_at timestamptz not null, place text not null, capacity int not null check (capacity > 0),
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create table info_meeting_registration (
  cooperative_id uuid not null, id uuid not null, meeting_id uuid not null, display_name text not null, email text not null,
  phone text, attended boolean, journey_id uuid, created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, meeting_id) references info_meeting(cooperative_id, id),
  foreign key (cooperative_id, journey_id) references journey(cooperative_id, id)
);
create unique index info_meeting_registration_email on info_meeting_registration (cooperative_id, meeting_id, lower(email));
create table appointment (
  cooperative_id uuid not null, id uuid not null, journey_id uuid not null, support_user_id uuid not null references user_account(id),
  starts_at timestamptz not null, ends_at timestamptz not null, place text, video_url text, subject text not null,
  status text not null default 'planned' check (status in ('planned','done','cancelled')), booked_by uuid,
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, journey_id) references journey(cooperative_id, id), check (ends_at > starts_at)
);
create index appointment_journey on appointment (cooperative_id, journey_id, starts_at);
create index appointment_support on appointment (cooperative_id, support_user_id, starts_at);
create table appointment_note (
  cooperative_id uuid not null, id uuid not null, appointment_id uuid not null, body text not null, internal boolean not null,
  author_user_id uuid, author_label text not null, created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, appointment_id) references appointment(cooperative_id, id)
);
create table appointment_action (
  cooperative_id uuid not null, id uuid not null, appointment_id uuid not null, label text not null,
  owner text not null check (owner in ('person','support')), due_on date, done_at timestamptz,
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, appointment_id) references appointment(cooperative_id, id)
);
create table support_slot (
  cooperative_id uuid not null, id uuid not null, support_user_id uuid not null references user_account(id),
  starts_at timestamptz not null, ends_at timestamptz not null, place text, video_url text, appointment_id uuid,
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, appointment_id) references appointment(cooperative_id, id), check (ends_at > starts_at)
);
create table calendar_feed (
  cooperative_id uuid not null references cooperative(id), user_id uuid not null references user_account(id),
  token_hash text not null unique, created_at timestamptz not null default now(), primary key (cooperative_id, user_id)
);
create table workshop_theme (
  cooperative_id uuid not null references cooperative(id), id uuid not null, name text not null, description text,
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create table workshop_session (
  cooperative_id uuid not null, id uuid not null, theme_id uuid not null, starts_at timestamptz not null, ends_at timestamptz not null,
  place text not null, capacity int not null check (capacity > 0), attendance_recorded_at timestamptz,
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, theme_id) references workshop_theme(cooperative_id, id), check (ends_at > starts_at)
);
create table workshop_registration (
  cooperative_id uuid not null, session_id uuid not null, user_id uuid not null references user_account(id),
  status text not null check (status in ('registered','waiting','cancelled')), registered_at timestamptz not null,
  attended boolean, primary key (cooperative_id, session_id, user_id),
  foreign key (cooperative_id, session_id) references workshop_session(cooperative_id, id)
);
${tenantPolicySql('journey')}
${tenantPolicySql('journey_transition')}
${tenantPolicySql('journey_stage_config')}
${tenantPolicySql('journey_document')}
${tenantPolicySql('info_meeting')}
${tenantPolicySql('info_meeting_registration')}
${tenantPolicySql('appointment')}
${tenantPolicySql('appointment_note')}
${tenantPolicySql('appointment_action')}
${tenantPolicySql('support_slot')}
${tenantPolicySql('calendar_feed')}
${tenantPolicySql('workshop_theme')}
${tenantPolicySql('workshop_session')}
${tenantPolicySql('workshop_registration')}
`,
  },
  {
    // Feedback after a workshop: who answered (one answer per attendee) is kept apart from the
    // answers, which carry no person: the aggregate is anonymous by construction.
    name: '2026_11_26_1500_journeys_feedback',
    sql: `
create table workshop_feedback_given (
  cooperative_id uuid not null, session_id uuid not null, user_id uuid not null references user_account(id),
  created_at timestamptz not null default now(), primary key (cooperative_id, session_id, user_id),
  foreign key (cooperative_id, session_id) references workshop_session(cooperative_id, id)
);
create table workshop_feedback (
  cooperative_id uuid not null, id uuid not null, session_id uuid not null,
  satisfaction int not null check (satisfaction between 1 and 5), usefulness int not null check (usefulness between 1 and 5), comment text,
  created_at date not null default current_date, primary key (cooperative_id, id),
  foreign key (cooperative_id, session_id) references workshop_session(cooperative_id, id)
);
create index workshop_feedback_session on workshop_feedback (cooperative_id, session_id);
${tenantPolicySql('workshop_feedback_given')}
${tenantPolicySql('workshop_feedback')}
`,
  },
  {
    // Keys lead with cooperative_id (distribution by cooperative); the public link finds its row by the token alone.
    name: '2026_12_06_1600_journeys_feed_token_key',
    sql: `
alter table calendar_feed drop constraint calendar_feed_token_hash_key;
create unique index calendar_feed_token on calendar_feed (cooperative_id, token_hash);
create index calendar_feed_token_lookup on calendar_feed (token_hash);
`,
  },
  {
    // "3/2 inscrit·es": a person who came without registering is present but took no place.
    name: '2026_12_07_1300_journeys_walk_in',
    sql: `alter table workshop_registration add column walk_in boolean not null default false;`,
  },
];
