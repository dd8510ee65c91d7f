// The bank-matching benchmark (issue 17: 10,000 lines in < 2 s), shared by `radieuse bench` and
// the dedicated scenario bench/bank.ts: a statement of 10,000 lines imported and matched in one
// transaction, rolled back after each run. One line in ten pays an open invoice (a different one
// each, when the cooperative has 1,000) by its customer's name, number and amount, a few days
// after it was issued, so each is matched and its payment recorded: the benchmark times the
// writes as well as the ranking. Should there be fewer open invoices, later lines name them again
// (each then names a customer whose open invoices all become name candidates). The nine others
// are supplier debits.
import type { Actor } from '../src/core/actor.ts';
import { addDays } from '../src/core/dates.ts';
import type { OpenDb } from '../src/core/db/index.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { ensureMainAccount, FRENCH_CSV_MAPPING, importStatement } from '../src/modules/bank/index.ts';
import { listInvoices } from '../src/modules/sales/index.ts';
import { type BenchResult, measure } from './measure.ts';

export const BANK_LINES = 10_000;

/** The CSV statement (French bank layout) for the actor's cooperative. */
export async function benchStatement(odb: OpenDb, actor: Actor, year: number): Promise<Uint8Array> {
  return withTenant(odb.db, actor.cooperativeId, async (trx) => {
    const invoices = (await listInvoices(trx, actor, { pageSize: BANK_LINES / 10, status: 'issued' })).items;
    const rows = ['date;libelle;debit;credit'];
    for (let i = 0; i < BANK_LINES; i++) {
      const inv = i % 10 === 0 ? invoices[(i / 10) % Math.max(1, invoices.length)] : undefined;
      const [y, m, d] = (
        inv
          ? addDays(inv.issueDate, 3 + (i % 20))
          : `${year}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`
      ).split('-');
      const day = `${d}/${m}/${y}`;
      const cents = inv ? inv.totalInclCents : 1000 + ((i * 7919) % 500_000);
      const amount = `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
      rows.push(
        inv
          ? `${day};VIR ${inv.customerName} FACTURE ${inv.number};;${amount}`
          : `${day};PRLV FOURNISSEUR ${i};${amount};`,
      );
    }
    return new TextEncoder().encode(`${rows.join('\n')}\n`);
  });
}

/** Imports and auto-matches the statement, then rolls everything back; returns how many matched. */
export async function importRolledBack(odb: OpenDb, actor: Actor, bytes: Uint8Array): Promise<number> {
  const rolledBack = new Error('rollback');
  let matched = 0;
  await withTenant(odb.db, actor.cooperativeId, async (trx) => {
    const account = await ensureMainAccount(trx, actor);
    if (!account) throw new Error('la coopérative n’a pas d’IBAN');
    const r = await importStatement(trx, actor, {
      accountId: account.id,
      bytes,
      fileName: 'releve.csv',
      format: 'csv',
      csvMapping: FRENCH_CSV_MAPPING,
      autoMatch: true,
    });
    if (r.lines !== BANK_LINES) throw new Error(`${r.lines} lignes lues sur ${BANK_LINES}`);
    matched = r.matched;
    throw rolledBack;
  }).catch((e) => {
    if (e !== rolledBack) throw e;
  });
  return matched;
}

export async function measureBankMatching(odb: OpenDb, actor: Actor, year: number, runs = 3): Promise<BenchResult> {
  const bytes = await benchStatement(odb, actor, year);
  return measure('bank matching', runs, () => importRolledBack(odb, actor, bytes), { unitsPerCall: BANK_LINES });
}
