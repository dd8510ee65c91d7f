// Test helpers of the impact module: a cooperative's own survey objects, made through the services.
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { todayParis } from '../../core/dates.ts';
import { addQuestion, createQuestionnaire, EMPTY_QUESTION_FORM } from './questionnaires.service.ts';
import { createSurvey } from './surveys.service.ts';
import { shareReport } from './funder.service.ts';

/** A questionnaire of the cooperative with one question (`q1`), a wave that uses it sent to the
 *  members (links and invitations), and a funder the cooperative's report is shared with. */
export async function ownSurveyObjects(odb: OpenDb, director: Actor) {
  return withTenant(odb.db, director.cooperativeId, async (tx) => {
    const questionnaire = await createQuestionnaire(tx, director, {
      title: 'Climat de travail',
      intro: 'Quelques questions sur la vie de la coopérative.',
    });
    await addQuestion(tx, director, questionnaire, {
      ...EMPTY_QUESTION_FORM,
      label: 'Vous sentez-vous écouté·e ?',
      options: 'Oui\nNon',
    });
    const wave = await createSurvey(tx, director, {
      title: 'Vague d’hiver',
      links: 2,
      questionnaire,
      audience: 'members',
    });
    const funder = await shareReport(tx, director, {
      name: 'Fondation des communs',
      email: 'fondation@example.org',
      scope: 'cooperative',
      year: Number(todayParis().slice(0, 4)),
      kind: 'impact',
    });
    return { questionnaire, question: 'q1', survey: wave.id, surveyTokens: wave.tokens, funder: funder.funderId };
  });
}
