// Marketplace (public profiles and offers, search, quote requests, reviews): what other modules
// may use. Each entrepreneur-side service authorizes its actor (permissions.ts).
export { marketMigrations, type MarketTables } from './schema.ts';
export { MARKET } from './permissions.ts';
export { CATEGORIES, type Category } from './categories.ts';
export { saveProfile, saveOffer, getProfile, listOffers, myMarketActivities } from './profile.service.ts';
export { searchOffers, type SearchHit, type SearchQuery } from './search.service.ts';
export { MIN_FILL_MS } from './requests.service.ts';
export { marketPersonalData } from './personal-data.ts';
export { withPublic } from './public-tx.ts';
export {
  createJointQuote,
  getJointOffer,
  cooperationCounts,
  cooperatingActivities,
  type JointOffer,
} from './joint.service.ts';
export {
  postNeed,
  listNeeds,
  getNeed,
  answerNeed,
  acceptAnswer,
  acceptWork,
  closeNeed,
  type Need,
  type NeedAnswer,
  type InternalInvoice,
} from './internal.service.ts';
