import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { captureCliOutput } from '../../core/cli.ts';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { todayParis, addDays } from '../../core/dates.ts';

import {
  createCustomer,
  createDraft,
  submitInvoice,
  validateInvoice,
  recordPayment,
  getInvoice,
  type Invoice,
} from '../sales/index.ts';
import { loadConfig } from '../../core/config.ts';
import {
  ensureMainAccount,
  importStatement,
  listToJustify,
  confirmSuggestion,
  matchManually,
  markIgnored,
  listAccounts,
  createAccount,
} from './bank.service.ts';
import { StatementParseError } from './parsers.ts';
import { writeCamt053, type CamtEntry } from './camt-writer.ts';
import { bankCommands } from './commands.ts';
import type { CliValues } from '../../core/cli.ts';
import { bankDb } from './db.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { BankTables } from './schema.ts';
import type { LedgerTables } from '../ledger/index.ts';
import type { SalesTables } from '../sales/index.ts';

const testDb = moduleView<BankTables & LedgerTables & SalesTables>();

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});

const today = todayParis();
const accountant = () => A.actor('accountant');
const tenant = <T>(fn: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>, coop = A) =>
  withTenant(odb.db, coop.coop.id, fn);

async function customer(name: string) {
  return tenant((trx) =>
    createCustomer(trx, A.actor('support'), {
      kind: 'individual',
      name,
      email: 'client@exemple.fr',
      addressLine1: '3 rue des Tests',
      postalCode: '69002',
      city: 'Lyon',
      countryCode: 'FR',
    } as Parameters<typeof createCustomer>[2]),
  );
}
async function invoice(customerId: string, unitCents: number): Promise<Invoice> {
  return tenant(async (trx) => {
    const d = await createDraft(trx, A.actor('support'), {
      activityId: A.activityId,
      customerId,
      lines: [
        {
          description: 'Prestation',
          quantityMilli: 1000,
          unitPriceCents: unitCents,
          vatCategory: 'S',
          vatRateBp: 2000,
          nature: 'services',
        },
      ],
    });
    await submitInvoice(trx, A.actor('support'), d.id);
    return validateInvoice(trx, A.actor('support'), d.id);
  });
}
const camt = (entries: CamtEntry[], iban = A.coop.iban!) =>
  Buffer.from(
    writeCamt053({
      messageId: `T-${entries.length}-${entries[0]?.bankRef}`,
      iban,
      createdAt: `${today}T08:00:00`,
      entries,
    }),
  );
let ref = 0;
const entry = (amountCents: number, label: string, extra: Partial<CamtEntry> = {}): CamtEntry => ({
  amountCents,
  bookingDate: today,
  label,
  bankRef: `R${++ref}`,
  ...extra,
});

test('main account created on first use; other accounts checked', async () => {
  const acc = await tenant((trx) => ensureMainAccount(trx, accountant()));
  assert.equal(acc!.iban, A.coop.iban);
  assert.equal(acc!.ledgerAccount, '512');
  const again = await tenant((trx) => listAccounts(trx, accountant()));
  assert.equal(again.length, 1);
  await assert.rejects(
    tenant((trx) => createAccount(trx, accountant(), { iban: 'FR7630004000310000001234568', label: 'Livret' })),
    /IBAN invalide/,
  );
  await assert.rejects(
    tenant((trx) => listAccounts(trx, A.actor('entrepreneur'))),
    /accès/,
  );
});

test('import + auto-match: payment recorded in sales and posted D 512 / C 411; re-import adds nothing', async () => {
  const c = await customer('Boulangerie Lumière');
  const inv = await invoice(c.id, 100000); // 1 200,00 incl. VAT
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  const file = camt([
    entry(inv.totalInclCents, `VIR BOULANGERIE LUMIERE FACTURE ${inv.number}`, {
      counterpartyName: 'BOULANGERIE LUMIERE',
    }),
    entry(-1290, 'FRAIS TENUE DE COMPTE'),
  ]);
  const r = await tenant((trx) =>
    importStatement(trx, accountant(), { accountId: acc.id, bytes: file, fileName: 'releve.xml' }),
  );
  assert.deepEqual([r.imported, r.duplicates, r.matched, r.toJustify], [2, 0, 1, 1]);
  const after1 = await tenant((trx) => getInvoice(trx, accountant(), inv.id));
  assert.equal(after1!.status, 'paid');
  const lines = await testDb(odb.db)
    .selectFrom('entry_line')
    .innerJoin('journal_entry', (j) =>
      j
        .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
        .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
    )
    .select(['entry_line.account', 'entry_line.debit_cents', 'entry_line.credit_cents'])
    .where('journal_entry.cooperative_id', '=', A.coop.id)
    .where('journal_entry.source_type', '=', 'sales.payment')
    .execute();
  assert.ok(lines.some((l) => l.account === '512' && Number(l.debit_cents) === inv.totalInclCents));
  assert.ok(lines.some((l) => l.account === '411' && Number(l.credit_cents) === inv.totalInclCents));
  const m = await testDb(odb.db).selectFrom('bank_match').selectAll().where('cooperative_id', '=', A.coop.id).execute();
  assert.equal(m.length, 1);
  assert.equal(m[0].matched_by, 'auto');
  assert.ok(m[0].payment_id);
  // Same file again: nothing new, nothing matched twice.
  const r2 = await tenant((trx) =>
    importStatement(trx, accountant(), { accountId: acc.id, bytes: file, fileName: 'releve.xml' }),
  );
  assert.deepEqual([r2.imported, r2.duplicates, r2.matched], [0, 2, 0]);
  const n = await testDb(odb.db)
    .selectFrom('bank_transaction')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(n.n), 2);
  // Transactions are never deleted.
  await testDb(odb.db).deleteFrom('bank_transaction').where('cooperative_id', '=', A.coop.id).execute();
  const n2 = await testDb(odb.db)
    .selectFrom('bank_transaction')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(n2.n), 2);
  // The other cooperative sees none of it.
  const other: unknown[] = await tenant((trx) => bankDb(trx).selectFrom('bank_transaction').selectAll().execute(), B);
  assert.equal(other.length, 0);
});

test('malformed file or wrong account: nothing imported', async () => {
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  const before = await testDb(odb.db)
    .selectFrom('bank_statement_import')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  const bad = readFileSync(new URL('./testdata/csv-malformed.csv', import.meta.url));
  await assert.rejects(
    tenant((trx) => importStatement(trx, accountant(), { accountId: acc.id, bytes: bad })),
    (e) => e instanceof StatementParseError && e.problems.length === 5,
  );
  await assert.rejects(
    tenant((trx) =>
      importStatement(trx, accountant(), { accountId: acc.id, bytes: camt([entry(100, 'X')], B.coop.iban!) }),
    ),
    /pas de/,
  );
  const after = await testDb(odb.db)
    .selectFrom('bank_statement_import')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', A.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));
});

test('grouped payment (one transfer, two invoices) and partial payments (one invoice, two transfers)', async () => {
  const c = await customer('Hôtel du Parc Rivière');
  const i1 = await invoice(c.id, 25000);
  const i2 = await invoice(c.id, 10000);
  const i3 = await invoice(c.id, 50000);
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  const part = 20000;
  const r = await tenant((trx) =>
    importStatement(trx, accountant(), {
      accountId: acc.id,
      bytes: camt([
        entry(i1.totalInclCents + i2.totalInclCents, `VIR HOTEL DU PARC RIVIERE FACT ${i1.number} ${i2.number}`),
        entry(part, `VIR HOTEL DU PARC RIVIERE ACOMPTE ${i3.number}`),
        entry(i3.totalInclCents - part, `VIR HOTEL DU PARC RIVIERE SOLDE ${i3.number}`, {
          bookingDate: addDays(today, 1),
        }),
      ]),
    }),
  );
  assert.equal(r.matched, 3);
  const inv = async (id: string) => (await tenant((trx) => getInvoice(trx, accountant(), id)))!;
  for (const i of [i1, i2, i3]) assert.equal((await inv(i.id)).status, 'paid');
  const payments = await testDb(odb.db)
    .selectFrom('payment')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .where('invoice_id', '=', i3.id)
    .execute();
  assert.deepEqual(
    payments.map((p) => Number(p.amount_cents)).sort((a, b) => a - b),
    [part, i3.totalInclCents - part].sort((a, b) => a - b),
  );
});

test('"à justifier": suggestions, one-click confirmation, manual partial match, ignored fee', async () => {
  const c = await customer('Librairie Passage Dupuis');
  const i1 = await invoice(c.id, 30000);
  const i2 = await invoice(c.id, 30000); // same amount: ambiguous
  const paidByHand = await invoice(c.id, 7000);
  await tenant((trx) =>
    recordPayment(trx, accountant(), paidByHand.id, { amountCents: paidByHand.totalInclCents, date: today }),
  );
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  const r = await tenant((trx) =>
    importStatement(trx, accountant(), {
      accountId: acc.id,
      bytes: camt([
        entry(i1.totalInclCents, 'VIR LIBRAIRIE PASSAGE DUPUIS'),
        entry(paidByHand.totalInclCents, `VIR LIBRAIRIE PASSAGE DUPUIS ${paidByHand.number}`),
        entry(5000, 'VIREMENT RECU'),
        entry(-850, 'COTISATION CARTE'),
      ]),
    }),
  );
  assert.equal(r.imported, 4);
  assert.equal(r.matched, 1, 'the payment recorded by hand is linked, nothing recorded twice');
  const handPayments = await testDb(odb.db)
    .selectFrom('payment')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .where('invoice_id', '=', paidByHand.id)
    .execute();
  assert.equal(handPayments.length, 1);
  const list = await tenant((trx) => listToJustify(trx, accountant()));
  const amb = list.items.find((x) => x.tx.label === 'VIR LIBRAIRIE PASSAGE DUPUIS')!;
  assert.ok(amb.suggestions.length >= 2);
  const ids = amb.suggestions.map((s) => s.suggestion.targets[0].item.id);
  assert.ok(ids.includes(i1.id) && ids.includes(i2.id));
  const pick = amb.suggestions.find((s) => s.suggestion.targets[0].item.id === i2.id)!;
  await tenant((trx) => confirmSuggestion(trx, accountant(), amb.tx.id, pick.key));
  assert.equal((await tenant((trx) => getInvoice(trx, accountant(), i2.id)))!.status, 'paid');
  await assert.rejects(
    tenant((trx) => confirmSuggestion(trx, accountant(), amb.tx.id, pick.key)),
    /déjà justifiée/,
  );
  // Manual: 50,00 € as a partial payment of i1.
  const unknown = list.items.find((x) => x.tx.label === 'VIREMENT RECU')!;
  await assert.rejects(
    tenant((trx) =>
      matchManually(trx, accountant(), unknown.tx.id, [{ targetType: 'invoice', id: i1.id, amountCents: 4000 }]),
    ),
    /égale au montant/,
  );
  await tenant((trx) =>
    matchManually(trx, accountant(), unknown.tx.id, [{ targetType: 'invoice', id: i1.id, amountCents: 5000 }]),
  );
  assert.equal((await tenant((trx) => getInvoice(trx, accountant(), i1.id)))!.status, 'partly_paid');
  const fee = list.items.find((x) => x.tx.label === 'COTISATION CARTE')!;
  await tenant((trx) => markIgnored(trx, accountant(), fee.tx.id));
  const left = await tenant((trx) => listToJustify(trx, accountant()));
  assert.ok(!left.items.some((x) => [amb.tx.id, unknown.tx.id, fee.tx.id].includes(x.tx.id)));
});

test('CLI import bank: JSON counts, unknown cooperative and malformed file fail clearly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bank-cli-'));
  const c = await customer('Garage Central Nord');
  const inv = await invoice(c.id, 40000);
  const f = join(dir, 'releve.xml');
  writeFileSync(f, camt([entry(inv.totalInclCents, `VIR GARAGE CENTRAL NORD ${inv.number}`), entry(-1500, 'FRAIS')]));
  const cmd = bankCommands.find((x) => x.name === 'import bank')!;
  const outs: string[] = [];
  const errs: string[] = [];
  const capture = async (fn: () => Promise<unknown>) => {
    const r = await captureCliOutput(fn);
    outs.push(r.out);
    errs.push(r.err);
    return r.result;
  };
  const config = loadConfig();
  const run = (values: CliValues, positionals: string[]) =>
    capture(() => cmd.run({ values, positionals, config, odb }));
  const code = await run({ cooperative: A.coop.slug, account: A.coop.iban!, format: 'json' }, [f]);
  assert.equal(code ?? 0, 0);
  assert.deepEqual(JSON.parse(outs.join('').trim()), { imported: 2, duplicates: 0, matched: 1, to_justify: 1 });
  outs.length = 0;
  await run({ cooperative: A.coop.slug, account: A.coop.iban!, format: 'json' }, [f]);
  assert.deepEqual(JSON.parse(outs.join('').trim()), { imported: 0, duplicates: 2, matched: 0, to_justify: 0 });
  await assert.rejects(run({ cooperative: 'nope', account: A.coop.iban! }, [f]), /coopérative inconnue : nope/);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, readFileSync(new URL('./testdata/csv-malformed.csv', import.meta.url)));
  const code2 = await run({ cooperative: A.coop.slug, account: A.coop.iban! }, [bad]);
  assert.equal(code2, 1);
  assert.match(errs.join(''), /ligne 3 : date invalide/);
  assert.match(errs.join(''), /ligne 7 : guillemet non refermé/);
});

test('debit line: an approved supplier invoice is matched and marked paid through purchases', async () => {
  const { createSupplier, createSupplierInvoice, approveSupplierInvoice, getSupplierInvoice } = await import(
    '../purchases/index.ts'
  );
  const ent = A.actor('entrepreneur');
  const support = A.actor('support');
  const issue = addDays(today, -10);
  const s = await tenant((trx) => createSupplier(trx, ent, { name: 'Imprimerie Rhône Alpes' }));
  const si = await tenant((trx) =>
    createSupplierInvoice(trx, ent, {
      supplierId: s.id,
      supplierNumber: 'IMP-2026-118',
      issueDate: issue,
      dueDate: addDays(issue, 30),
      account: '604',
      submit: true,
      lines: [{ description: 'Flyers', vatRateBp: 2000, exclCents: 30_000 }],
      splits: [{ activityId: A.activityId, exclCents: 30_000 }],
    }),
  );
  await tenant((trx) => approveSupplierInvoice(trx, support, si.id));
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  const r = await tenant((trx) =>
    importStatement(trx, accountant(), {
      accountId: acc.id,
      bytes: camt([
        entry(-36000, 'VIR IMPRIMERIE RHONE ALPES FACTURE IMP-2026-118', {
          counterpartyName: 'IMPRIMERIE RHONE ALPES',
        }),
      ]),
    }),
  );
  assert.equal(r.matched, 1);
  assert.equal((await tenant((trx) => getSupplierInvoice(trx, support, si.id)))!.status, 'paid');
  const m = await testDb(odb.db)
    .selectFrom('bank_match')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .where('target_id', '=', si.id)
    .executeTakeFirstOrThrow();
  assert.equal(m.target_type, 'supplier_invoice');
  assert.equal(Number(m.amount_cents), -36000);
});
