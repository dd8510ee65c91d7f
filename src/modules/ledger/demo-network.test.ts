// The ledger of the whole demo network, cross-checked: every entry balances, the trial balance
// read from each cooperative's FEC by hledger equals `report trial-balance` to the cent, and the
// activity account of every demo activity equals the ledger.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDemoTestDb } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { todayParis } from '../../core/dates.ts';
import { toolSkip } from '../../core/testing-tools.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { listCooperatives, listActivities } from '../directory/index.ts';
import { writeFec } from './fec.ts';
import { trialBalance, activityAccount } from './reports.ts';
import { hledgerBalancesFromFec } from './test-helpers.ts';
import { closedYears } from './year-end.service.ts';
import { activityBalances } from './direction.service.ts';
import { ledgerDb } from './db.ts';

const skip = toolSkip('/usr/bin/hledger', 'hledger');
const year = Number(todayParis().slice(0, 4));
let odb: OpenDb;
const dir = mkdtempSync(join(tmpdir(), 'radieuse-demo-fec-'));
before(async () => {
  odb = await createDemoTestDb();
});
after(async () => {
  await odb?.close();
});

test('every journal entry of the demo network balances, and so does the whole ledger', async () => {
  const unbalanced = await sql<{ n: number }>`select count(*)::int as n from (
    select e.cooperative_id, e.id from journal_entry e join entry_line l on l.cooperative_id = e.cooperative_id and l.entry_id = e.id
    group by e.cooperative_id, e.id having sum(l.debit_cents) <> sum(l.credit_cents)) x`.execute(odb.db);
  assert.equal(unbalanced.rows[0].n, 0);
  const totals = await sql<{
    d: number;
    c: number;
    n: number;
  }>`select sum(debit_cents)::bigint as d, sum(credit_cents)::bigint as c, count(*)::int as n from entry_line`.execute(
    odb.db,
  );
  assert.ok(totals.rows[0].n > 1000, 'the demo posts real activity');
  assert.equal(Number(totals.rows[0].d), Number(totals.rows[0].c));
  const kinds = await sql<{ source_type: string }>`select distinct source_type from journal_entry`.execute(odb.db);
  const sources = kinds.rows.map((r) => r.source_type).sort();
  for (const k of ['invoice', 'payment'])
    assert.ok(
      sources.some((s) => s.includes(k)),
      `${k} entries exist (${sources.join(', ')})`,
    );
});

test('the demo spans two fiscal years: the earlier one is closed and the FEC of this one opens with its à-nouveaux', async () => {
  for (const coop of await listCooperatives(odb.db)) {
    const actor = systemActor(coop.id, 'test');
    const closed = await withTenant(odb.db, coop.id, (trx) => closedYears(trx, actor));
    assert.deepEqual(
      closed.map((c) => c.year),
      [year - 1],
      coop.slug,
    );
    const fec = await withTenant(odb.db, coop.id, (trx) => writeFec(trx, actor, year, dir));
    const rows = readFileSync(fec.path, 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
    const journals = rows.map((r) => r.split('\t')[0]);
    const firstOther = journals.findIndex((j) => j !== 'AN');
    assert.ok(firstOther > 1, `${coop.slug}: the FEC starts with the opening entry (${firstOther} lines)`);
    assert.ok(!journals.slice(firstOther).includes('AN'), 'and holds no other AN line');
    assert.equal(rows[0].split('\t')[3], `${year}0101`, 'dated the first day of the year');
  }
});

test('for each demo cooperative, hledger reading the FEC gives the ledger trial balance to the cent', {
  skip,
}, async () => {
  for (const coop of await listCooperatives(odb.db)) {
    const actor = systemActor(coop.id, 'test');
    const fec = await withTenant(odb.db, coop.id, (trx) => writeFec(trx, actor, year, dir));
    assert.ok(fec.lines > 100, `${coop.slug}: ${fec.lines} FEC lines`);
    const fromHledger = hledgerBalancesFromFec(readFileSync(fec.path, 'utf8'), dir);
    const tb = await withTenant(odb.db, coop.id, (trx) => trialBalance(trx, actor, `${year}-01-01`, `${year}-12-31`));
    const fromLedger = new Map(tb.map((r) => [r.account, r.balanceCents]));
    assert.deepEqual([...fromHledger.entries()].sort(), [...fromLedger.entries()].sort(), coop.slug);
  }
});

test('the activity account of every demo activity equals the ledger', async () => {
  // Invoiced: sales (706 services, 707 goods) and the marketplace's internal invoices (708).
  for (const coop of await listCooperatives(odb.db)) {
    const actor = systemActor(coop.id, 'test');
    await withTenant(odb.db, coop.id, async (trx) => {
      // The director's overview sums every activity in one query: the same figures.
      const balances = await activityBalances(trx, coop.id, todayParis());
      for (const a of await listActivities(trx, actor)) {
        const acc = await activityAccount(trx, actor, a.analyticCode, year);
        const today = await activityAccount(trx, actor, a.analyticCode, year, { until: todayParis() });
        assert.deepEqual(
          balances.get(a.analyticCode) ?? { availableCents: 0, outstandingCents: 0 },
          { availableCents: today.total.availableCents, outstandingCents: today.total.outstandingCents },
          `${coop.slug}/${a.analyticCode} overview`,
        );
        const ledger = (
          await sql<{ inv: number; col: number }>`
          select coalesce(sum(case when l.account in ('706', '707', '708') then l.credit_cents - l.debit_cents else 0 end), 0)::bigint as inv,
                 coalesce(sum(case when l.account = '411' and e.journal_code = 'BQ' then l.credit_cents - l.debit_cents else 0 end), 0)::bigint as col
          from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
          where l.cooperative_id = ${coop.id} and l.analytic_code = ${a.analyticCode}
            and e.entry_date between ${`${year}-01-01`} and ${`${year}-12-31`}`.execute(ledgerDb(trx))
        ).rows[0];
        assert.equal(acc.total.invoicedExclCents, Number(ledger.inv), `${coop.slug}/${a.analyticCode} invoiced`);
        assert.equal(acc.total.collectedInclCents, Number(ledger.col), `${coop.slug}/${a.analyticCode} collected`);
        // The earlier year's available treasury is carried in (the demo closes it).
        assert.equal(
          acc.total.availableCents,
          acc.opening.availableCents +
            acc.total.collectedExclCents -
            acc.total.contributionCents -
            acc.total.costsCents -
            acc.total.salariesCents,
        );
        // What customers owe: every customer line since the start, the opening entries left out.
        const owed = (
          await sql<{ v: number }>`select coalesce(sum(l.debit_cents - l.credit_cents), 0)::bigint as v
          from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
          where l.cooperative_id = ${coop.id} and l.analytic_code = ${a.analyticCode} and l.account = '411'
            and e.journal_code <> 'AN' and e.entry_date <= ${`${year}-12-31`}`.execute(ledgerDb(trx))
        ).rows[0];
        assert.equal(acc.total.outstandingCents, Number(owed.v), `${coop.slug}/${a.analyticCode} outstanding`);
      }
    });
  }
});
