// The simplification layer: the to-do inbox (providers registered by each module), automatic
// checks with exceptions-only validation, notifications collected into a digest.
export { inboxMigrations, type InboxTables, type DigestFrequency } from './schema.ts';
export {
  registerInboxProvider,
  computeInbox,
  snoozeItem,
  sortItems,
  type InboxItem,
  type InboxProvider,
  type Urgency,
  type InboxAction,
} from './inbox.service.ts';
export {
  registerCheck,
  registerValidationSource,
  validationSources,
  runChecks,
  runChecksMany,
  findingsOf,
  batchedCheck,
  checksFor,
  thresholdsOf,
  median,
  DEFAULT_THRESHOLDS,
  type Check,
  type CheckContext,
  type Finding,
  type CheckSeverity,
  type CheckThresholds,
  type DocumentType,
  type PendingDocument,
  type ValidationSource,
} from './checks.ts';
export {
  validationQueue,
  validateDocumentBatch,
  type ValidationQueue,
  type DocSection,
  type DocEntry,
} from './validation.ts';
export { notify, getPreference, setPreference, FREQUENCY_LABELS } from './digest.ts';
export { sendDigests, unsubscribe } from './digest-run.ts';
export {
  registerDeadlineSource,
  deadlines,
  EXPENSE_CUTOFF_DAY,
  type Deadline,
  type DeadlineSource,
} from './calendar.ts';
export { inboxPersonalData } from './personal-data.ts';
