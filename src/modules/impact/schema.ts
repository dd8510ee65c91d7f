// Surveys (WHO-5 for now): a survey is a wave; each anonymous link is a random secret whose hash
// alone is kept, usable once and tied to no one; answers carry the survey and the day, never a
// link or a person. Response rate = answers ÷ links.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';
import {
  type AnswerColumns,
  type QuestionnaireTables,
  questionnaireMigrations,
  type WaveColumns,
} from './questionnaires.schema.ts';
import type { ReminderTables, ReminderWaveColumns } from './reminders.schema.ts';
import type { NetworkWaveColumns } from './network-waves.schema.ts';

export interface ImpactTables extends QuestionnaireTables, ReminderTables {
  impact_survey: WaveColumns &
    ReminderWaveColumns &
    NetworkWaveColumns & {
      cooperative_id: string;
      id: string;
      title: string;
      questionnaire: 'who5' | 'qvt_entrepreneurs' | 'qvt_support' | 'custom';
      created_by: string | null;
      created_at: Generated<Date>;
    };
  impact_survey_link: {
    cooperative_id: string;
    survey_id: string;
    token_hash: string;
    used: Generated<boolean>;
  };
  impact_survey_answer: AnswerColumns & {
    cooperative_id: string;
    id: string;
    survey_id: string;
    /** WHO-5 era rows; newer rows keep everything in `answers`. */
    items: number[] | null;
    /** WHO-5 score (0–100) when the questionnaire scores it and is not the support staff's. */
    score: number | null;
    answered_on: Generated<string>;
  };
}

export const impactMigrations: SqlMigration[] = [
  {
    name: '2026_12_06_1700_impact_surveys',
    sql: `
create table impact_survey (
  cooperative_id uuid not null references cooperative(id), id uuid not null, title text not null,
  questionnaire text not null check (questionnaire in ('who5')), created_by uuid references user_account(id),
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create table impact_survey_link (
  cooperative_id uuid not null, survey_id uuid not null, token_hash text not null, used boolean not null default false,
  primary key (cooperative_id, token_hash),
  foreign key (cooperative_id, survey_id) references impact_survey(cooperative_id, id)
);
create table impact_survey_answer (
  cooperative_id uuid not null, id uuid not null, survey_id uuid not null,
  items int[] not null check (array_length(items, 1) = 5), score int not null check (score between 0 and 100),
  answered_on date not null default current_date, primary key (cooperative_id, id),
  foreign key (cooperative_id, survey_id) references impact_survey(cooperative_id, id)
);
create index impact_survey_answer_survey on impact_survey_answer (cooperative_id, survey_id);
${tenantPolicySql('impact_survey')}
${tenantPolicySql('impact_survey_link')}
${tenantPolicySql('impact_survey_answer')}
`,
  },
  ...questionnaireMigrations,
];
