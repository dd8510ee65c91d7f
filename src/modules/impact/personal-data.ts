// The impact module's personal data: only the send lists of survey waves name people (a member
// or an e-mail address asked to answer). They go on erasure; answers never name anyone, so
// nothing else here is about a person.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

export const impactPersonalData: PersonalDataRules = {
  module: 'impact',
  retention: [],
  rules: [
    {
      table: 'impact_survey_recipient',
      label: 'invitations aux enquêtes anonymes (sans les réponses)',
      match: (p) => sql`(user_id = ${p.userId} or lower(email) = lower(${p.email}))`,
      erase: { kind: 'delete' },
    },
  ],
};
