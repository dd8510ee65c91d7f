import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { toolSkip } from '../../core/testing-tools.ts';
import { withTenant, withSystem } from '../../core/db/tenant.ts';
import { emit } from '../../core/events.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { SALES_EVENTS } from '../sales/index.ts';
import { postEntry } from './posting.service.ts';
import { ensureChart } from './chart.ts';
import { writeFec, fecRows, FEC_COLUMNS } from './fec.ts';
import { trialBalance, trialBalanceCsv, activityAccount, activityAccountCsv } from './reports.ts';
import { postMonthlyContribution } from './contribution.service.ts';
import { customerIdFor, invoicePayload, paymentPayload } from './test-helpers.ts';
import { ledgerDb } from './db.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { DirectoryTables } from '../directory/index.ts';
import type { LedgerTables } from './schema.ts';

// The test sets the cooperative's settings: a view over those tables besides its module's own.
const testDb = moduleView<LedgerTables & DirectoryTables>();

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
let dir: string;
let fecText = '';
let fecPath = '';

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  dir = mkdtempSync(join(tmpdir(), 'radieuse-fec-'));
  await withSystem(odb.db, (trx) =>
    testDb(trx)
      .updateTable('cooperative')
      .set({
        settings: JSON.stringify({ contribution: { kind: 'collected_percent', bp: 1000 } }) as unknown as Record<
          string,
          unknown
        >,
      })
      .where('id', '=', A.coop.id)
      .execute(),
  );
  const s = A.actor('support');
  const code = A.analyticCode;
  const act = A.activityId;
  const inv1 = invoicePayload({
    activityId: act,
    activityCode: code,
    date: '2026-02-10',
    shares: [['services', 100000, 2000]],
    customerName: 'Acme\tSARL',
  });
  const inv2 = invoicePayload({
    activityId: act,
    activityCode: code,
    date: '2026-01-15',
    shares: [['goods', 50000, 2000]],
    customerId: customerIdFor('C-BOIS'),
    customerName: 'Bois & Co',
  });
  const cn = invoicePayload({
    activityId: act,
    activityCode: code,
    date: '2026-03-12',
    typeCode: '381',
    shares: [['services', 10000, 2000]],
  });
  await withTenant(odb.db, A.coop.id, async (trx) => {
    // Posted out of date order on purpose: the FEC numbers must still follow the dates.
    await emit(trx, s, SALES_EVENTS.invoiceValidated, inv1);
    await emit(trx, s, SALES_EVENTS.invoiceValidated, inv2);
    await emit(trx, s, SALES_EVENTS.paymentRecorded, paymentPayload(inv1, 120000, '2026-03-05'));
    await emit(trx, s, SALES_EVENTS.paymentRecorded, paymentPayload(inv2, 30000, '2026-03-10'));
    await emit(trx, s, SALES_EVENTS.creditNoteValidated, cn);
    await postEntry(trx, A.actor('accountant'), {
      journal: 'AC',
      date: '2026-02-20',
      label: 'Papeterie',
      pieceRef: 'FA-778',
      source: { type: 'manual', id: null },
      lines: [
        { account: '606', debitCents: 20000, analyticCode: code },
        { account: '44566', debitCents: 4000, analyticCode: code },
        {
          account: '401',
          creditCents: 24000,
          auxAccount: 'F-PAPIER',
          auxLabel: 'Papiers du Rhône',
          analyticCode: code,
        },
      ],
    });
    for (const m of ['2026-01', '2026-02', '2026-03'])
      await postMonthlyContribution(trx, A.actor('accountant'), act, m);
    // Out of the fiscal year: must not appear.
    await postEntry(trx, A.actor('accountant'), {
      journal: 'OD',
      date: '2025-12-31',
      label: 'Exercice précédent',
      pieceRef: 'OLD',
      source: { type: 'manual', id: null },
      lines: [
        { account: '512', debitCents: 1 },
        { account: '467', creditCents: 1 },
      ],
    });
  });
  const r = await withTenant(odb.db, A.coop.id, (trx) => writeFec(trx, A.actor('accountant'), 2026, dir));
  fecPath = r.path;
  fecText = readFileSync(r.path, 'utf8');
});
after(async () => {
  await odb.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = () =>
  fecText
    .split('\r\n')
    .filter((l) => l.length)
    .map((l) => l.split('\t'));
const cents = (s: string) => {
  assert.match(s, /^\d+,\d{2}$/);
  const [i, f] = s.split(',');
  return Number(i) * 100 + Number(f);
};

test('FEC file name, header and column format', () => {
  assert.equal(fecPath, join(dir, `${A.coop.siren}FEC20261231.txt`));
  const [header, ...lines] = rows();
  assert.deepEqual(header, [...FEC_COLUMNS]);
  assert.equal(
    header.join('|'),
    'JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise',
  );
  assert.ok(lines.length >= 20);
  for (const l of lines) {
    assert.equal(l.length, 18, l.join('|'));
    assert.match(l[3], /^2026\d{4}$/);
    assert.match(l[9], /^\d{8}$/);
    assert.match(l[15], /^\d{8}$/);
    assert.ok(l[14] === '' || /^\d{8}$/.test(l[14]));
    const d = cents(l[11]);
    const c = cents(l[12]);
    assert.ok((d === 0) !== (c === 0), 'one side per line');
    assert.ok(l[4] && l[5] && l[8] && l[10], 'account, label, piece and line label are filled');
    if (l[4] === '411' || l[4] === '401') assert.ok(l[6] && l[7], 'auxiliary account on 411/401 lines');
  }
  assert.ok(!lines.some((l) => l[8] === 'OLD'), 'only the fiscal year');
  assert.ok(
    lines.some((l) => l[7] === 'Acme SARL'),
    'tabs inside labels are neutralised',
  );
});

test('FEC entries are balanced and numbered continuously per journal in the order of validation, with the numbers of the app', () => {
  const [, ...lines] = rows();
  const byJournal = new Map<string, { num: number; date: string; valid: string }[]>();
  const sums = new Map<string, number>();
  for (const l of lines) {
    const key = `${l[0]}#${l[2]}`;
    sums.set(key, (sums.get(key) ?? 0) + cents(l[11]) - cents(l[12]));
    const seq = byJournal.get(l[0]) ?? [];
    byJournal.set(l[0], seq);
    // « VT2026-12 »: the journal, the fiscal year and the gapless number shown in the app.
    const m = /^([A-Z]+)2026-(\d+)$/.exec(l[2]);
    assert.ok(m && m[1] === l[0], `EcritureNum ${l[2]} names its journal`);
    const num = Number(m[2]);
    if (!seq.length || seq[seq.length - 1].num !== num) seq.push({ num, date: l[3], valid: l[15] });
    else assert.equal(seq[seq.length - 1].date, l[3], 'one date per entry');
  }
  for (const [k, v] of sums) assert.equal(v, 0, `entry ${k} balanced`);
  assert.deepEqual([...byJournal.keys()].sort(), ['AC', 'BQ', 'OD', 'VT']);
  for (const [j, seq] of byJournal) {
    for (const [i, e] of seq.entries()) assert.equal(e.num, i + 1, `${j}: continuous numbers`);
    for (let i = 1; i < seq.length; i++)
      assert.ok(seq[i].valid >= seq[i - 1].valid, `${j}: in the order of validation`);
  }
  // The February invoice was validated before the back-dated January one: the numbers (and so
  // the file) follow the validation, never renumbered after the fact.
  assert.deepEqual(
    byJournal.get('VT')!.map((e) => e.date),
    ['20260210', '20260115', '20260312'],
  );
  const lettered = lines.filter((l) => l[4] === '411' && l[13]);
  assert.equal(lettered.length, 2, 'the paid invoice and its payment are lettered');
  assert.ok(lettered.every((l) => l[13] === lettered[0][13] && l[14] === '20260305'));
});

/** The FEC of 2026 read with pages of `pageSize` entries, as the text of the file. */
async function fecText2026(coop: TestCoop, pageSize: number): Promise<string> {
  const rows: string[] = [];
  await withTenant(odb.db, coop.coop.id, async (trx) => {
    for await (const row of fecRows(trx, coop.actor('accountant'), '2026-01-01', '2026-12-31', pageSize))
      rows.push(`${row}\r\n`);
  });
  return rows.join('');
}

test('the FEC is the same whatever the size of its pages (no line lost, repeated or moved at a page boundary)', async () => {
  // Entries of two to several lines in four journals: pages of one and two entries end
  // everywhere, between journals too.
  for (const pageSize of [1, 2]) assert.equal(await fecText2026(A, pageSize), fecText, `pages of ${pageSize}`);
  assert.equal(await fecText2026(A, 10000), fecText, 'one page');
});

test('the trial balance read from the FEC by hledger equals the ledger trial balance to the cent', async (t) => {
  const tb = await withTenant(odb.db, A.coop.id, (trx) =>
    trialBalance(trx, A.actor('accountant'), '2026-01-01', '2026-12-31'),
  );
  // Independent reading: the FEC lines become an hledger journal, one transaction per (journal, number).
  const [, ...lines] = rows();
  const txs = new Map<string, string[]>();
  for (const l of lines) {
    const key = `${l[0]}-${l[2]}`;
    if (!txs.has(key)) txs.set(key, [`${l[3].slice(0, 4)}-${l[3].slice(4, 6)}-${l[3].slice(6)} ${key} ${l[10]}`]);
    const amount = (cents(l[11]) - cents(l[12])) / 100;
    txs.get(key)!.push(`    ${l[4]}    ${amount.toFixed(2)}`);
  }
  const csvTb = trialBalanceCsv(tb).trim().split('\n');
  assert.equal(csvTb[0], 'account,label,debit,credit,balance');
  const skip = toolSkip('/usr/bin/hledger', 'hledger');
  if (skip) {
    t.skip(skip);
    return;
  }
  const journal = join(dir, 'fec.journal');
  writeFileSync(journal, `${[...txs.values()].map((x) => x.join('\n')).join('\n\n')}\n`);
  const outCsv = execFileSync('/usr/bin/hledger', ['-f', journal, 'bal', '--flat', '-N', '-E', '-O', 'csv'], {
    encoding: 'utf8',
  });
  const fromHledger = new Map<string, number>();
  for (const line of outCsv.trim().split('\n').slice(1)) {
    const [acc, amt] = line.split(',').map((s) => s.replace(/"/g, ''));
    fromHledger.set(acc, Math.round(Number(amt) * 100));
  }
  const fromLedger = new Map(tb.map((r) => [r.account, r.balanceCents]));
  assert.deepEqual([...fromHledger.entries()].sort(), [...fromLedger.entries()].sort());
  assert.equal(fromLedger.get('411'), 18000);
  for (const r of tb) assert.equal(r.balanceCents, r.debitCents - r.creditCents);
  assert.equal(
    tb.reduce((s, r) => s + r.debitCents, 0),
    tb.reduce((s, r) => s + r.creditCents, 0),
  );
});

test('the activity account matches hand-computed figures and the ledger to the cent', async () => {
  const a = await withTenant(odb.db, A.coop.id, (trx) =>
    activityAccount(trx, A.actor('accountant'), A.analyticCode, 2026),
  );
  assert.equal(a.months.length, 12);
  assert.equal(a.total.invoicedExclCents, 100000 + 50000 - 10000);
  assert.equal(a.total.collectedInclCents, 150000);
  assert.equal(a.total.collectedExclCents, 100000 + 25000);
  assert.equal(a.total.outstandingCents, 120000 + 60000 - 12000 - 150000);
  assert.equal(a.total.contributionCents, 12500, '10 % of the 125 000,00 collected excl. VAT in March');
  assert.equal(a.total.costsCents, 20000);
  assert.equal(a.total.availableCents, 125000 - 12500 - 20000);
  const march = a.months.find((m) => m.month === '2026-03')!;
  assert.equal(march.invoicedExclCents, -10000);
  assert.equal(march.contributionCents, 12500);
  // The same from the raw ledger lines.
  const raw = await withTenant(odb.db, A.coop.id, (trx) =>
    sql<{ account: string; bal: number }>`select account, sum(debit_cents - credit_cents)::bigint as bal from entry_line
    where cooperative_id = ${A.coop.id} and analytic_code = ${A.analyticCode} group by account`.execute(ledgerDb(trx)),
  );
  const bal = Object.fromEntries(raw.rows.map((r) => [r.account, Number(r.bal)]));
  assert.equal(a.total.invoicedExclCents, -(bal['706'] + bal['707']));
  assert.equal(a.total.contributionCents, bal['6228']);
  assert.equal(a.total.costsCents, bal['606']);
  assert.equal(a.total.outstandingCents, bal['411']);
  const csv = activityAccountCsv(a).trim().split('\n');
  assert.equal(
    csv[0],
    'month,invoiced_excl_vat,collected_incl_vat,collected_excl_vat,outstanding,contribution,costs,salaries,available',
  );
  assert.equal(csv[1], 'opening,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00', 'nothing before this first year');
  assert.equal(csv[csv.length - 1], 'total,1400.00,1500.00,1250.00,180.00,125.00,200.00,0.00,925.00');
  // The structure's analytic code holds the contribution income.
  const struct = await withTenant(odb.db, A.coop.id, (trx) =>
    sql<{
      c: number;
    }>`select sum(credit_cents)::bigint as c from entry_line where cooperative_id = ${A.coop.id} and account = '7068' and analytic_code = 'STRUCT'`.execute(
      ledgerDb(trx),
    ),
  );
  assert.equal(Number(struct.rows[0].c), 12500);
});

test('FEC export writes 20 000 lines with continuous entry numbers', async () => {
  await withTenant(odb.db, B.coop.id, async (trx) => {
    await ensureChart(trx, B.coop.id);
    await sql`insert into journal_entry (cooperative_id, id, journal_code, fiscal_year, entry_number, entry_date, label, piece_ref, piece_date, source_type, source_id)
      select ${B.coop.id}::uuid, gen_random_uuid(), 'OD', 2026, g, date '2026-01-01' + (g % 365), 'Écriture générée ' || g, 'G' || g, date '2026-01-01' + (g % 365), 'bench', g::text
      from generate_series(1, 10000) g`.execute(ledgerDb(trx));
    await sql`insert into entry_line (cooperative_id, entry_id, line_no, account, label, debit_cents, credit_cents, analytic_code)
      select e.cooperative_id, e.id, v.k, case v.k when 1 then '512' else '467' end, e.label,
        case v.k when 1 then 100 + e.entry_number else 0 end, case v.k when 2 then 100 + e.entry_number else 0 end, 'GEN'
      from journal_entry e cross join (values (1), (2)) v(k) where e.cooperative_id = ${B.coop.id} and e.source_type = 'bench'`.execute(
      ledgerDb(trx),
    );
  });
  // The rate is measured by `npm run bench`, not asserted here (no timed tests).
  const r = await withTenant(odb.db, B.coop.id, (trx) => writeFec(trx, B.actor('accountant'), 2026, dir));
  assert.equal(r.lines, 20000);
  const text = readFileSync(r.path, 'utf8').split('\r\n').filter(Boolean);
  assert.equal(text.length, 20001);
  const nums = new Set(text.slice(1).map((l) => l.split('\t')[2]));
  assert.equal(nums.size, 10000);
  // EcritureNum is the app's entry number, continuous in the journal, in the order of posting.
  assert.ok(nums.has('OD2026-1') && nums.has('OD2026-10000'));
  const order = text.slice(1, 5).map((l) => l.split('\t')[2]);
  assert.deepEqual(order, ['OD2026-1', 'OD2026-1', 'OD2026-2', 'OD2026-2']);
  // The file, written in ten pages of 1,000 entries, holds the same bytes as one page of them all.
  assert.equal(readFileSync(r.path, 'utf8'), await fecText2026(B, 20000));
});
