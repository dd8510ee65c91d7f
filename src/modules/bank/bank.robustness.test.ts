// Robustness of imports and matching on a real database: over-, under- and double payments of the
// same invoice (never a duplicate match, never an over-payment confirmed automatically), invalid
// statement IBANs, and concurrent confirmations / imports (exactly one effect).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
import { ensureMainAccount, importStatement, listToJustify, confirmSuggestion, matchManually } from './bank.service.ts';
import { writeCamt053, type CamtEntry } from './camt-writer.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { BankTables } from './schema.ts';
import type { LedgerTables } from '../ledger/index.ts';
import type { SalesTables } from '../sales/index.ts';

const testDb = moduleView<BankTables & LedgerTables & SalesTables>();

let odb: OpenDb;
let A: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});

const today = todayParis();
const accountant = () => A.actor('accountant');
const tenant = <T>(fn: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
  withTenant(odb.db, A.coop.id, fn);

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
let ref = 0;
const entry = (amountCents: number, label: string, extra: Partial<CamtEntry> = {}): CamtEntry => ({
  amountCents,
  bookingDate: today,
  label,
  bankRef: `RB${++ref}`,
  ...extra,
});
const camt = (entries: CamtEntry[], iban = A.coop.iban!) =>
  Buffer.from(writeCamt053({ messageId: `RB-${++ref}`, iban, createdAt: `${today}T08:00:00`, entries }));

async function matchesOf(transactionIds: string[]) {
  if (!transactionIds.length) return [];
  return testDb(odb.db)
    .selectFrom('bank_match')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .where('transaction_id', 'in', transactionIds)
    .execute();
}

test('a line paying the full total of a half-paid invoice is imported and left to justify', async () => {
  const c = await customer('Boulangerie Lumière');
  const inv = await invoice(c.id, 182500); // 2 190,00 incl. VAT
  assert.equal(inv.totalInclCents, 219000);
  const half = inv.totalInclCents / 2;
  // Half paid by hand (not seen on the bank yet).
  await tenant((trx) =>
    recordPayment(trx, accountant(), inv.id, { amountCents: half, date: today, method: 'virement', reference: 'x' }),
  );
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  const r = await tenant((trx) =>
    importStatement(trx, accountant(), {
      accountId: acc.id,
      bytes: camt([
        entry(inv.totalInclCents, `VIR SEPA BOULANGERIE LUMIERE REF ${inv.number}`, {
          counterpartyName: 'BOULANGERIE LUMIERE',
        }),
      ]),
    }),
  );
  assert.deepEqual([r.imported, r.matched, r.toJustify], [1, 0, 1]);
  const list = await tenant((trx) => listToJustify(trx, accountant()));
  const line = list.items.find((i) => i.tx.label.includes(inv.number!));
  assert.ok(line, 'the line is to justify');
  assert.equal(line.tx.status, 'to_justify');
  for (const s of line.suggestions) {
    const keys = s.suggestion.targets.map((t) => `${t.item.targetType}:${t.item.id}`);
    assert.equal(new Set(keys).size, keys.length, `no target twice: ${s.key}`);
  }
  const after = await tenant((trx) => getInvoice(trx, accountant(), inv.id));
  assert.equal(after!.dueCents, half);
});

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fuzz: over-, under- and double payments of the same invoices never break an import', async () => {
  const next = rng(20261206);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  for (let round = 0; round < 6; round++) {
    const c = await customer(`Atelier Fuzz ${round} Tisserand`);
    const invs: Invoice[] = [];
    for (let k = 0; k < 2; k++) invs.push(await invoice(c.id, int(100, 3000) * 100));
    // Some invoices already partly paid by hand.
    for (const inv of invs)
      if (next() < 0.5)
        await tenant((trx) =>
          recordPayment(trx, accountant(), inv.id, {
            amountCents: Math.floor(inv.totalInclCents / int(2, 4)),
            date: today,
            method: 'virement',
            reference: 'main',
          }),
        );
    const dueBefore = new Map<string, number>();
    for (const inv of invs)
      dueBefore.set(inv.id, (await tenant((trx) => getInvoice(trx, accountant(), inv.id)))!.dueCents);
    // Several lines referencing the same invoices: exact due, total, over, under, twice.
    const entries: CamtEntry[] = [];
    for (const inv of invs) {
      const due = dueBefore.get(inv.id)!;
      const n = int(2, 4);
      for (let k = 0; k < n; k++) {
        const amount = [due, inv.totalInclCents, due + int(1, 5000), Math.max(1, due - int(1, 5000)), due][int(0, 4)];
        entries.push(
          entry(amount, `VIR ATELIER FUZZ ${round} TISSERAND ${next() < 0.5 ? 'FACTURE' : 'REF'} ${inv.number}`, {
            counterpartyName: `ATELIER FUZZ ${round} TISSERAND`,
            bookingDate: addDays(today, -int(0, 5)),
          }),
        );
      }
    }
    if (next() < 0.5)
      entries.push(
        entry(
          invs.reduce((t, i) => t + dueBefore.get(i.id)!, 0),
          `VIR ATELIER FUZZ ${round} TISSERAND ${invs.map((i) => i.number).join(' ')}`,
        ),
      );
    const r = await tenant((trx) => importStatement(trx, accountant(), { accountId: acc.id, bytes: camt(entries) }));
    assert.equal(r.imported, entries.length);
    const txIds = (
      await testDb(odb.db)
        .selectFrom('bank_transaction')
        .select('id')
        .where('cooperative_id', '=', A.coop.id)
        .where('import_id', '=', r.importId!)
        .execute()
    ).map((x) => x.id);
    // Automatic matches: a line links a payment recorded by hand, or records a new one that never
    // exceeds what was due (over-payments stay to justify).
    const ms = await matchesOf(txIds);
    const handPayments = new Set(
      (
        await testDb(odb.db)
          .selectFrom('payment')
          .select('id')
          .where('cooperative_id', '=', A.coop.id)
          .where('reference', '=', 'main')
          .execute()
      ).map((p) => p.id),
    );
    const newByInvoice = new Map<string, number>();
    const perLineTarget = new Set<string>();
    for (const m of ms) {
      assert.equal(m.matched_by, 'auto');
      const k = `${m.transaction_id}:${m.target_id}`;
      assert.ok(!perLineTarget.has(k), 'one match per line and target');
      perLineTarget.add(k);
      if (m.payment_id && handPayments.has(m.payment_id)) continue;
      newByInvoice.set(m.target_id, (newByInvoice.get(m.target_id) ?? 0) + Number(m.amount_cents));
    }
    for (const inv of invs) {
      const got = newByInvoice.get(inv.id) ?? 0;
      assert.ok(got <= dueBefore.get(inv.id)!, `auto-matched ${got} > due ${dueBefore.get(inv.id)}`);
      const now = (await tenant((trx) => getInvoice(trx, accountant(), inv.id)))!;
      assert.ok(now.dueCents >= 0);
      assert.equal(now.dueCents, dueBefore.get(inv.id)! - got);
    }
    // Suggestions of the remaining lines: never the same target twice.
    const list = await tenant((trx) => listToJustify(trx, accountant(), { limit: 500 }));
    for (const it of list.items)
      for (const s of it.suggestions) {
        const keys = s.suggestion.targets.map(
          (t) => `${t.item.targetType}:${t.item.id}:${t.item.existingPaymentId ?? ''}`,
        );
        const targetKeys = s.suggestion.targets.map((t) => `${t.item.targetType}:${t.item.id}`);
        assert.equal(new Set(targetKeys).size, targetKeys.length, `target twice in ${keys.join(',')}`);
      }
  }
});

test('a CAMT.053 statement whose account IBAN is invalid is refused whole, nothing written', async () => {
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  const count = async (table: 'bank_statement_import' | 'bank_transaction') =>
    Number(
      (
        await testDb(odb.db)
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('cooperative_id', '=', A.coop.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const before = [await count('bank_statement_import'), await count('bank_transaction')];
  // The main account's IBAN with a wrong check digit.
  const good = A.coop.iban!.replace(/\s/g, '');
  const badCheck = `${good.slice(0, 2)}${String((Number(good.slice(2, 4)) + 1) % 100).padStart(2, '0')}${good.slice(4)}`;
  for (const iban of [badCheck, 'FR76ABC', `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`])
    await assert.rejects(
      tenant((trx) =>
        importStatement(trx, accountant(), {
          accountId: acc.id,
          bytes: camt([entry(12345, 'VIR SEPA QUELQUUN'), entry(-500, 'FRAIS')], iban),
        }),
      ),
      (e: Error) => {
        assert.match(e.message, /rien n'a été importé/);
        assert.match(e.message, /IBAN du compte du relevé invalide/);
        return true;
      },
    );
  assert.deepEqual([await count('bank_statement_import'), await count('bank_transaction')], before);
});

async function paymentsOf(invoiceId: string) {
  return testDb(odb.db)
    .selectFrom('payment')
    .selectAll()
    .where('cooperative_id', '=', A.coop.id)
    .where('invoice_id', '=', invoiceId)
    .execute();
}
async function postingsOf(paymentIds: string[]) {
  if (!paymentIds.length) return [];
  return testDb(odb.db)
    .selectFrom('journal_entry')
    .select(['id', 'source_id'])
    .where('cooperative_id', '=', A.coop.id)
    .where('source_type', '=', 'sales.payment')
    .where('source_id', 'in', paymentIds)
    .execute();
}
const N = 8;

test('concurrency: 8 parallel confirmations of one suggestion, 8 parallel manual matches: one payment, one posting', async () => {
  const c = await customer('Menuiserie Parallèle Concurrente');
  const i1 = await invoice(c.id, 41300);
  const i2 = await invoice(c.id, 52700);
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  // Amount only: suggested, never automatic.
  const r = await tenant((trx) =>
    importStatement(trx, accountant(), {
      accountId: acc.id,
      bytes: camt([entry(i1.totalInclCents, 'VIREMENT RECU'), entry(i2.totalInclCents, 'VIR INST RECU')]),
    }),
  );
  assert.deepEqual([r.imported, r.matched], [2, 0]);
  const list = await tenant((trx) => listToJustify(trx, accountant(), { limit: 500 }));
  const l1 = list.items.find((x) => x.tx.amountCents === i1.totalInclCents)!;
  const l2 = list.items.find((x) => x.tx.amountCents === i2.totalInclCents)!;
  const key = l1.suggestions.find((s) => s.suggestion.targets[0].item.id === i1.id)!.key;
  const confirms = await Promise.allSettled(
    Array.from({ length: N }, () => tenant((trx) => confirmSuggestion(trx, accountant(), l1.tx.id, key))),
  );
  assert.equal(confirms.filter((x) => x.status === 'fulfilled').length, 1);
  for (const x of confirms)
    if (x.status === 'rejected') assert.match(String(x.reason?.message), /déjà justifiée|plus valable/);
  const p1 = await paymentsOf(i1.id);
  assert.equal(p1.length, 1);
  assert.equal((await postingsOf(p1.map((p) => p.id))).length, 1);
  assert.equal((await matchesOf([l1.tx.id])).length, 1);

  // The same line matched by hand, in parallel, against the same invoice or against others of the same
  // amount: the line pays one of them, once.
  const others = [i2];
  for (let k = 1; k < 4; k++) others.push(await invoice(c.id, 52700));
  const manual = await Promise.allSettled(
    Array.from({ length: N }, (_, k) =>
      tenant((trx) =>
        matchManually(trx, accountant(), l2.tx.id, [
          { targetType: 'invoice', id: others[k % others.length].id, amountCents: i2.totalInclCents },
        ]),
      ),
    ),
  );
  assert.equal(manual.filter((x) => x.status === 'fulfilled').length, 1);
  const p2 = (await Promise.all(others.map((o) => paymentsOf(o.id)))).flat();
  assert.equal(p2.length, 1);
  assert.equal((await postingsOf(p2.map((p) => p.id))).length, 1);
  assert.equal((await matchesOf([l2.tx.id])).length, 1);
});

test('concurrency: 8 parallel imports of the same file: its lines once, one payment, one posting', async () => {
  const c = await customer('Imprimerie Simultanée Dupont');
  const inv = await invoice(c.id, 63100);
  const acc = (await tenant((trx) => ensureMainAccount(trx, accountant())))!;
  const file = camt([
    entry(inv.totalInclCents, `VIR IMPRIMERIE SIMULTANEE DUPONT FACTURE ${inv.number}`, {
      counterpartyName: 'IMPRIMERIE SIMULTANEE DUPONT',
    }),
    entry(-990, 'FRAIS PARALLELES'),
  ]);
  const results = await Promise.allSettled(
    Array.from({ length: N }, () =>
      tenant((trx) => importStatement(trx, accountant(), { accountId: acc.id, bytes: file })),
    ),
  );
  const ok = results.filter((x) => x.status === 'fulfilled').map((x) => x.value);
  assert.equal(ok.length, N, String(results.find((x) => x.status === 'rejected')?.reason));
  assert.equal(
    ok.reduce((t, x) => t + x.imported, 0),
    2,
  );
  assert.equal(
    ok.reduce((t, x) => t + x.matched, 0),
    1,
  );
  const lines = await testDb(odb.db)
    .selectFrom('bank_transaction')
    .select('id')
    .where('cooperative_id', '=', A.coop.id)
    .where('label', 'in', [`VIR IMPRIMERIE SIMULTANEE DUPONT FACTURE ${inv.number}`, 'FRAIS PARALLELES'])
    .execute();
  assert.equal(lines.length, 2);
  const p = await paymentsOf(inv.id);
  assert.equal(p.length, 1);
  assert.equal((await postingsOf(p.map((x) => x.id))).length, 1);
});
