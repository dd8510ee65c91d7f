// The campus's personal data (GDPR, art. 15, 17, 20): a person's questions, answers, comments,
// revisions, files, articles, ideas, votes, follows, mentions of them, reports, expertise and
// endorsements. On erasure the content stays for the others (a question answered by peers, an
// article of the knowledge base) but its author is pseudonymised, like a forum does; what only
// says something about the person (votes, follows, mentions, reports, expertise, endorsements) is
// deleted. Rules run in order; the engine adds `cooperative_id = …` (the person's cooperative),
// except for the `global` rules, which reach rows stored in other cooperatives about them.
import { type RawBuilder, sql } from 'kysely';
import type { PersonalDataRule, PersonalDataRules, PersonRef } from '../../core/personal-data.ts';

/** What an erased author's posts show instead of their name. */
export const ERASED_AUTHOR = 'Personne effacée';

const remove = (table: string, label: string, column = 'user_id'): PersonalDataRule => ({
  table,
  label,
  match: (p: PersonRef) => sql`${sql.ref(column)} = ${p.userId}`,
  erase: { kind: 'delete' },
});

const pseudonymise = (
  table: string,
  label: string,
  user = 'author_user_id',
  name: string | null = 'author_label',
): PersonalDataRule => ({
  table,
  label,
  match: (p: PersonRef) => sql`${sql.ref(user)} = ${p.userId}`,
  erase: { kind: 'anonymise', set: { [user]: null, ...(name ? { [name]: ERASED_AUTHOR } : {}) } },
});

/** Posts, in any cooperative, whose text mentions the person (found by the mentions recorded when
 *  they were posted, so before those are deleted): the `@prenom.nom` typed becomes the erased
 *  name. The handle is read from the account, still there (the account's rules come last). */
const mentionsIn = (table: string, what: string, anchor: RawBuilder<unknown>): PersonalDataRule => ({
  table,
  label: `campus : mentions de la personne dans les ${what} (réécrites)`,
  global: true,
  eraseOnly: true,
  match: (p: PersonRef) => sql`exists (select 1 from campus_mention m where m.anchor = ${anchor}
    and m.mentioned_user_id = ${p.userId} and m.mentioned_cooperative_id = ${p.cooperativeId})`,
  erase: {
    kind: 'anonymise',
    set: (p: PersonRef) => ({
      body: sql`regexp_replace(body, ${sql`'(^|[^[:alnum:]_@.])@' || (select replace(trim(both '.' from
        regexp_replace(search_key(display_name), '[^a-z0-9]+', '.', 'g')), '.', '[^[:alnum:]_@]+')
        from user_account where id = ${p.userId}) || '(?![[:alnum:]_])'`}, ${`\\1${ERASED_AUTHOR}`}, 'gi')`,
    }),
  },
});

/** Rows about the person kept in other cooperatives (they mention or endorse them). */
const aboutThem = (table: string, label: string, userCol: string, coopCol: string): PersonalDataRule => ({
  table,
  label,
  global: true,
  match: (p: PersonRef) => sql`${sql.ref(userCol)} = ${p.userId} and ${sql.ref(coopCol)} = ${p.cooperativeId}`,
  erase: { kind: 'delete' },
});

export const campusPersonalData: PersonalDataRules = {
  module: 'campus',
  rules: [
    remove('campus_vote', 'campus : votes sur les questions et réponses'),
    remove('campus_follow', 'campus : questions suivies'),
    remove('campus_idea_vote', 'campus : votes sur les idées'),
    remove('campus_report', 'campus : signalements faits', 'reporter_user_id'),
    remove('campus_endorsement', 'campus : recommandations données', 'endorser_user_id'),
    aboutThem('campus_endorsement', 'campus : recommandations reçues', 'person_user_id', 'person_cooperative_id'),
    mentionsIn('campus_question', 'questions', sql`'question' and m.question_id = campus_question.id`),
    mentionsIn('campus_answer', 'réponses', sql`'reponse-' || campus_answer.id::text`),
    mentionsIn('campus_comment', 'commentaires', sql`'commentaire-' || campus_comment.id::text`),
    aboutThem('campus_mention', 'campus : mentions de la personne', 'mentioned_user_id', 'mentioned_cooperative_id'),
    remove('campus_expertise', 'campus : domaines d’expertise'),
    remove('campus_resource_person', 'campus : désignation comme personne ressource'),
    pseudonymise('campus_comment', 'campus : commentaires (gardés, auteur effacé)'),
    pseudonymise('campus_answer', 'campus : réponses (gardées, auteur effacé)'),
    pseudonymise('campus_question', 'campus : questions (gardées, auteur effacé)'),
    pseudonymise(
      'campus_revision',
      'campus : versions précédentes de ses messages (gardées, auteur effacé)',
      'author_user_id',
      null,
    ),
    {
      ...pseudonymise('campus_attachment', 'campus : fichiers joints (gardés, auteur effacé)', 'created_by', null),
      fileColumn: 'file_id',
    },
    pseudonymise(
      'campus_article_version',
      'campus : versions d’articles (gardées, auteur effacé)',
      'editor_user_id',
      'editor_label',
    ),
    pseudonymise('campus_article', 'campus : articles (gardés, auteur effacé)'),
    pseudonymise('campus_idea_comment', 'campus : commentaires d’idées (gardés, auteur effacé)'),
    pseudonymise('campus_idea', 'campus : idées (gardées, auteur effacé)'),
  ],
};
