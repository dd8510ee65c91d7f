// The cooperative chart of accounts (Plan comptable général) and journals, created lazily per
// cooperative. Which account plays which role (customer, sales of services, pending VAT…) is
// configurable per cooperative in settings.ledgerAccounts; these are the defaults.
//
// Contribution accounts (documented choice): the contribution is an internal transfer between
// the activity's analytic section and the structure's ('STRUCT'). The activity bears a charge on
// 6228 "Contribution coopérative des activités" and the structure earns the same amount on 7068
// "Contribution des activités". Both lines are in the same entry (journal OD), so the cooperative's
// overall result is unchanged while each analytic section shows its share.
import { getCooperative } from '../directory/index.ts';
import { sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import { ledgerDb } from './db.ts';

export const DEFAULT_CHART: [string, string][] = [
  ['101', 'Capital social'],
  ['120', "Résultat de l'exercice (bénéfice)"],
  ['129', "Résultat de l'exercice (perte)"],
  ['401', 'Fournisseurs'],
  ['411', 'Clients'],
  ['421', 'Personnel — rémunérations dues'],
  ['431', 'Sécurité sociale'],
  ['437', 'Autres organismes sociaux'],
  ['4386', 'Organismes sociaux — autres charges à payer'],
  ['44566', 'TVA déductible sur autres biens et services'],
  ['44571', 'TVA collectée'],
  ['44574', 'TVA collectée en attente (sur encaissements)'],
  ['455', 'Associés — comptes courants'],
  ['467', 'Autres comptes débiteurs ou créditeurs'],
  ['471', "Compte d'attente"],
  ['512', 'Banque'],
  ['530', 'Caisse'],
  ['601', 'Achats stockés — matières premières'],
  ['604', "Achats d'études et prestations de services"],
  ['606', 'Achats non stockés de matières et fournitures'],
  ['613', 'Locations'],
  ['616', "Primes d'assurances"],
  ['622', "Rémunérations d'intermédiaires et honoraires"],
  ['6228', 'Contribution coopérative des activités'],
  ['623', 'Publicité, publications, relations publiques'],
  ['6251', 'Voyages et déplacements (indemnités kilométriques)'],
  ['626', 'Frais postaux et de télécommunications'],
  ['627', 'Services bancaires'],
  ['641', 'Rémunérations du personnel'],
  ['645', 'Charges de sécurité sociale et de prévoyance'],
  ['706', 'Prestations de services'],
  ['7068', 'Contribution des activités'],
  ['707', 'Ventes de marchandises'],
  ['708', 'Produits des activités annexes'],
];

/** Journal of the opening entries (à-nouveaux). They restate, on the first day of a fiscal year,
 *  balances already in the ledger: per-year reports include them, but any sum over all time (a
 *  receivable since the start, lettering, aged balance) must leave them out or count twice. */
export const OPENING_JOURNAL = 'AN';

/** The one numbering of an entry, the same on every page, export and in the FEC (EcritureNum):
 *  journal, fiscal year and the gapless posting number, « VT2026-12 ». */
export const entryLabel = (journal: string, fiscalYear: number, entryNumber: number) =>
  `${journal}${fiscalYear}-${entryNumber}`;

export const DEFAULT_JOURNALS: [string, string][] = [
  ['VT', 'Ventes'],
  ['AC', 'Achats'],
  ['BQ', 'Banque'],
  ['OD', 'Opérations diverses'],
  ['PA', 'Paie'],
  ['AN', 'À-nouveaux'],
];

export interface AccountRoles {
  customer: string;
  supplier: string;
  bank: string;
  salesServices: string;
  salesGoods: string;
  vatPending: string;
  vatCollected: string;
  vatDeductible: string;
  contributionCharge: string;
  contributionIncome: string;
  structureAnalyticCode: string;
}
export const DEFAULT_ROLES: AccountRoles = {
  customer: '411',
  supplier: '401',
  bank: '512',
  salesServices: '706',
  salesGoods: '707',
  vatPending: '44574',
  vatCollected: '44571',
  vatDeductible: '44566',
  contributionCharge: '6228',
  contributionIncome: '7068',
  structureAnalyticCode: 'STRUCT',
};

/** The account roles of a cooperative: defaults overridden by settings.ledgerAccounts. */
export async function accountRoles(trx: Tx, cooperativeId: string): Promise<AccountRoles> {
  const r = await getCooperative(trx, cooperativeId);
  const custom = ((r?.settings ?? {}) as Record<string, unknown>).ledgerAccounts as Partial<AccountRoles> | undefined;
  return { ...DEFAULT_ROLES, ...(custom ?? {}) };
}

const ensured = new WeakMap<object, Set<string>>();

/** Creates the default chart and journals of a cooperative if missing (idempotent, cheap once done). */
export async function ensureChart(trx: Tx, cooperativeId: string): Promise<void> {
  const key = trx as unknown as object;
  const done = ensured.get(key);
  if (done?.has(cooperativeId)) return;
  const have = await ledgerDb(trx)
    .selectFrom('ledger_journal')
    .select('code')
    .where('cooperative_id', '=', cooperativeId)
    .execute();
  if (have.length < DEFAULT_JOURNALS.length) {
    await ledgerDb(trx)
      .insertInto('ledger_journal')
      .values(DEFAULT_JOURNALS.map(([code, label]) => ({ cooperative_id: cooperativeId, code, label })))
      .onConflict((oc) => oc.columns(['cooperative_id', 'code']).doNothing())
      .execute();
    await ledgerDb(trx)
      .insertInto('ledger_account')
      .values(DEFAULT_CHART.map(([number, label]) => ({ cooperative_id: cooperativeId, number, label })))
      .onConflict((oc) => oc.columns(['cooperative_id', 'number']).doNothing())
      .execute();
  }
  ensured.set(key, new Set([...(done ?? []), cooperativeId]));
}

export async function createAccount(trx: Tx, cooperativeId: string, number: string, label: string): Promise<void> {
  await ledgerDb(trx)
    .insertInto('ledger_account')
    .values({ cooperative_id: cooperativeId, number, label })
    .onConflict((oc) => oc.columns(['cooperative_id', 'number']).doUpdateSet({ label: sql`excluded.label` }))
    .execute();
}
