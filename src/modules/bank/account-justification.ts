// Lines justified straight to an account, with no document to match: bank fees and interest
// from the statement, social contributions (URSSAF, pension funds) and taxes (DGFiP). The pure
// part: the kinds and the rule that recognises them by the CAMT bank transaction code or by the
// label. The one-click justification (`justifyToAccount`, bank.service.ts) posts the entry
// through the ledger's index.ts (journal BQ) and matches the line to that entry (bank_match
// target 'account'), so the bank module never writes journal entries itself.
import { normalise } from './matching.ts';

export type AccountKind = 'fees' | 'interest' | 'urssaf' | 'pension' | 'vat' | 'withholding';

export const ACCOUNT_KINDS: Record<
  AccountKind,
  { label: string; button: string; account: (amountCents: number) => string; direction: 'in' | 'out' | 'both' }
> = {
  fees: { label: 'Frais bancaires', button: 'Frais bancaires', account: () => '627', direction: 'out' },
  interest: {
    label: 'Intérêts',
    button: 'Intérêts',
    // Interest received is income (768), interest paid (agios) a charge (661).
    account: (c) => (c > 0 ? '768' : '661'),
    direction: 'both',
  },
  urssaf: { label: 'Cotisations URSSAF', button: 'Cotisations URSSAF', account: () => '431', direction: 'out' },
  pension: { label: 'Retraite et prévoyance', button: 'Retraite, prévoyance', account: () => '437', direction: 'out' },
  vat: { label: 'TVA payée à la DGFiP', button: 'TVA (DGFiP)', account: () => '44551', direction: 'out' },
  withholding: {
    label: 'Prélèvement à la source (DGFiP)',
    button: 'Prélèvement à la source',
    account: () => '4421',
    direction: 'out',
  },
};
export const isAccountKind = (k: string): k is AccountKind => Object.hasOwn(ACCOUNT_KINDS, k);

/** ISO sub-families (BkTxCd) of charges and of interest. */
const FEE_CODES = new Set(['CHRG', 'FEES', 'COMM', 'COMI', 'COME', 'COMT', 'SUBS']);
const INTEREST_CODES = new Set(['INTR', 'RIMB']);

/**
 * What a line looks like, from its CAMT code first (the bank's own classification), then its label
 * and counterparty. Null when nothing is recognised: the line keeps its usual suggestions.
 */
export function recogniseAccountKind(line: {
  amountCents: number;
  label: string;
  counterpartyName: string | null;
  bankCode: string | null;
}): AccountKind | null {
  const sub = (line.bankCode ?? '').split('-')[2] ?? '';
  const out = line.amountCents < 0;
  if (FEE_CODES.has(sub) && out) return 'fees';
  if (INTEREST_CODES.has(sub)) return 'interest';
  const text = ` ${normalise(`${line.label} ${line.counterpartyName ?? ''}`)} `;
  if (out && /\b(URSSAF|ACOSS)\b/.test(text)) return 'urssaf';
  if (out && /\b(AG2R|MALAKOFF|HUMANIS|KLESIA|AGIRC|ARRCO|PREVOYANCE|HUMANIS|APICIL|IRCEM)\b/.test(text))
    return 'pension';
  if (out && /\b(DGFIP|TRESOR PUBLIC|FINANCES PUBLIQUES|IMPOTS?)\b/.test(text)) {
    if (/\b(PAS|PRELEVEMENT A LA SOURCE|RETENUE A LA SOURCE)\b/.test(text)) return 'withholding';
    if (/\bTVA\b/.test(text)) return 'vat';
    return null;
  }
  if (/\b(INTERETS?|INT CREDITEURS|AGIOS)\b/.test(text)) return 'interest';
  if (
    out &&
    /\b(FRAIS|COMMISSIONS?|COTISATION (CARTE|OFFRE|COMPTE)|ABONNEMENT (OFFRE|BANQUE|PRO)|TENUE DE COMPTE|FORFAIT)\b/.test(
      text,
    )
  )
    return 'fees';
  return null;
}

/** Whether a kind fits the line's direction (a fee is never a credit). */
export function kindFits(kind: AccountKind, amountCents: number): boolean {
  const d = ACCOUNT_KINDS[kind].direction;
  return d === 'both' || (d === 'out') === amountCents < 0;
}
