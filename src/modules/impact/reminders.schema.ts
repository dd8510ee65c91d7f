// The send list of a wave, kept apart from the answers. A recipient is a member with an account
// (reminded through the digest) or an e-mail address (reminded by e-mail with a fresh personal
// link). It holds the hash of the person's current link, so the reminder job knows whether that
// link was used; the answer row holds no link, so nothing joins a person to what they answered.
// It keeps no time of answer either: only how many reminders were sent and the day of the last.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface ReminderTables {
  impact_survey_recipient: {
    cooperative_id: string;
    id: string;
    survey_id: string;
    user_id: string | null;
    email: string | null;
    token_hash: string;
    reminders: Generated<number>;
    last_sent_on: string;
    opted_out: Generated<boolean>;
  };
}
/** Column the migration adds to `impact_survey` (merged into its type in schema.ts). */
export interface ReminderWaveColumns {
  max_reminders: Generated<number>;
}

export const reminderMigrations: SqlMigration[] = [
  {
    name: '2026_12_08_0710_impact_survey_recipients',
    sql: `
alter table impact_survey add column max_reminders int not null default 2 check (max_reminders between 0 and 5);
create table impact_survey_recipient (
  cooperative_id uuid not null, id uuid not null, survey_id uuid not null,
  user_id uuid references user_account(id), email text, token_hash text not null,
  reminders int not null default 0, last_sent_on date not null, opted_out boolean not null default false,
  primary key (cooperative_id, id),
  foreign key (cooperative_id, survey_id) references impact_survey(cooperative_id, id),
  check ((user_id is null) <> (email is null))
);
create index impact_survey_recipient_survey on impact_survey_recipient (cooperative_id, survey_id);
create unique index impact_survey_recipient_token on impact_survey_recipient (cooperative_id, token_hash);
${tenantPolicySql('impact_survey_recipient')}
`,
  },
];
