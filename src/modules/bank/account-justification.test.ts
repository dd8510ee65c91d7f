// Bank lines without a document: fees and interest recognised from the statement (CAMT bank
// transaction code or label) and posted to 627 / 768 in one click, URSSAF and DGFiP payments to
// 431 / 44551, through the ledger; paid salaries as match targets (D 421 the person / C 512);
// the matched list names every document with its number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { uuidv7 } from '../../core/ids.ts';
import {
  confirmSuggestion,
  ensureMainAccount,
  importStatement,
  justifyToAccount,
  listMatched,
  listToJustify,
} from './bank.service.ts';
import { recogniseAccountKind } from './account-justification.ts';
import { writeCamt053, type CamtEntry } from './camt-writer.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { LedgerTables } from '../ledger/index.ts';

const testDb = moduleView<LedgerTables>();

let odb: OpenDb;
let A: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});
const accountant = () => A.actor('accountant');
const tenant = <T>(fn: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
  withTenant(odb.db, A.coop.id, fn);
const day = addDays(todayParis(), -3);

async function importLines(entries: CamtEntry[]) {
  return tenant(async (trx) => {
    const account = (await ensureMainAccount(trx, accountant()))!;
    const xml = writeCamt053({
      messageId: `T-${uuidv7().slice(-8)}`,
      iban: account.iban,
      createdAt: `${day}T10:00:00`,
      entries,
    });
    return importStatement(trx, accountant(), {
      accountId: account.id,
      fileName: 'releve.xml',
      bytes: Buffer.from(xml),
      autoMatch: false,
    });
  });
}
async function entryLines(sourceId: string) {
  const rows = await testDb(odb.db)
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
      'entry_line.aux_account',
    ])
    .where('journal_entry.cooperative_id', '=', A.coop.id)
    .where('journal_entry.source_id', '=', sourceId)
    .orderBy('entry_line.line_no')
    .execute();
  return rows.map((r) => [r.journal_code, r.account, Number(r.debit_cents), Number(r.credit_cents), r.aux_account]);
}

test('the rule: CAMT codes first, then labels; direction respected; unknown lines left alone', () => {
  const l = (
    amountCents: number,
    label: string,
    bankCode: string | null = null,
    counterpartyName: string | null = null,
  ) => recogniseAccountKind({ amountCents, label, bankCode, counterpartyName });
  assert.equal(l(-850, 'OPERATION 4471', 'ACMT-MDOP-CHRG'), 'fees');
  assert.equal(l(-1200, 'COTISATION OFFRE PRO'), 'fees');
  assert.equal(l(-400, 'Commission d’intervention'), 'fees');
  assert.equal(l(312, 'INTERETS CREDITEURS 3T'), 'interest');
  assert.equal(l(312, 'VERSEMENT', 'ACMT-MDOP-INTR'), 'interest');
  assert.equal(l(-2840, 'AGIOS TRIMESTRE'), 'interest');
  assert.equal(l(-123400, 'PRLV SEPA URSSAF RHONE ALPES'), 'urssaf');
  assert.equal(l(-50000, 'PRLV SEPA', null, 'AG2R LA MONDIALE'), 'pension');
  assert.equal(l(-99000, 'PRLV SEPA DGFIP TVA 11 2026'), 'vat');
  assert.equal(l(-45000, 'PRLV DGFIP PAS 11 2026'), 'withholding');
  assert.equal(l(-45000, 'PRLV DGFIP 11 2026'), null, 'DGFiP without saying what: chosen by hand');
  assert.equal(l(850, 'FRAIS REMBOURSES', 'ACMT-MDOP-CHRG'), null, 'a credit is never a fee');
  assert.equal(l(-2390, 'CB MONOPRIX LYON'), null);
});

test('fees, interest, URSSAF and DGFiP lines posted to their accounts in one click, through the ledger', async () => {
  await importLines([
    {
      amountCents: -850,
      bookingDate: day,
      label: 'COMMISSION INTERVENTION',
      bankRef: 'F1',
      bankCode: 'ACMT-MDOP-CHRG',
    },
    { amountCents: 312, bookingDate: day, label: 'INTERETS CREDITEURS', bankRef: 'F2' },
    { amountCents: -123_400, bookingDate: day, label: 'PRLV SEPA URSSAF RHONE ALPES', bankRef: 'F3' },
    { amountCents: -99_000, bookingDate: day, label: 'PRLV SEPA DGFIP TVA', bankRef: 'F4' },
    { amountCents: -2_390, bookingDate: day, label: 'CB MONOPRIX LYON', bankRef: 'F5' },
  ]);
  const todo = await tenant((trx) => listToJustify(trx, accountant()));
  const byLabel = new Map(todo.items.map((i) => [i.tx.label, i]));
  assert.deepEqual([...byLabel.entries()].map(([k, v]) => [k, v.accountKind, v.tx.bankCode]).sort(), [
    ['CB MONOPRIX LYON', null, null],
    ['COMMISSION INTERVENTION', 'fees', 'ACMT-MDOP-CHRG'],
    ['INTERETS CREDITEURS', 'interest', null],
    ['PRLV SEPA DGFIP TVA', 'vat', null],
    ['PRLV SEPA URSSAF RHONE ALPES', 'urssaf', null],
  ]);
  const fee = byLabel.get('COMMISSION INTERVENTION')!.tx;
  const interest = byLabel.get('INTERETS CREDITEURS')!.tx;
  const urssaf = byLabel.get('PRLV SEPA URSSAF RHONE ALPES')!.tx;
  const vat = byLabel.get('PRLV SEPA DGFIP TVA')!.tx;
  const shop = byLabel.get('CB MONOPRIX LYON')!.tx;

  // A credit is not a fee; nobody but bank staff justifies lines.
  await assert.rejects(
    tenant((trx) => justifyToAccount(trx, accountant(), interest.id, 'fees')),
    /ligne créditrice ne peut pas être justifiée en « Frais bancaires »/,
  );
  await assert.rejects(tenant((trx) => justifyToAccount(trx, A.actor('entrepreneur'), fee.id, 'fees')));
  await assert.rejects(
    tenant((trx) => justifyToAccount(trx, accountant(), fee.id, 'caviar')),
    /Choisissez le type/,
  );

  assert.equal((await tenant((trx) => justifyToAccount(trx, accountant(), fee.id, 'fees'))).account, '627');
  assert.equal((await tenant((trx) => justifyToAccount(trx, accountant(), interest.id, 'interest'))).account, '768');
  assert.equal((await tenant((trx) => justifyToAccount(trx, accountant(), urssaf.id, 'urssaf'))).account, '431');
  assert.equal((await tenant((trx) => justifyToAccount(trx, accountant(), vat.id, 'vat'))).account, '44551');
  // Chosen by hand for a line the rule did not recognise (a card payment of bank services).
  assert.equal((await tenant((trx) => justifyToAccount(trx, accountant(), shop.id, 'fees'))).account, '627');
  // Twice: the line is already justified, nothing posted again.
  await assert.rejects(
    tenant((trx) => justifyToAccount(trx, accountant(), fee.id, 'fees')),
    /déjà justifiée/,
  );

  assert.deepEqual(await entryLines(fee.id), [
    ['BQ', '627', 850, 0, null],
    ['BQ', '512', 0, 850, null],
  ]);
  assert.deepEqual(await entryLines(interest.id), [
    ['BQ', '512', 312, 0, null],
    ['BQ', '768', 0, 312, null],
  ]);
  assert.deepEqual(await entryLines(urssaf.id), [
    ['BQ', '431', 123_400, 0, null],
    ['BQ', '512', 0, 123_400, null],
  ]);
  assert.deepEqual(await entryLines(vat.id), [
    ['BQ', '44551', 99_000, 0, null],
    ['BQ', '512', 0, 99_000, null],
  ]);
  const matched = await tenant((trx) => listMatched(trx, accountant()));
  const docs = matched.map((m) => m.document);
  assert.ok(docs.includes('Compte 627 — Services bancaires'), docs.join(' | '));
  assert.ok(docs.includes('Compte 768 — Autres produits financiers (intérêts)'), docs.join(' | '));
  assert.ok(docs.includes('Compte 431 — Sécurité sociale'), docs.join(' | '));
  const left = await tenant((trx) => listToJustify(trx, accountant()));
  assert.equal(left.items.filter((i) => i.tx.label.startsWith('COMMISSION')).length, 0);
});

test('a paid salary is a match target: the net transfer settles 421 for the person; shown by name and month', async () => {
  const ent = A.users.entrepreneur;
  const month = todayParis().slice(0, 7);
  const id = uuidv7();
  // A salary request already paid (accrued in the ledger): the fixture is written directly.
  await testDb(odb.db)
    .insertInto('salary_request')
    .values({
      cooperative_id: A.coop.id,
      id,
      activity_id: A.activityId,
      user_id: ent.id,
      month,
      basis: 'net',
      amount_cents: 180_000,
      employer_cost_cents: 330_000,
      gross_cents: 230_000,
      net_cents: 180_000,
      employer_contributions_cents: 100_000,
      employee_contributions_cents: 50_000,
      status: 'paid',
      paid_at: new Date(),
    })
    .execute();
  const name = (
    await odb.db.selectFrom('user_account').select('display_name').where('id', '=', ent.id).executeTakeFirstOrThrow()
  ).display_name;
  await importLines([
    {
      amountCents: -180_000,
      bookingDate: day,
      label: `VIR SALAIRE ${month}`,
      counterpartyName: name,
      bankRef: 'S1',
    },
  ]);
  const todo = await tenant((trx) => listToJustify(trx, accountant()));
  const line = todo.items.find((i) => i.tx.label === `VIR SALAIRE ${month}`);
  assert.ok(line);
  const s = line.suggestions.find((x) => x.suggestion.targets[0].item.targetType === 'salary');
  assert.ok(s, 'the paid salary is suggested');
  assert.equal(s.suggestion.targets[0].item.id, id);
  await tenant((trx) => confirmSuggestion(trx, accountant(), line.tx.id, s.key));
  assert.deepEqual(await entryLines(id), [
    ['BQ', '421', 180_000, 0, ent.id],
    ['BQ', '512', 0, 180_000, null],
  ]);
  const matched = await tenant((trx) => listMatched(trx, accountant()));
  const m = matched.find((x) => x.target_id === id);
  assert.equal(m?.document, `Salaire ${month} — ${name}`);
  // Settled once: no longer an open item.
  await importLines([
    { amountCents: -180_000, bookingDate: day, label: 'VIR SALAIRE BIS', counterpartyName: name, bankRef: 'S2' },
  ]);
  const again = await tenant((trx) => listToJustify(trx, accountant()));
  const bis = again.items.find((i) => i.tx.label === 'VIR SALAIRE BIS');
  assert.equal(bis?.suggestions.filter((x) => x.suggestion.targets.some((t) => t.item.id === id)).length, 0);
});

test('a supplier invoice paid in two transfers: remaining tracked, "payée en partie", each transfer posted once', async () => {
  const { createSupplier, createSupplierInvoice, approveSupplierInvoice, getSupplierInvoice } = await import(
    '../purchases/index.ts'
  );
  const ent = A.actor('entrepreneur');
  const support = A.actor('support');
  const issue = addDays(todayParis(), -20);
  const s = await tenant((trx) => createSupplier(trx, ent, { name: 'Menuiserie Vidal' }));
  const si = await tenant((trx) =>
    createSupplierInvoice(trx, ent, {
      supplierId: s.id,
      supplierNumber: 'MV-2026-77',
      issueDate: issue,
      dueDate: addDays(issue, 30),
      account: '604',
      submit: true,
      lines: [{ description: 'Étagères', vatRateBp: 2000, exclCents: 100_000 }],
      splits: [{ activityId: A.activityId, exclCents: 100_000 }],
    }),
  );
  await tenant((trx) => approveSupplierInvoice(trx, support, si.id));
  const first = await importLines([
    { amountCents: -50_000, bookingDate: day, label: 'VIR MENUISERIE VIDAL MV-2026-77 ACOMPTE', bankRef: 'P1' },
  ]);
  assert.equal(first.imported, 1);
  const t1 = (await tenant((trx) => listToJustify(trx, accountant()))).items.find((i) =>
    i.tx.label.includes('ACOMPTE'),
  )!;
  const partial = t1.suggestions.find((x) => x.suggestion.targets[0].item.id === si.id);
  assert.ok(partial, 'the half payment is suggested against the invoice');
  assert.equal(partial.suggestion.kind, 'partial');
  await tenant((trx) => confirmSuggestion(trx, accountant(), t1.tx.id, partial.key));
  let inv = (await tenant((trx) => getSupplierInvoice(trx, support, si.id)))!;
  assert.deepEqual([inv.status, inv.paidCents, inv.totalInclCents - inv.paidCents], ['partly_paid', 50_000, 70_000]);

  // More than what remains cannot be matched by hand; the exact rest settles it.
  await importLines([
    { amountCents: -80_000, bookingDate: day, label: 'VIR MENUISERIE VIDAL TROP', bankRef: 'P2' },
    { amountCents: -70_000, bookingDate: day, label: 'VIR MENUISERIE VIDAL MV-2026-77 SOLDE', bankRef: 'P3' },
  ]);
  const todo = (await tenant((trx) => listToJustify(trx, accountant()))).items;
  const over = todo.find((i) => i.tx.label.endsWith('TROP'))!;
  assert.equal(
    over.suggestions.filter((x) => x.suggestion.targets.some((t) => t.item.id === si.id && t.amountCents > 70_000))
      .length,
    0,
  );
  const { matchManually } = await import('./bank.service.ts');
  await assert.rejects(
    tenant((trx) =>
      matchManually(trx, accountant(), over.tx.id, [
        { targetType: 'supplier_invoice', id: si.id, amountCents: 80_000 },
      ]),
    ),
    /au plus le reste dû/,
  );
  const rest = todo.find((i) => i.tx.label.endsWith('SOLDE'))!;
  const full = rest.suggestions.find((x) => x.suggestion.targets[0].item.id === si.id);
  assert.ok(full);
  await tenant((trx) => confirmSuggestion(trx, accountant(), rest.tx.id, full.key));
  inv = (await tenant((trx) => getSupplierInvoice(trx, support, si.id)))!;
  assert.deepEqual([inv.status, inv.paidCents], ['paid', 120_000]);

  // Two payment entries D 401 / C 512, one per transfer, summing to the invoice.
  const entries = await testDb(odb.db)
    .selectFrom('entry_line')
    .innerJoin('journal_entry', (j) =>
      j
        .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
        .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
    )
    .select(['entry_line.account', 'entry_line.debit_cents', 'entry_line.credit_cents'])
    .where('journal_entry.cooperative_id', '=', A.coop.id)
    .where('journal_entry.source_type', '=', 'purchases.supplier_payment')
    .where('entry_line.account', '=', '401')
    .where('entry_line.aux_account', '=', s.id)
    .execute();
  assert.deepEqual(
    entries.map((e) => Number(e.debit_cents)).sort((a, b) => a - b),
    [50_000, 70_000],
  );

  // The matched list names the supplier invoice by its number.
  const matched = await tenant((trx) => listMatched(trx, accountant()));
  const m = matched.filter((x) => x.target_id === si.id);
  assert.equal(m.length, 2);
  assert.equal(m[0].document, 'Facture fournisseur MV-2026-77 — Menuiserie Vidal');
  assert.equal(m[0].number, 'MV-2026-77');
  assert.equal(m[0].href, `/factures-fournisseurs/${si.id}`);
});

test('fuzz: random transfers against a supplier invoice never pay more than its total; ledger and status agree', async () => {
  const { createSupplier, createSupplierInvoice, approveSupplierInvoice, getSupplierInvoice } = await import(
    '../purchases/index.ts'
  );
  const { matchManually } = await import('./bank.service.ts');
  const support = A.actor('support');
  let seed = 20261207;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let round = 0; round < 3; round++) {
    const issue = addDays(todayParis(), -25);
    const s = await tenant((trx) =>
      createSupplier(trx, A.actor('entrepreneur'), { name: `Fournisseur fuzz ${round}` }),
    );
    const si = await tenant((trx) =>
      createSupplierInvoice(trx, A.actor('entrepreneur'), {
        supplierId: s.id,
        supplierNumber: `FZ-${round}`,
        issueDate: issue,
        account: '604',
        submit: true,
        lines: [{ description: 'Fuzz', vatRateBp: 2000, exclCents: 50_000 }],
        splits: [{ activityId: A.activityId, exclCents: 50_000 }],
      }),
    );
    await tenant((trx) => approveSupplierInvoice(trx, support, si.id));
    const total = 60_000;
    let paid = 0;
    for (let k = 0; k < 6; k++) {
      const amount = 1 + Math.floor(rand() * 40_000);
      const ref = `FZ${round}-${k}-${uuidv7().slice(-6)}`;
      await importLines([{ amountCents: -amount, bookingDate: day, label: `VIR ${ref}`, bankRef: ref }]);
      const line = (await tenant((trx) => listToJustify(trx, accountant()))).items.find(
        (i) => i.tx.label === `VIR ${ref}`,
      )!;
      const attempt = tenant((trx) =>
        matchManually(trx, accountant(), line.tx.id, [
          { targetType: 'supplier_invoice', id: si.id, amountCents: amount },
        ]),
      );
      if (paid + amount <= total) {
        await attempt;
        paid += amount;
      } else await assert.rejects(attempt, /Document introuvable ou déjà soldé|au plus le reste dû/);
      const inv = (await tenant((trx) => getSupplierInvoice(trx, support, si.id)))!;
      assert.equal(inv.paidCents, paid);
      assert.equal(inv.status, paid === total ? 'paid' : paid > 0 ? 'partly_paid' : 'approved');
    }
    const debits = await testDb(odb.db)
      .selectFrom('entry_line')
      .innerJoin('journal_entry', (j) =>
        j
          .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
          .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
      )
      .select((eb) => eb.fn.sum<number>('entry_line.debit_cents').as('d'))
      .where('journal_entry.cooperative_id', '=', A.coop.id)
      .where('journal_entry.source_type', '=', 'purchases.supplier_payment')
      .where('entry_line.account', '=', '401')
      .where('entry_line.aux_account', '=', s.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(debits.d ?? 0), paid, 'the ledger paid the supplier exactly what purchases recorded');
  }
});
