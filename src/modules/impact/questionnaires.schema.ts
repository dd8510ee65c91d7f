// Questionnaires and richer waves. A questionnaire is kept as versions (JSON definitions); a
// version is frozen once a wave used it, and editing then writes the next version. A wave
// (`impact_survey`) keeps a copy of the definition it was opened with, its kind and dates, and,
// for a network wave, the campaign shared by the waves of every cooperative. An answer keeps
// the wave, the day and the answers (JSON): still no link, no person, no time of day.
import type { ColumnType, Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';
import type { Answers, QuestionnaireDef } from './kit/questionnaire.ts';

type Json<T> = ColumnType<T, string, string>;
export const WAVE_KINDS = ['entry', 'yearly', 'after_exit', 'ad_hoc'] as const;
export type WaveKind = (typeof WAVE_KINDS)[number];

export interface QuestionnaireTables {
  impact_questionnaire: {
    cooperative_id: string;
    id: string;
    title: string;
    created_by: string | null;
    created_at: Generated<Date>;
    archived: Generated<boolean>;
  };
  impact_questionnaire_version: {
    cooperative_id: string;
    questionnaire_id: string;
    version: number;
    definition: Json<QuestionnaireDef>;
    used: Generated<boolean>;
    created_at: Generated<Date>;
  };
}

/** Columns the migration adds to the WHO-5 era tables (merged into their types in schema.ts). */
export interface WaveColumns {
  questionnaire_id: string | null;
  questionnaire_version: Generated<number>;
  definition: Json<QuestionnaireDef> | null;
  kind: Generated<WaveKind>;
  opens_on: string | null;
  closes_on: string | null;
  campaign_id: string | null;
}
export interface AnswerColumns {
  answers: Json<Answers> | null;
}

export const questionnaireMigrations: SqlMigration[] = [
  {
    name: '2026_12_07_0400_impact_questionnaires',
    sql: `
create table impact_questionnaire (
  cooperative_id uuid not null references cooperative(id), id uuid not null, title text not null,
  created_by uuid references user_account(id), created_at timestamptz not null default now(),
  archived boolean not null default false, primary key (cooperative_id, id)
);
create table impact_questionnaire_version (
  cooperative_id uuid not null, questionnaire_id uuid not null, version int not null check (version >= 1),
  definition jsonb not null, used boolean not null default false, created_at timestamptz not null default now(),
  primary key (cooperative_id, questionnaire_id, version),
  foreign key (cooperative_id, questionnaire_id) references impact_questionnaire(cooperative_id, id)
);
${tenantPolicySql('impact_questionnaire')}
${tenantPolicySql('impact_questionnaire_version')}
alter table impact_survey drop constraint impact_survey_questionnaire_check;
alter table impact_survey add constraint impact_survey_questionnaire_check
  check (questionnaire in ('who5', 'qvt_entrepreneurs', 'qvt_support', 'custom'));
alter table impact_survey add column questionnaire_id uuid;
alter table impact_survey add column questionnaire_version int not null default 1;
alter table impact_survey add column definition jsonb;
alter table impact_survey add column kind text not null default 'ad_hoc'
  check (kind in ('entry', 'yearly', 'after_exit', 'ad_hoc'));
alter table impact_survey add column opens_on date;
alter table impact_survey add column closes_on date;
alter table impact_survey add column campaign_id uuid;
alter table impact_survey add constraint impact_survey_questionnaire_fk foreign key (cooperative_id, questionnaire_id, questionnaire_version)
  references impact_questionnaire_version(cooperative_id, questionnaire_id, version);
create index impact_survey_campaign on impact_survey (campaign_id) where campaign_id is not null;
alter table impact_survey_answer alter column items drop not null;
alter table impact_survey_answer alter column score drop not null;
alter table impact_survey_answer add column answers jsonb;
`,
  },
];
