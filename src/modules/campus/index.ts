// Campus (questions and answers between peers, in a cooperative or across the network): what
// other modules may use. Each service authorizes its actor (permissions.ts).
export { campusMigrations, type CampusTables } from './schema.ts';
export { CAMPUS } from './permissions.ts';
export { askQuestion, answerQuestion, acceptAnswer, toggleVote, getQuestion, setHidden } from './questions.service.ts';
export { similarQuestions, searchQuestions } from './search.service.ts';
export { importQuestions } from './import.service.ts';
export { renderMarkdown } from './markdown.ts';
export { CAMPUS_KB } from './knowledge-permissions.ts';
export { knowledgeMigrations, type KnowledgeTables } from './knowledge-schema.ts';
export {
  setExpertise,
  designateResourcePerson,
  toggleEndorsement,
  findHelpers,
  getExpertProfile,
} from './experts.service.ts';
export { createArticle, promoteArticle, articleFromAnswer, searchArticles, promotedSince } from './articles.service.ts';
export { proposeIdea, listIdeas, setIdeaStatus } from './ideas.service.ts';
export { postQuestion, postAnswer, editAnswer, updateQuestion } from './qa.service.ts';
export { addComment, listComments } from './comments.service.ts';
export { handleOf, setFollowing } from './follow.service.ts';
export { reportPost, moderatePost, reviewQueue, REPORTS_TO_HIDE } from './moderation.service.ts';
export { attachFile, openAttachment } from './attachments.service.ts';
export { CATEGORIES } from './categories.ts';
export { campusPersonalData, ERASED_AUTHOR } from './personal-data.ts';
export { NEAR_DUPLICATES } from './near-duplicates.ts';
