// The automatic checks of quotes (sales/quote-checks.ts), each on a case that raises it and one
// that does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { runChecks, computeInbox } from '../inbox/index.ts';
import { createCustomer } from './customer.service.ts';
import { createQuote, type QuoteInput } from './quote.service.ts';
import './inbox.ts';
import { salesDb } from './db.ts';
import { quoteLineInput } from './testing.ts';

let odb: OpenDb;
let A: TestCoop;
let customerId: string;
const today = todayParis();
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  customerId = (
    await withTenant(odb.db, A.coop.id, (trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'individual',
        name: 'Camille Roux',
        email: 'c@example.test',
        addressLine1: '4 rue Paradis',
        postalCode: '13001',
        city: 'Marseille',
        countryCode: 'FR',
      }),
    )
  ).id;
});
after(async () => {
  await odb?.close();
});
const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);
const quote = (cents: number, over: Partial<QuoteInput> = {}) =>
  tx((trx) =>
    createQuote(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      customerId,
      lines: [quoteLineInput(cents)],
      ...over,
    }),
  );
const found = async (id: string) => tx((trx) => runChecks(trx, A.actor('support'), 'quote', id));

test('quote.duplicate: the same total for the same customer within days is flagged; another total is not', async () => {
  const first = await quote(31_000);
  assert.deepEqual(await found(first.id), []);
  const again = await quote(31_000);
  const f = (await found(again.id)).find((x) => x.checkId === 'quote.duplicate');
  assert.ok(f);
  assert.match(f.message, /Un devis de 372,00\s€ pour Camille Roux existe déjà/);
  const other = await quote(32_000);
  assert.deepEqual(await found(other.id), []);
});

test('quote.vat-rate: a taxed line at a rate that does not exist is blocking', async () => {
  const q = await quote(10_000);
  await tx((trx) =>
    salesDb(trx)
      .updateTable('quote_line')
      .set({ vat_rate_bp: 1500 })
      .where('cooperative_id', '=', A.coop.id)
      .where('quote_id', '=', q.id)
      .execute(),
  );
  const f = (await found(q.id)).find((x) => x.checkId === 'quote.vat-rate');
  assert.ok(f);
  assert.equal(f.severity, 'blocking');
  assert.match(f.message, /15\s?%.*n'existe pas en France/);
});

test('quote.validity: a draft whose validity date is past is flagged; a future one is not', async () => {
  const old = await quote(12_345, { issueDate: addDays(today, -60), validityDate: addDays(today, -30) });
  const f = (await found(old.id)).find((x) => x.checkId === 'quote.validity');
  assert.ok(f);
  assert.match(f.message, /repoussez la date de validité/);
  const fresh = await quote(12_346, { validityDate: addDays(today, 30) });
  assert.ok(!(await found(fresh.id)).some((x) => x.checkId === 'quote.validity'));
});

test("a draft quote with a finding shows in its author's to-do list, with the finding; a clean one does not", async () => {
  const items = await tx((trx) => computeInbox(trx, A.actor('entrepreneur'), today));
  const flagged = items.filter((i) => i.kind === 'sales.quote.check');
  // The past-validity draft, the 15 % one and the duplicate (one of the pair, or both) are flagged…
  assert.ok(flagged.some((i) => /repoussez la date de validité/.test(i.why)));
  assert.ok(flagged.some((i) => /n'existe pas en France/.test(i.why) && i.urgency === 'high'));
  // …the fresh quote of 123,46 € is not.
  assert.ok(!flagged.some((i) => /148,15/.test(i.title)));
});
