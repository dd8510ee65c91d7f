// The learning module's personal data (rows of the learner's cooperative): lessons read and quiz
// attempts go; enrolments stay (training hours declared to funders); certificates stay, without
// the name (their code may have been given to a third party, who then sees "Personne effacée");
// end-of-course satisfaction answers are exported, and on erasure lose their comment (free text
// that may name people) while the score stays in the course's anonymous mean.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

export const learningPersonalData: PersonalDataRules = {
  module: 'learning',
  retention: [],
  rules: [
    {
      table: 'learning_lesson_view',
      label: 'leçons lues',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
    },
    {
      table: 'learning_attempt',
      label: 'tentatives aux quiz et réponses',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
    },
    {
      table: 'learning_enrolment',
      label: 'inscriptions aux formations en ligne et achèvements',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: {
        kind: 'keep',
        reason:
          'heures de formation déclarées aux financeurs (bilan pédagogique et financier, art. L6352-11 du Code du travail) ; le compte est anonymisé',
      },
    },
    {
      table: 'learning_satisfaction',
      label: 'avis de fin de formation (note et commentaire)',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'anonymise', set: { comment: '' } },
    },
    {
      table: 'learning_certificate',
      label: 'attestations de formation',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'anonymise', set: { learner_name: 'Personne effacée' } },
    },
  ],
};
