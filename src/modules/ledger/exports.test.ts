// VAT summary (CA3 boxes) and aged receivables on worked examples computed by hand; CSV/XLSX
// exports read back (numbers are numbers); and "the activity account equals the ledger" on a
// small data set driven through the sales services, checked against the sales tables too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { emit } from '../../core/events.ts';
import { todayParis } from '../../core/dates.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { SALES_EVENTS } from '../sales/index.ts';
import { postEntry } from './posting.service.ts';
import { activityAccount } from './reports.ts';
import {
  resolvePeriod,
  vatSummary,
  agedReceivables,
  agedBucket,
  generalLedgerRows,
  GENERAL_LEDGER_COLUMNS,
  journalEntryRows,
  JOURNAL_ENTRY_COLUMNS,
} from './exports.ts';
import { writeTableFile } from './tabular.ts';
import { customerIdFor, invoicePayload, paymentPayload, sell, testCustomer } from './test-helpers.ts';
import { ledgerDb } from './db.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { DirectoryTables } from '../directory/index.ts';
import type { LedgerTables } from './schema.ts';

// The test adds activities: a view over those tables besides its module's own.
const testDb = moduleView<LedgerTables & DirectoryTables>();

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
let dir: string;
before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  dir = mkdtempSync(join(tmpdir(), 'radieuse-exports-'));
  const s = A.actor('support');
  const act = A.activityId;
  const code = A.analyticCode;
  await withTenant(odb.db, A.coop.id, async (trx) => {
    // VAT example (see the VAT test for the hand computation).
    const inv1 = invoicePayload({
      activityId: act,
      activityCode: code,
      date: '2026-02-10',
      shares: [['services', 100000, 2000]],
    });
    const inv2 = invoicePayload({
      activityId: act,
      activityCode: code,
      date: '2026-03-10',
      shares: [['goods', 50000, 550]],
    });
    const inv3 = invoicePayload({
      activityId: act,
      activityCode: code,
      date: '2026-03-12',
      shares: [['services', 20000, 1000]],
    });
    const cn = invoicePayload({
      activityId: act,
      activityCode: code,
      date: '2026-03-25',
      typeCode: '381',
      shares: [['goods', 10000, 550]],
    });
    const april = invoicePayload({
      activityId: act,
      activityCode: code,
      date: '2026-04-02',
      shares: [['goods', 100000, 2000]],
    });
    for (const i of [inv1, inv2, inv3, april]) await emit(trx, s, SALES_EVENTS.invoiceValidated, i);
    await emit(trx, s, SALES_EVENTS.creditNoteValidated, cn);
    await emit(trx, s, SALES_EVENTS.paymentRecorded, paymentPayload(inv1, 60000, '2026-03-05'));
    await emit(trx, s, SALES_EVENTS.paymentRecorded, paymentPayload(inv3, 22000, '2026-03-20'));
    await postEntry(trx, A.actor('accountant'), {
      journal: 'AC',
      date: '2026-03-15',
      label: 'Papeterie',
      pieceRef: 'FA-1',
      source: { type: 'manual', id: null },
      lines: [
        { account: '606', debitCents: 20000, analyticCode: code },
        { account: '44566', debitCents: 4000, analyticCode: code },
        { account: '401', creditCents: 24000, auxAccount: 'F-PAP', auxLabel: 'Papiers', analyticCode: code },
      ],
    });
  });
  // Aged receivables example, in cooperative B (as of 2026-06-30).
  const sb = B.actor('support');
  const bact = B.activityId;
  const bcode = B.analyticCode;
  await withTenant(odb.db, B.coop.id, async (trx) => {
    const mk = async (customer: string, date: string, dueDate: string, base: number) => {
      const p = {
        ...invoicePayload({
          activityId: bact,
          activityCode: bcode,
          date,
          shares: [['services', base, 2000]],
          customerId: customerIdFor(customer),
          customerName: customer,
        }),
        dueDate,
      };
      await emit(trx, sb, SALES_EVENTS.invoiceValidated, p);
      return p;
    };
    await mk('X', '2026-06-20', '2026-07-20', 100000); // 1 200,00 not due
    await mk('Y', '2026-05-10', '2026-06-10', 10000); //   120,00 20 days late
    const y2 = await mk('Y', '2026-03-16', '2026-04-15', 100000); // 1 200,00, 76 days late, 200,00 paid
    await emit(trx, sb, SALES_EVENTS.paymentRecorded, paymentPayload(y2, 20000, '2026-05-02'));
    await mk('Y', '2026-05-01', '2026-05-31', 1000); //    12,00 30 days late → 0–30
    await mk('Z', '2026-02-01', '2026-03-01', 50000); //   600,00 121 days late
    const z2 = await mk('Z', '2026-04-01', '2026-05-01', 50000); // paid in full: lettered, not open
    await emit(trx, sb, SALES_EVENTS.paymentRecorded, paymentPayload(z2, 60000, '2026-05-05'));
    await mk('Z', '2026-07-02', '2026-08-01', 50000); // after the date: ignored
  });
});
after(async () => {
  await odb.close();
  rmSync(dir, { recursive: true, force: true });
});

test('VAT summary: CA3 boxes of March 2026 and of Q1, computed by hand', async () => {
  await withTenant(odb.db, A.coop.id, async (trx) => {
    const march = await resolvePeriod(trx, A.coop.id, 2026, '2026-03');
    const v = await vatSummary(trx, A.actor('accountant'), march.from, march.to);
    // 08 (20 %): services paid on 5 March: 600,00 incl. VAT of a 1 000 + 200 invoice → base 500,00, tax 100,00.
    assert.deepEqual(v.box08, { rateBp: 2000, baseCents: 50000, taxCents: 10000 });
    // 09 (5,5 %): goods invoiced 500,00 → 27,50; credit note 100,00 → −5,50 : base 400,00, tax 22,00.
    assert.deepEqual(v.box09, { rateBp: 550, baseCents: 40000, taxCents: 2200 });
    // 9B (10 %): services 200,00 paid in full on 20 March → tax 20,00.
    assert.deepEqual(v.box9B, { rateBp: 1000, baseCents: 20000, taxCents: 2000 });
    assert.equal(v.box01, 50000 + 40000 + 20000);
    assert.equal(v.box16, 10000 + 2200 + 2000);
    assert.equal(v.box20, 4000);
    assert.equal(v.box23, 4000);
    assert.equal(v.box28, 14200 - 4000);
    assert.equal(v.box25, 0);
    assert.equal(v.unratedTaxCents, 0);
    assert.deepEqual(v.otherRates, []);
    // Q1: February's services invoice is not taxed at invoice (cash basis): same as March.
    const q1 = await resolvePeriod(trx, A.coop.id, 2026, '2026-Q1');
    assert.deepEqual([q1.from, q1.to], ['2026-01-01', '2026-03-31']);
    assert.equal((await vatSummary(trx, A.actor('accountant'), q1.from, q1.to)).box16, 14200);
    // April: goods 1 000,00 at 20 % → 200,00 due, nothing deductible → no credit.
    const apr = await vatSummary(trx, A.actor('accountant'), '2026-04-01', '2026-04-30');
    assert.deepEqual([apr.box01, apr.box16, apr.box28, apr.box25], [100000, 20000, 20000, 0]);
    await assert.rejects(() => resolvePeriod(trx, A.coop.id, 2026, '2026-13'), /Période invalide/);
  });
});

test('aged receivables: buckets by days past due, partial payments netted, lettered items out', async () => {
  assert.equal(agedBucket('2026-06-30', '2026-06-30'), 'notDue');
  assert.equal(agedBucket('2026-05-31', '2026-06-30'), 'd0_30');
  assert.equal(agedBucket('2026-05-30', '2026-06-30'), 'd31_60');
  assert.equal(agedBucket('2026-04-01', '2026-06-30'), 'd61_90');
  assert.equal(agedBucket('2026-03-31', '2026-06-30'), 'over90');
  const a = await withTenant(odb.db, B.coop.id, (trx) => agedReceivables(trx, B.actor('accountant'), '2026-06-30'));
  const by = Object.fromEntries(a.customers.map((c) => [c.customerName, c]));
  assert.deepEqual(Object.keys(by).sort(), ['X', 'Y', 'Z']);
  assert.deepEqual(by.X.buckets, { notDue: 120000, d0_30: 0, d31_60: 0, d61_90: 0, over90: 0 });
  assert.deepEqual(by.Y.buckets, { notDue: 0, d0_30: 12000 + 1200, d31_60: 0, d61_90: 100000, over90: 0 });
  assert.deepEqual(by.Z.buckets, { notDue: 0, d0_30: 0, d31_60: 0, d61_90: 0, over90: 60000 });
  assert.equal(a.total.all, 120000 + 113200 + 60000);
  assert.equal(by.Y.oldestDueDate, '2026-04-15');
});

test('general ledger and journal entries: CSV and XLSX read back, numbers as numbers', async () => {
  const actor = A.actor('accountant');
  const n = Number(
    (
      await sql<{ n: number }>`select count(*)::int as n from entry_line where cooperative_id = ${A.coop.id}`.execute(
        odb.db,
      )
    ).rows[0].n,
  );
  const progress: number[] = [];
  await withTenant(odb.db, A.coop.id, async (trx) => {
    assert.equal(
      await writeTableFile(
        join(dir, 'gl.xlsx'),
        'xlsx',
        GENERAL_LEDGER_COLUMNS,
        generalLedgerRows(trx, actor, '2026-01-01', '2026-12-31', { pageSize: 7, onProgress: (d) => progress.push(d) }),
      ),
      n,
    );
    assert.equal(
      await writeTableFile(
        join(dir, 'gl.csv'),
        'csv',
        GENERAL_LEDGER_COLUMNS,
        generalLedgerRows(trx, actor, '2026-01-01', '2026-12-31', { pageSize: 5 }),
      ),
      n,
    );
    assert.equal(
      await writeTableFile(
        join(dir, 'je.xlsx'),
        'xlsx',
        JOURNAL_ENTRY_COLUMNS,
        journalEntryRows(trx, actor, '2026-01-01', '2026-12-31', { pageSize: 4 }),
      ),
      n,
    );
  });
  assert.equal(progress.at(-1), n, 'progress reaches the total');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(dir, 'gl.xlsx'));
  const ws = wb.worksheets[0];
  assert.equal(ws.rowCount, n + 1);
  let debit = 0;
  let credit = 0;
  let lastAccount = '';
  let lastBalance = 0;
  for (let i = 2; i <= ws.rowCount; i++) {
    const r = ws.getRow(i);
    const d = r.getCell(10).value;
    const c = r.getCell(11).value;
    const bal = r.getCell(12).value;
    assert.ok(d === null || typeof d === 'number');
    assert.ok(c === null || typeof c === 'number');
    assert.equal(typeof bal, 'number');
    assert.ok(r.getCell(3).value instanceof Date, 'dates are dates');
    const acc = String(r.getCell(1).value);
    assert.ok(acc >= lastAccount, 'sorted by account');
    const expected =
      (acc === lastAccount ? lastBalance : 0) +
      Math.round(((d as number) ?? 0) * 100) -
      Math.round(((c as number) ?? 0) * 100);
    assert.equal(Math.round((bal as number) * 100), expected, 'running balance');
    lastAccount = acc;
    lastBalance = expected;
    debit += Math.round(((d as number) ?? 0) * 100);
    credit += Math.round(((c as number) ?? 0) * 100);
  }
  assert.equal(debit, credit);
  const csv = readFileSync(join(dir, 'gl.csv'), 'utf8')
    .replace(/^\ufeff/, '')
    .split('\r\n')
    .filter(Boolean);
  assert.equal(csv[0].split(';')[0], 'Compte');
  assert.equal(csv.length, n + 1);
  const sales706 = csv.find((l) => l.startsWith('706;'))!.split(';');
  assert.match(sales706[2], /^\d{2}\/\d{2}\/2026$/);
  assert.match(sales706[10], /^\d+,\d{2}$/);
  const je = new ExcelJS.Workbook();
  await je.xlsx.readFile(join(dir, 'je.xlsx'));
  const jws = je.worksheets[0];
  const dates = [];
  for (let i = 2; i <= jws.rowCount; i++) dates.push((jws.getRow(i).getCell(2).value as Date).toISOString());
  assert.deepEqual(dates, [...dates].sort(), 'journal entries in date order');
});

test('the activity account equals the ledger (and the sales records) for every activity', async () => {
  const today = todayParis();
  const year = Number(today.slice(0, 4));
  const s = A.actor('support');
  const codes: { id: string; code: string }[] = [];
  await withTenant(odb.db, A.coop.id, async (trx) => {
    for (let i = 0; i < 3; i++) {
      const id = uuidv7();
      const code = `GEN${i}`;
      await testDb(trx)
        .insertInto('activity')
        .values({
          cooperative_id: A.coop.id,
          id,
          name: `Activité générée ${i}`,
          analytic_code: code,
          description: null,
          trusted: false,
          email: null,
          phone: null,
          closed_at: null,
        })
        .execute();
      codes.push({ id, code });
    }
    const customer = await testCustomer(trx, s);
    // Deterministic little set: unpaid, partly paid, fully paid, goods and services, 20 % and 10 %.
    let k = 7;
    for (const a of codes)
      for (let j = 0; j < 4; j++) {
        k = (k * 31 + 11) % 997;
        const unit = 10_000 + k * 137;
        const rate = j % 2 ? 1000 : 2000;
        const incl = unit + Math.round((unit * rate) / 10000);
        await sell(trx, s, {
          activityId: a.id,
          customerId: customer,
          unitCents: unit,
          vatRateBp: rate,
          nature: j === 3 ? 'goods' : 'services',
          payCents: j === 0 ? undefined : j === 1 ? Math.floor(incl / 3) : incl,
        });
      }
  });
  await withTenant(odb.db, A.coop.id, async (trx) => {
    for (const a of codes) {
      const acc = await activityAccount(trx, A.actor('accountant'), a.code, year);
      const ledger = (
        await sql<{ inv: number; col: number; out: number }>`
        select sum(case when l.account in ('706', '707') then l.credit_cents - l.debit_cents else 0 end)::bigint as inv,
               sum(case when l.account = '411' and e.journal_code = 'BQ' then l.credit_cents - l.debit_cents else 0 end)::bigint as col,
               sum(case when l.account = '411' then l.debit_cents - l.credit_cents else 0 end)::bigint as out
        from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
        where l.cooperative_id = ${A.coop.id} and l.analytic_code = ${a.code}`.execute(ledgerDb(trx))
      ).rows[0];
      const salesSide = (
        await sql<{ inv: number; incl: number; paid: number }>`
        select (select sum(total_excl_cents) from invoice where cooperative_id = ${A.coop.id} and activity_id = ${a.id} and number is not null)::bigint as inv,
               (select sum(total_incl_cents) from invoice where cooperative_id = ${A.coop.id} and activity_id = ${a.id} and number is not null)::bigint as incl,
               (select coalesce(sum(p.amount_cents), 0) from payment p join invoice i on i.cooperative_id = p.cooperative_id and i.id = p.invoice_id
                 where p.cooperative_id = ${A.coop.id} and i.activity_id = ${a.id})::bigint as paid`.execute(
          ledgerDb(trx),
        )
      ).rows[0];
      assert.equal(acc.total.invoicedExclCents, Number(ledger.inv));
      assert.equal(acc.total.invoicedExclCents, Number(salesSide.inv), `${a.code} invoiced`);
      assert.equal(acc.total.collectedInclCents, Number(ledger.col));
      assert.equal(acc.total.collectedInclCents, Number(salesSide.paid), `${a.code} collected`);
      assert.equal(acc.total.outstandingCents, Number(ledger.out));
      assert.equal(
        acc.total.outstandingCents,
        Number(salesSide.incl) - Number(salesSide.paid),
        `${a.code} outstanding`,
      );
      assert.equal(
        acc.total.availableCents,
        acc.total.collectedExclCents - acc.total.contributionCents - acc.total.costsCents - acc.total.salariesCents,
      );
      assert.ok(acc.total.invoicedExclCents > 0);
    }
  });
});
