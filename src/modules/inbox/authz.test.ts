// Every action of the inbox tried by every role, through the real services: refused exactly to
// the roles the matrix leaves out. The inbox's own actions are each person's own (no other
// person can be named), so no case has an `own` scope to try on a stranger.
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives } from '../../app/testing.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { INBOX } from './permissions.ts';
import { computeInbox, snoozeItem } from './inbox.service.ts';
import {
  validationQueue,
  validateBatch,
  validateException,
  validateDocumentBatch,
  validateDocumentException,
  checkThresholds,
  saveThresholds,
} from './validation.ts';
import { setPreference } from './digest.ts';
import { setBeginnerMode } from './beginner.ts';
import { deadlines } from './calendar.ts';

let odb: OpenDb | null = null;
after(async () => {
  await odb?.close();
});

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  return { odb, cooperativeId: a.coop.id, actor: (role) => a.actor(role), stranger: (role) => a.actor(role) };
}

const today = () => todayParis();

authzSuite('inbox', world, (): AuthzCase[] => [
  { permission: INBOX.todoRead, run: (trx, actor) => computeInbox(trx, actor, today()) },
  {
    permission: INBOX.todoSnooze,
    run: (trx, actor) => snoozeItem(trx, actor, 'test.item:1', addDays(today(), 7), today()),
  },
  { permission: INBOX.validationQueue, run: (trx, actor) => validationQueue(trx, actor) },
  // No invoice to validate: the batch stops at the authorization or at its empty list, and never
  // opens a transaction of its own inside the test's.
  { permission: INBOX.validationBatch, run: (trx, actor) => validateBatch(trx, actor, []) },
  {
    permission: INBOX.validationException,
    run: (trx, actor) => validateException(trx, actor, uuidv7(), 'Le client a confirmé la commande.'),
  },
  // Expense reports: the source every validator may validate (loaded with the modules).
  { permission: INBOX.validationBatch, run: (trx, actor) => validateDocumentBatch(trx, actor, 'expense', []) },
  {
    permission: INBOX.validationException,
    run: (trx, actor) =>
      validateDocumentException(trx, actor, 'expense', uuidv7(), 'Le ticket original est au bureau.'),
  },
  { permission: INBOX.thresholdsRead, run: (trx, actor) => checkThresholds(trx, actor) },
  {
    permission: INBOX.thresholdsSave,
    run: (trx, actor) =>
      saveThresholds(trx, actor, { outlierFactor: '10', outlierMinHistory: '3', duplicateDays: '7' }),
  },
  { permission: INBOX.digestPreference, run: (trx, actor) => setPreference(trx, actor, 'daily') },
  { permission: INBOX.beginnerMode, run: (trx, actor) => setBeginnerMode(trx, actor, false) },
  { permission: INBOX.deadlinesRead, run: (trx, actor) => deadlines(trx, actor, today(), addDays(today(), 30)) },
]);
