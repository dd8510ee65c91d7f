// An organisation without the ERP (a tiers-lieu, a collective): the validation queue and the
// calendar hear nothing from the ERP modules (sales, purchases, ledger), whatever the roles, as
// the inbox and the home page already do; a CAE keeps them all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { type Actor, ForbiddenError, ROLES } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { TenantTx } from './db.ts';
import { deadlines } from './index.ts';
import { calendarByToken, renewCalendarToken } from './calendar.ts';
import { validateDocumentException, validationQueue } from './validation.ts';

let odb: OpenDb;
let cae: TestCoop;
let lieu: TestCoop;
const today = todayParis();
before(async () => {
  odb = await createTestDb();
  [cae, lieu] = await seedTestCooperatives(odb, { organisationTypes: ['cae', 'tiers_lieu'] });
});
after(async () => {
  await odb.close();
});

const everyRole = (coop: TestCoop): Actor => ({ ...coop.actor('entrepreneur'), roles: [...ROLES] });
const tx = <T>(coop: TestCoop, fn: (trx: TenantTx) => Promise<T>) => withTenant(odb.db, coop.coop.id, fn);

test('validation queue: no ERP section for a tiers-lieu holding every role; a CAE has them', async () => {
  const q = await tx(lieu, (trx) => validationQueue(trx, everyRole(lieu), today));
  assert.deepEqual([q.ready, q.review, q.others], [[], [], []]);
  const inCae = await tx(cae, (trx) => validationQueue(trx, everyRole(cae), today));
  assert.deepEqual(inCae.others.map((s) => s.documentType).sort(), ['expense', 'purchase', 'salary']);
  for (const type of ['expense', 'purchase', 'salary'])
    await assert.rejects(
      tx(lieu, (trx) =>
        validateDocumentException(trx, everyRole(lieu), type, '00000000-0000-4000-8000-000000000000', 'Parce que.'),
      ),
      ForbiddenError,
      type,
    );
});

test('calendar: a tiers-lieu has no ERP deadline (expense cut-off, invoices due), page and feed', async () => {
  const to = addDays(today, 62);
  const kinds = async (coop: TestCoop) =>
    new Set((await tx(coop, (trx) => deadlines(trx, everyRole(coop), today, to))).map((d) => d.kind));
  assert.ok((await kinds(cae)).has('expenses'));
  assert.ok(!(await kinds(lieu)).has('expenses'));

  // The feed is read without a session: its actor must carry the organisation's type too.
  const feed = async (coop: TestCoop) => {
    const token = await tx(coop, (trx) => renewCalendarToken(trx as never, coop.actor('entrepreneur')));
    return (await calendarByToken(odb.db, token, today, 'https://r.test'))!;
  };
  assert.match(await feed(cae), /notes de frais/);
  const ics = await feed(lieu);
  assert.match(ics, /BEGIN:VCALENDAR/);
  assert.doesNotMatch(ics, /notes de frais/);
});
