import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant, withSystem } from '../../core/db/tenant.ts';
import { emit } from '../../core/events.ts';
import { UserError } from '../../core/errors.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { SALES_EVENTS } from '../sales/index.ts';
import {
  computeMonthlyContribution,
  tieredCumulative,
  addContributionOverride,
  postMonthlyContribution,
  ruleFor,
  type ContributionRule,
} from './contribution.service.ts';
import { invoicePayload, paymentPayload } from './test-helpers.ts';
import { ledgerDb } from './db.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { DirectoryTables } from '../directory/index.ts';
import type { LedgerTables } from './schema.ts';

// The test sets the cooperative's settings: a view over those tables besides its module's own.
const testDb = moduleView<LedgerTables & DirectoryTables>();

const basis = (collectedExclCents: number, invoicedExclCents = 0, collectedBeforeCents = 0) => ({
  collectedExclCents,
  invoicedExclCents,
  collectedBeforeCents,
});

test('collected_percent: 10 % of 4 321,55 € collected = 432,16 € (half away from zero)', () => {
  assert.equal(computeMonthlyContribution({ kind: 'collected_percent', bp: 1000 }, basis(432155)), 43216);
  assert.equal(computeMonthlyContribution({ kind: 'collected_percent', bp: 1000 }, basis(0, 999999)), 0);
  assert.equal(
    computeMonthlyContribution({ kind: 'collected_percent', bp: 1000, maxMonthlyCents: 30000 }, basis(432155)),
    30000,
    'capped',
  );
});

test('tiered: marginal rates on the turnover collected since the start of the year', () => {
  const tiers: [number, number][] = [
    [0, 1200],
    [5000000, 900],
    [10000000, 700],
  ];
  // 40 000 € before, 20 000 € this month → to 60 000 €: 50 000 × 12 % + 10 000 × 9 % = 6 900 €; before: 4 800 €; month: 2 100 €.
  assert.equal(tieredCumulative(tiers, 6000000), 690000);
  assert.equal(computeMonthlyContribution({ kind: 'tiered', tiers }, basis(2000000, 0, 4000000)), 210000);
  // Entirely above 100 000 €: 7 %.
  assert.equal(computeMonthlyContribution({ kind: 'tiered', tiers }, basis(100000, 0, 12000000)), 7000);
  // Crossing two brackets: 45 000 € → 125 000 €: 5 000 × 12 % + 50 000 × 9 % + 25 000 × 7 % = 600 + 4 500 + 1 750 = 6 850 €.
  assert.equal(computeMonthlyContribution({ kind: 'tiered', tiers }, basis(8000000, 0, 4500000)), 685000);
  // The months of a year add up to the yearly amount exactly, whatever the rounding.
  const months = [123457, 98765, 4000001, 1, 2500033, 3333333];
  let before = 0;
  let sum = 0;
  for (const m of months) {
    sum += computeMonthlyContribution({ kind: 'tiered', tiers }, basis(m, 0, before));
    before += m;
  }
  assert.equal(sum, tieredCumulative(tiers, before));
});

test('invoiced_percent_with_minimum: 11 % of invoiced, at least the monthly minimum', () => {
  const rule: ContributionRule = { kind: 'invoiced_percent_with_minimum', bp: 1100, minimumMonthlyCents: 4000 };
  assert.equal(computeMonthlyContribution(rule, basis(0, 250000)), 27500);
  assert.equal(computeMonthlyContribution(rule, basis(0, 30000)), 4000, '11 % of 300 € = 33 € < 40 € minimum');
  assert.equal(
    computeMonthlyContribution(rule, basis(0, -50000)),
    4000,
    'a month of credit notes still pays the minimum',
  );
  assert.equal(computeMonthlyContribution({ kind: 'fixed_monthly', amountCents: 15000 }, basis(0)), 15000);
});

let odb: OpenDb;
let A: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  await withSystem(odb.db, (trx) =>
    testDb(trx)
      .updateTable('cooperative')
      .set({
        settings: JSON.stringify({
          contribution: {
            kind: 'tiered',
            tiers: [
              [0, 1200],
              [5000000, 900],
              [10000000, 700],
            ],
          },
        }) as unknown as Record<string, unknown>,
      })
      .where('id', '=', A.coop.id)
      .execute(),
  );
});
after(async () => {
  await odb.close();
});

test('overrides: overlapping ranges are refused in French; the override applies to its months', async () => {
  const acc = A.actor('accountant');
  await withTenant(odb.db, A.coop.id, (trx) =>
    addContributionOverride(trx, acc, {
      activityId: A.activityId,
      validFrom: '2026-06-01',
      validTo: '2026-08-31',
      rule: { kind: 'collected_percent', bp: 500 },
    }),
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      addContributionOverride(trx, acc, {
        activityId: A.activityId,
        validFrom: '2026-08-01',
        validTo: null,
        rule: { kind: 'collected_percent', bp: 800 },
      }),
    ),
    (e: unknown) =>
      e instanceof UserError &&
      /chevauche celle du 1 juin 2026 au 31 août 2026/.test(e.message) &&
      e.fields.validFrom !== undefined,
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      addContributionOverride(trx, acc, {
        activityId: A.activityId,
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
        rule: { kind: 'collected_percent', bp: 800 },
      }),
    ),
    /chevauche/,
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      addContributionOverride(trx, acc, { activityId: A.activityId, validFrom: '2026-10-01', rule: { kind: 'nope' } }),
    ),
    /Règle de contribution invalide/,
  );
  await withTenant(odb.db, A.coop.id, (trx) =>
    addContributionOverride(trx, acc, {
      activityId: A.activityId,
      validFrom: '2026-09-01',
      validTo: null,
      rule: { kind: 'fixed_monthly', amountCents: 9900 },
    }),
  );
  const kinds = await withTenant(odb.db, A.coop.id, async (trx) => [
    await ruleFor(trx, acc, A.activityId, '2026-05'),
    await ruleFor(trx, acc, A.activityId, '2026-07'),
    await ruleFor(trx, acc, A.activityId, '2027-02'),
  ]);
  assert.deepEqual(
    kinds.map((k) => k?.kind),
    ['tiered', 'collected_percent', 'fixed_monthly'],
  );
});

test('monthly contributions read the ledger and post D 6228 activity / C 7068 STRUCT once', async () => {
  const s = A.actor('support');
  const acc = A.actor('accountant');
  // January: 45 000 € excl. VAT collected; February: 80 000 € (services, 20 % VAT).
  const jan = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-01-05',
    shares: [['services', 4500000, 2000]],
  });
  const feb = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-02-02',
    shares: [['services', 8000000, 2000]],
  });
  await withTenant(odb.db, A.coop.id, async (trx) => {
    await emit(trx, s, SALES_EVENTS.invoiceValidated, jan);
    await emit(trx, s, SALES_EVENTS.invoiceValidated, feb);
    await emit(trx, s, SALES_EVENTS.paymentRecorded, paymentPayload(jan, 5400000, '2026-01-25'));
    await emit(trx, s, SALES_EVENTS.paymentRecorded, paymentPayload(feb, 9600000, '2026-02-25'));
  });
  const r = await withTenant(odb.db, A.coop.id, async (trx) => [
    await postMonthlyContribution(trx, acc, A.activityId, '2026-01'),
    await postMonthlyContribution(trx, acc, A.activityId, '2026-02'),
  ]);
  assert.equal(r[0].amountCents, 540000, 'January: 45 000 × 12 %');
  assert.equal(r[1].amountCents, 685000, 'February: 5 000 × 12 % + 50 000 × 9 % + 25 000 × 7 %');
  const again = await withTenant(odb.db, A.coop.id, (trx) =>
    postMonthlyContribution(trx, acc, A.activityId, '2026-02'),
  );
  assert.equal(again.alreadyPosted, true);
  assert.equal(again.entry, null);
  const lines = await withTenant(odb.db, A.coop.id, (trx) =>
    ledgerDb(trx)
      .selectFrom('entry_line')
      .innerJoin('journal_entry', (j) =>
        j
          .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
          .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
      )
      .select([
        'entry_line.account',
        'entry_line.debit_cents',
        'entry_line.credit_cents',
        'entry_line.analytic_code',
        'journal_entry.entry_date',
        'journal_entry.journal_code',
      ])
      .where('journal_entry.source_type', '=', 'contribution')
      .where('journal_entry.source_id', '=', `${A.activityId}:2026-02`)
      .orderBy('entry_line.line_no')
      .execute(),
  );
  assert.deepEqual(
    lines.map((l) => [l.account, l.debit_cents, l.credit_cents, l.analytic_code, String(l.entry_date), l.journal_code]),
    [
      ['6228', 685000, 0, A.analyticCode, '2026-02-28', 'OD'],
      ['7068', 0, 685000, 'STRUCT', '2026-02-28', 'OD'],
    ],
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      postMonthlyContribution(trx, A.actor('entrepreneur'), A.activityId, '2026-03'),
    ),
    /accès/,
  );
});
