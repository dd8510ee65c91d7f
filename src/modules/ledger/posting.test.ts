import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { emit } from '../../core/events.ts';
import { UserError } from '../../core/errors.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { SALES_EVENTS } from '../sales/index.ts';
import { closePeriod, createManualEntry, postEntry, reverseEntry } from './posting.service.ts';
import { ACME, invoicePayload, paymentPayload } from './test-helpers.ts';
import { ledgerDb } from './db.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb.close();
});

async function linesOf(coop: TestCoop, sourceType: string, sourceId: string) {
  return withTenant(odb.db, coop.coop.id, (trx) =>
    ledgerDb(trx)
      .selectFrom('entry_line')
      .innerJoin('journal_entry', (j) =>
        j
          .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
          .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
      )
      .select([
        'journal_entry.journal_code',
        'entry_line.account',
        'entry_line.debit_cents',
        'entry_line.credit_cents',
        'entry_line.analytic_code',
        'entry_line.aux_account',
        'entry_line.lettering',
      ])
      .where('journal_entry.source_type', '=', sourceType)
      .where('journal_entry.source_id', '=', sourceId)
      .orderBy('entry_line.line_no')
      .execute(),
  );
}
const bal = (ls: { debit_cents: number; credit_cents: number }[]) =>
  ls.reduce((t, l) => t + l.debit_cents - l.credit_cents, 0);
const byAcc = (ls: { account: string; debit_cents: number; credit_cents: number }[]) => {
  const m: Record<string, number> = {};
  for (const l of ls) m[l.account] = (m[l.account] ?? 0) + l.debit_cents - l.credit_cents;
  return m;
};

test('a services invoice posts D 411 / C 706 + C 44574, balanced, on the activity code', async () => {
  const inv = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-04-10',
    shares: [['services', 100000, 2000]],
  });
  await withTenant(odb.db, A.coop.id, (trx) => emit(trx, A.actor('support'), SALES_EVENTS.invoiceValidated, inv));
  const ls = await linesOf(A, 'sales.invoice', inv.invoiceId);
  assert.equal(bal(ls), 0);
  assert.deepEqual(byAcc(ls), { '411': 120000, '706': -100000, '44574': -20000 });
  assert.ok(ls.every((l) => l.analytic_code === A.analyticCode && l.journal_code === 'VT'));
  assert.equal(ls.find((l) => l.account === '411')!.aux_account, ACME);
});

test('a goods invoice with two rates posts C 707 and C 44571', async () => {
  const inv = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-04-11',
    shares: [
      ['goods', 5000, 2000],
      ['goods', 3333, 550],
    ],
  });
  await withTenant(odb.db, A.coop.id, (trx) => emit(trx, A.actor('support'), SALES_EVENTS.invoiceValidated, inv));
  const ls = await linesOf(A, 'sales.invoice', inv.invoiceId);
  assert.deepEqual(byAcc(ls), { '411': 5000 + 1000 + 3333 + 183, '707': -8333, '44571': -1183 });
});

test('a payment posts D 512 / C 411, moves services VAT 44574 → 44571 and letters the invoice once fully paid', async () => {
  const inv = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-05-02',
    shares: [['services', 50000, 2000]],
  });
  await withTenant(odb.db, A.coop.id, (trx) => emit(trx, A.actor('support'), SALES_EVENTS.invoiceValidated, inv));
  const p1 = paymentPayload(inv, 20000, '2026-05-20');
  await withTenant(odb.db, A.coop.id, (trx) => emit(trx, A.actor('support'), SALES_EVENTS.paymentRecorded, p1));
  const l1 = await linesOf(A, 'sales.payment', p1.paymentId);
  assert.equal(bal(l1), 0);
  assert.deepEqual(byAcc(l1), {
    '512': 20000,
    '411': -20000,
    '44574': Math.round((10000 * 20000) / 60000),
    '44571': -Math.round((10000 * 20000) / 60000),
  });
  assert.ok(l1.every((l) => l.journal_code === 'BQ' && l.analytic_code === A.analyticCode));
  assert.equal(
    (await linesOf(A, 'sales.invoice', inv.invoiceId)).find((l) => l.account === '411')!.lettering,
    null,
    'not lettered while partly paid',
  );
  const p2 = paymentPayload(inv, 40000, '2026-06-03');
  await withTenant(odb.db, A.coop.id, (trx) => emit(trx, A.actor('support'), SALES_EVENTS.paymentRecorded, p2));
  const code = (await linesOf(A, 'sales.invoice', inv.invoiceId)).find((l) => l.account === '411')!.lettering;
  assert.ok(code, 'lettered once paid');
  assert.equal((await linesOf(A, 'sales.payment', p1.paymentId)).find((l) => l.account === '411')!.lettering, code);
  assert.equal((await linesOf(A, 'sales.payment', p2.paymentId)).find((l) => l.account === '411')!.lettering, code);
});

test('a credit note posts the mirror image of an invoice (and is posted once even if announced twice)', async () => {
  const cn = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-05-05',
    typeCode: '381',
    shares: [['services', 10000, 2000]],
  });
  await withTenant(odb.db, A.coop.id, async (trx) => {
    await emit(trx, A.actor('support'), SALES_EVENTS.creditNoteValidated, cn);
    await emit(trx, A.actor('support'), SALES_EVENTS.invoiceValidated, cn);
  });
  const ls = await linesOf(A, 'sales.invoice', cn.invoiceId);
  assert.deepEqual(byAcc(ls), { '411': -12000, '706': 10000, '44574': 2000 });
  const refund = paymentPayload(cn, -12000, '2026-05-07');
  await withTenant(odb.db, A.coop.id, (trx) => emit(trx, A.actor('support'), SALES_EVENTS.paymentRecorded, refund));
  const rl = await linesOf(A, 'sales.payment', refund.paymentId);
  assert.equal(bal(rl), 0);
  assert.equal(byAcc(rl)['512'], -12000);
});

test('the sum of all lines is zero and every entry balances; tenants are isolated', async () => {
  const inv = invoicePayload({
    activityId: B.activityId,
    activityCode: B.analyticCode,
    date: '2026-04-01',
    shares: [['services', 777, 2000]],
  });
  await withTenant(odb.db, B.coop.id, (trx) => emit(trx, B.actor('support'), SALES_EVENTS.invoiceValidated, inv));
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from (select entry_id from entry_line group by cooperative_id, entry_id having sum(debit_cents) <> sum(credit_cents)) x`.execute(
    odb.db,
  );
  assert.equal(r.rows[0].n, 0);
  const t = await sql<{
    d: number;
    c: number;
  }>`select sum(debit_cents)::bigint as d, sum(credit_cents)::bigint as c from entry_line`.execute(odb.db);
  assert.equal(Number(t.rows[0].d), Number(t.rows[0].c));
  const seenByB = await withTenant(odb.db, B.coop.id, (trx) =>
    ledgerDb(trx).selectFrom('entry_line').select('cooperative_id').execute(),
  );
  assert.ok(
    seenByB.length > 0 && seenByB.every((x) => x.cooperative_id === B.coop.id),
    'RLS: B sees only its own lines',
  );
});

test('entries are numbered without gaps per journal; a failed posting gives its number back', async () => {
  const actor = A.actor('accountant');
  const ok = (amount: number) => ({
    journal: 'OD',
    date: '2026-07-01',
    label: 'Test',
    pieceRef: 'T',
    source: { type: 'manual', id: null },
    lines: [
      { account: '512', debitCents: amount },
      { account: '467', creditCents: amount },
    ],
  });
  const first = await withTenant(odb.db, A.coop.id, (trx) => postEntry(trx, actor, ok(100)));
  await assert.rejects(
    withTenant(odb.db, A.coop.id, async (trx) => {
      await postEntry(trx, actor, ok(200));
      throw new Error('rollback');
    }),
  );
  const second = await withTenant(odb.db, A.coop.id, (trx) => postEntry(trx, actor, ok(300)));
  assert.equal(second.number, first.number + 1);
});

test('closed periods refuse postings, including sales events; a reversal goes on an open period', async () => {
  const acc = A.actor('accountant');
  const e = await withTenant(odb.db, A.coop.id, (trx) =>
    postEntry(trx, acc, {
      journal: 'OD',
      date: '2026-03-15',
      label: 'Avant clôture',
      pieceRef: 'X1',
      source: { type: 'manual', id: null },
      lines: [
        { account: '512', debitCents: 1000, analyticCode: A.analyticCode },
        { account: '467', creditCents: 1000 },
      ],
    }),
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) => closePeriod(trx, A.actor('entrepreneur'), '2026-03')),
    /accès/,
  );
  await withTenant(odb.db, A.coop.id, (trx) => closePeriod(trx, acc, '2026-03'));
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      postEntry(trx, acc, {
        journal: 'OD',
        date: '2026-03-20',
        label: 'Après',
        pieceRef: 'X2',
        source: { type: 'manual', id: null },
        lines: [
          { account: '512', debitCents: 1 },
          { account: '467', creditCents: 1 },
        ],
      }),
    ),
    (err: unknown) =>
      err instanceof UserError &&
      err.message === "La période de mars 2026 est clôturée : passez une écriture d'extourne sur une période ouverte.",
  );
  const inv = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-03-31',
    shares: [['services', 1000, 2000]],
  });
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) => emit(trx, A.actor('support'), SALES_EVENTS.invoiceValidated, inv)),
    /clôturée/,
  );
  assert.equal((await linesOf(A, 'sales.invoice', inv.invoiceId)).length, 0);
  const rev = await withTenant(odb.db, A.coop.id, (trx) => reverseEntry(trx, acc, e.id, { date: '2026-04-01' }));
  const rl = await linesOf(A, 'reversal', e.id);
  assert.deepEqual(byAcc(rl), { '512': -1000, '467': 1000 });
  assert.equal(rev.date, '2026-04-01');
  // The database itself refuses to change a posted entry or line (except lettering).
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      ledgerDb(trx)
        .updateTable('entry_line')
        .set({ debit_cents: 5 })
        .where('cooperative_id', '=', A.coop.id)
        .where('entry_id', '=', e.id)
        .execute(),
    ),
    /intangibles/,
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      ledgerDb(trx)
        .deleteFrom('journal_entry')
        .where('cooperative_id', '=', A.coop.id)
        .where('id', '=', e.id)
        .execute(),
    ),
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      ledgerDb(trx)
        .deleteFrom('entry_line')
        .where('cooperative_id', '=', A.coop.id)
        .where('entry_id', '=', e.id)
        .execute(),
    ),
    /intangibles/,
  );
});

test('an unbalanced manual entry is refused with the exact message and nothing is written', async () => {
  const acc = A.actor('accountant');
  const count = async () =>
    Number((await sql<{ n: number }>`select count(*)::int as n from journal_entry`.execute(odb.db)).rows[0].n);
  const before = await count();
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      createManualEntry(trx, acc, {
        date: '2026-08-01',
        label: 'Frais bancaires',
        pieceRef: 'REL-08',
        lines: [
          { account: '627', debit: '12,50' },
          { account: '512', credit: '12,40' },
        ],
      }),
    ),
    (e: unknown) =>
      e instanceof UserError && e.fields.lines === 'Écriture déséquilibrée : débit 12,50\u00a0€, crédit 12,40\u00a0€.',
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      createManualEntry(trx, acc, {
        date: '2026-13-01',
        label: '',
        pieceRef: 'R',
        lines: [
          { account: '627', debit: '-3' },
          { account: '99', credit: '3' },
        ],
      }),
    ),
    (e: unknown) =>
      e instanceof UserError &&
      !!e.fields.date &&
      !!e.fields.label &&
      !!e.fields['lines.0.debit'] &&
      !!e.fields['lines.1.account'],
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      createManualEntry(trx, acc, {
        date: '2026-08-01',
        label: 'Compte inconnu',
        pieceRef: 'R',
        lines: [
          { account: '6999', debit: '3' },
          { account: '512', credit: '3' },
        ],
      }),
    ),
    (e: unknown) => e instanceof UserError && /Compte inconnu/.test(e.fields['lines.0.account'] ?? ''),
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      createManualEntry(trx, A.actor('entrepreneur'), {
        date: '2026-08-01',
        label: 'Pas le droit',
        pieceRef: 'R',
        lines: [
          { account: '627', debit: '3' },
          { account: '512', credit: '3' },
        ],
      }),
    ),
  );
  assert.equal(await count(), before);
  const ok = await withTenant(odb.db, A.coop.id, (trx) =>
    createManualEntry(trx, acc, {
      date: '2026-08-01',
      label: 'Frais bancaires',
      pieceRef: 'REL-08',
      lines: [
        { account: '627', debit: '12,50', analyticCode: 'struct' },
        { account: '512', credit: '12,50' },
        { account: '' },
      ],
    }),
  );
  assert.equal(ok.journal, 'OD');
  assert.equal(await count(), before + 1);
});

test('postEntry refuses empty, negative and one-sided entries', async () => {
  const acc = A.actor('accountant');
  const base = { journal: 'OD', date: '2026-07-02', label: 'x', pieceRef: 'x', source: { type: 'manual', id: null } };
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) => postEntry(trx, acc, { ...base, lines: [] })),
    UserError,
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      postEntry(trx, acc, {
        ...base,
        lines: [
          { account: '512', debitCents: -5 },
          { account: '467', creditCents: -5 },
        ],
      }),
    ),
    /négatifs/,
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      postEntry(trx, acc, {
        ...base,
        lines: [
          { account: '512', debitCents: 5 },
          { account: '467', debitCents: 0, creditCents: 0 },
        ],
      }),
    ),
    UserError,
  );
  await assert.rejects(
    withTenant(odb.db, A.coop.id, (trx) =>
      postEntry(trx, acc, {
        ...base,
        lines: [
          { account: '512', debitCents: 500 },
          { account: '467', creditCents: 400 },
        ],
      }),
    ),
    (e: unknown) =>
      e instanceof UserError && e.message === 'Écriture déséquilibrée : débit 5,00\u00a0€, crédit 4,00\u00a0€.',
  );
});
