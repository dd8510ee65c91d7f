// Year-end closing (issue 20 #2), on a worked case computed by hand: a year of one invoice, a
// partial payment and one cost for activity ACT1, closed; the opening entry carries the balance
// sheet and the result, the year is locked, the FEC of the next year starts with it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { ensureChart } from './chart.ts';
import { fecRows } from './fec.ts';
import { postEntry } from './posting.service.ts';
import { activityAccount, activityAccountCsv, trialBalance } from './reports.ts';
import { agedReceivables } from './exports.ts';
import { ledgerTotalsByActivity } from './integrity.ts';
import { tiersWithOpenLines } from './screens.service.ts';
import { closeFiscalYear, closedYears } from './year-end.service.ts';
import { ledgerDb } from './db.ts';

let odb: OpenDb;
let A: TestCoop;
const Y = 2024; // a finished year (calendar fiscal years in the test cooperatives)
const inA = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);

before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  const acc = A.actor('accountant');
  const code = A.analyticCode;
  await inA(async (trx) => {
    await ensureChart(trx, A.coop.id);
    const post = (date: string, journal: string, id: string, lines: Parameters<typeof postEntry>[2]['lines']) =>
      postEntry(trx, acc, { journal, date, label: id, pieceRef: id, source: { type: 'test', id }, lines });
    // Invoice 1 200,00 incl. VAT to customer C1
    await post(`${Y}-03-10`, 'VT', 'F1', [
      { account: '411', auxAccount: 'C1', auxLabel: 'Client Un', analyticCode: code, debitCents: 120_000 },
      { account: '706', analyticCode: code, creditCents: 100_000 },
      { account: '44571', analyticCode: code, creditCents: 20_000 },
    ]);
    // The customer pays 600,00
    await post(`${Y}-04-02`, 'BQ', 'P1', [
      { account: '512', analyticCode: code, debitCents: 60_000 },
      { account: '411', auxAccount: 'C1', auxLabel: 'Client Un', analyticCode: code, creditCents: 60_000 },
    ]);
    // A cost of 300,00 paid from the bank
    await post(`${Y}-05-20`, 'AC', 'A1', [
      { account: '604', analyticCode: code, debitCents: 30_000 },
      { account: '512', analyticCode: code, creditCents: 30_000 },
    ]);
  });
});
after(async () => {
  await odb?.close();
});

test('closing a year: balance sheet carried in AN, result 700,00 on 120 for the activity, months locked', async () => {
  const acc = A.actor('accountant');
  const r = await inA((trx) => closeFiscalYear(trx, acc, Y));
  assert.equal(r.resultCents, 70_000, 'income 1 000,00 − costs 300,00');
  assert.equal(r.openingDate, `${Y + 1}-01-01`);
  const lines = await ledgerDb(odb.db)
    .selectFrom('entry_line')
    .innerJoin('journal_entry', (j) =>
      j
        .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
        .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
    )
    .select([
      'journal_entry.journal_code',
      'journal_entry.entry_date',
      'account',
      'aux_account',
      'analytic_code',
      'debit_cents',
      'credit_cents',
    ])
    .where('entry_line.entry_id', '=', r.openingEntryId!)
    .orderBy('account')
    .execute();
  assert.deepEqual(
    lines.map((l) => [l.account, l.aux_account, l.analytic_code, Number(l.debit_cents), Number(l.credit_cents)]),
    [
      ['120', null, A.analyticCode, 0, 70_000],
      ['411', 'C1', A.analyticCode, 60_000, 0],
      ['44571', null, A.analyticCode, 0, 20_000],
      ['512', null, A.analyticCode, 30_000, 0],
    ],
  );
  assert.ok(lines.every((l) => l.journal_code === 'AN'));
  // The next year's trial balance opens with those balances, and no income or expense.
  const tb = await inA((trx) => trialBalance(trx, acc, `${Y + 1}-01-01`, `${Y + 1}-12-31`));
  assert.deepEqual(
    tb.map((t) => [t.account, t.balanceCents]),
    [
      ['120', -70_000],
      ['411', 60_000],
      ['44571', -20_000],
      ['512', 30_000],
    ],
  );
  // Locked: nothing can be posted in the closed year any more; closing again is refused.
  await assert.rejects(
    inA((trx) =>
      postEntry(trx, acc, {
        journal: 'OD',
        date: `${Y}-12-31`,
        label: 'Oubli',
        pieceRef: 'X',
        source: { type: 'test', id: 'late' },
        lines: [
          { account: '471', debitCents: 100 },
          { account: '512', creditCents: 100 },
        ],
      }),
    ),
    (e: unknown) => e instanceof UserError && /clôturée/.test(e.message),
  );
  await assert.rejects(
    inA((trx) => closeFiscalYear(trx, acc, Y)),
    /déjà clôturé/,
  );
  const years = await inA((trx) => closedYears(trx, acc));
  assert.deepEqual(
    years.map((y) => [y.year, y.resultCents]),
    [[Y, 70_000]],
  );
});

test('the FEC of the next year starts with the opening entries; an unfinished year cannot be closed', async () => {
  const acc = A.actor('accountant');
  await inA((trx) =>
    postEntry(trx, acc, {
      journal: 'AC',
      date: `${Y + 1}-01-01`,
      label: 'Achat du premier jour',
      pieceRef: 'A2',
      source: { type: 'test', id: 'A2' },
      lines: [
        { account: '604', debitCents: 5_000 },
        { account: '512', creditCents: 5_000 },
      ],
    }),
  );
  const rows: string[] = [];
  await inA(async (trx) => {
    for await (const row of fecRows(trx, acc, `${Y + 1}-01-01`, `${Y + 1}-12-31`)) rows.push(row);
  });
  const journals = rows.slice(1).map((r) => r.split('\t')[0]);
  assert.deepEqual(journals.slice(0, 4), ['AN', 'AN', 'AN', 'AN'], 'the four opening lines come first');
  assert.equal(journals[4], 'AC');
  await assert.rejects(
    inA((trx) => closeFiscalYear(trx, acc, Y + 2)),
    (e: unknown) => e instanceof UserError && /ne peut être clôturé qu'après/.test(e.message),
  );
  // An entrepreneur may not close a year (the matrix; tried for every role in authz.test.ts).
  await assert.rejects(
    inA((trx) => closeFiscalYear(trx, A.actor('entrepreneur'), Y + 1)),
    /accès/,
  );
});

test('after the closing, the next year carries each activity forward once: outstanding, available, aged balance, lettering, check', async () => {
  const acc = A.actor('accountant');
  const code = A.analyticCode;
  const a = await inA((trx) => activityAccount(trx, acc, code, Y + 1));
  // 1 200,00 invoiced − 600,00 paid; the opening entry restates it, and must not count twice.
  assert.equal(a.opening.outstandingCents, 60_000);
  assert.equal(a.total.outstandingCents, 60_000);
  // Available treasury of Y (nothing collected through sales payments, 300,00 of costs) carried in,
  // then the 50,00 bought on the first day of Y+1 (posted without analytic code: not this activity).
  assert.equal(a.opening.availableCents, -30_000);
  assert.equal(a.total.availableCents, -30_000);
  assert.match(activityAccountCsv(a).split('\n')[1], /^opening,0\.00,0\.00,0\.00,600\.00,0\.00,0\.00,0\.00,-300\.00$/);
  const totals = await inA((trx) => ledgerTotalsByActivity(trx, A.coop.id));
  assert.equal(totals.find((t) => t.analyticCode === code)?.receivableCents, 60_000, 'radieuse check compares this');
  const aged = await inA((trx) => agedReceivables(trx, acc, `${Y + 1}-06-30`));
  assert.equal(aged.total.all, 60_000);
  const tiers = await inA((trx) => tiersWithOpenLines(trx, acc, '411'));
  assert.deepEqual(
    tiers.map((t) => [t.aux, t.balanceCents]),
    [['C1', 60_000]],
  );
});
