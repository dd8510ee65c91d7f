// Invoice arithmetic, pure: one rounding per line net (core/money lineAmount), VAT computed on
// each (category, rate) group's base and rounded once (EN 16931 BR-CO-17), totals are sums of
// rounded values (BR-CO-10..15). A document-level discount is split over the VAT groups pro
// rata of their bases (largest remainder), one allowance per group (BR-CO-11, BT-95/96).
import { lineAmount, applyBasisPoints, divRound, assertCents } from '../../core/money.ts';
import { UserError } from '../../core/errors.ts';
import type { VatCategory } from './types.ts';

export const VAT_CATEGORIES: VatCategory[] = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O'];
export const STANDARD_RATES_BP = [2000, 1000, 550, 210] as const;

export interface TotalsLineInput {
  quantityMilli: number;
  unitPriceCents: number;
  discountBp?: number;
  vatCategory: VatCategory;
  vatRateBp: number;
}
export interface TotalsInput {
  lines: TotalsLineInput[];
  /** Document-level discount (allowance), positive cents. */
  globalDiscountCents?: number;
  /** Negative quantities are refused unless explicitly allowed (a correction goes through a credit note). */
  allowNegativeLines?: boolean;
}
export interface VatGroupTotal {
  vatCategory: VatCategory;
  vatRateBp: number;
  linesNetCents: number;
  allowanceCents: number;
  baseCents: number;
  vatCents: number;
}
export interface ComputedTotals {
  lineNets: number[];
  groups: VatGroupTotal[];
  linesNetCents: number;
  allowancesCents: number;
  taxBasisCents: number;
  vatCents: number;
  totalInclCents: number;
}

const MAX_CENTS = 1_000_000_000_00; // 1 billion euros: far below 2^53, far above any CAE invoice

/** Checks the inputs; every refusal is a French message tied to the field (lines.N.x). */
export function checkTotalsInput(input: TotalsInput): void {
  const fields: Record<string, string> = {};
  if (!input.lines.length) fields.lines = 'Ajoutez au moins une ligne.';
  input.lines.forEach((l, i) => {
    const k = `lines.${i}`;
    if (!Number.isSafeInteger(l.quantityMilli) || l.quantityMilli === 0)
      fields[`${k}.quantity`] = 'Indiquez une quantité non nulle.';
    else if (l.quantityMilli < 0 && !input.allowNegativeLines)
      fields[`${k}.quantity`] = 'La quantité ne peut pas être négative : pour corriger une facture, émettez un avoir.';
    if (!Number.isSafeInteger(l.unitPriceCents) || Math.abs(l.unitPriceCents) > MAX_CENTS)
      fields[`${k}.unitPrice`] = 'Prix unitaire invalide.';
    else if (l.unitPriceCents < 0) fields[`${k}.unitPrice`] = 'Le prix unitaire ne peut pas être négatif.';
    const d = l.discountBp ?? 0;
    if (!Number.isInteger(d) || d < 0 || d > 10000)
      fields[`${k}.discount`] = 'La remise doit être comprise entre 0 et 100 %.';
    if (!VAT_CATEGORIES.includes(l.vatCategory)) fields[`${k}.vat`] = 'Cas de TVA inconnu.';
    else if (l.vatCategory === 'S' && !(Number.isInteger(l.vatRateBp) && l.vatRateBp > 0 && l.vatRateBp < 10000))
      fields[`${k}.vat`] = 'Le taux de TVA doit être positif pour une opération taxable.';
    else if (l.vatCategory !== 'S' && l.vatRateBp !== 0)
      fields[`${k}.vat`] = 'Le taux de TVA doit être nul pour une opération exonérée, autoliquidée ou hors champ.';
  });
  const g = input.globalDiscountCents ?? 0;
  if (!Number.isSafeInteger(g) || g < 0) fields.discount = 'La remise globale doit être un montant positif.';
  if (Object.keys(fields).length) {
    const msgs = Object.values(fields);
    throw new UserError(msgs.length === 1 ? msgs[0] : 'Certains champs sont à corriger.', undefined, fields);
  }
}

export function computeTotals(input: TotalsInput): ComputedTotals {
  checkTotalsInput(input);
  const lineNets = input.lines.map((l) => lineAmount(l.unitPriceCents, l.quantityMilli, l.discountBp ?? 0));
  const map = new Map<string, VatGroupTotal>();
  input.lines.forEach((l, i) => {
    const key = `${l.vatCategory}:${l.vatRateBp}`;
    const g = map.get(key) ?? {
      vatCategory: l.vatCategory,
      vatRateBp: l.vatRateBp,
      linesNetCents: 0,
      allowanceCents: 0,
      baseCents: 0,
      vatCents: 0,
    };
    g.linesNetCents += lineNets[i];
    map.set(key, g);
  });
  // Stable order: standard rate first, then by decreasing rate, then category.
  const groups = [...map.values()].sort(
    (a, b) => b.vatRateBp - a.vatRateBp || a.vatCategory.localeCompare(b.vatCategory),
  );
  const linesNetCents = assertCents(
    lineNets.reduce((s, x) => s + x, 0),
    'total des lignes',
  );
  const discount = input.globalDiscountCents ?? 0;
  if (discount > 0) {
    if (discount > linesNetCents) throw new UserError('La remise globale dépasse le total des lignes.', 'discount');
    splitProRata(discount, groups);
  }
  for (const g of groups) {
    g.baseCents = g.linesNetCents - g.allowanceCents;
    g.vatCents = applyBasisPoints(g.baseCents, g.vatRateBp);
  }
  const taxBasisCents = linesNetCents - discount;
  const vatCents = groups.reduce((s, g) => s + g.vatCents, 0);
  if (taxBasisCents < 0)
    throw new UserError('Le total hors taxes ne peut pas être négatif : émettez un avoir.', 'lines');
  return {
    lineNets,
    groups,
    linesNetCents,
    allowancesCents: discount,
    taxBasisCents,
    vatCents,
    totalInclCents: assertCents(taxBasisCents + vatCents, 'total TTC'),
  };
}

/** Largest-remainder split of `amount` over the groups, pro rata of their line nets. */
function splitProRata(amount: number, groups: VatGroupTotal[]): void {
  const total = groups.reduce((s, g) => s + g.linesNetCents, 0);
  if (total <= 0) {
    groups[0].allowanceCents = amount;
    return;
  }
  let given = 0;
  const rem: { g: VatGroupTotal; r: bigint }[] = [];
  for (const g of groups) {
    const num = BigInt(amount) * BigInt(g.linesNetCents);
    const floor = num / BigInt(total);
    g.allowanceCents = Number(floor);
    given += g.allowanceCents;
    rem.push({ g, r: num % BigInt(total) });
  }
  rem.sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : 0));
  for (let i = 0; given < amount; i++, given++) rem[i % rem.length].g.allowanceCents += 1;
}

/** Splits an amount (a payment) over VAT groups pro rata of their TTC, so that the parts sum exactly. */
export function proRataShares<T extends { baseCents: number; vatCents: number }>(
  amountCents: number,
  totalInclCents: number,
  groups: T[],
): { group: T; baseCents: number; vatCents: number }[] {
  if (!totalInclCents) return [];
  let restIncl = amountCents;
  return groups.map((g, i) => {
    const incl =
      i === groups.length - 1
        ? restIncl
        : Number(divRound(BigInt(amountCents) * BigInt(g.baseCents + g.vatCents), BigInt(totalInclCents)));
    restIncl -= incl;
    const vat =
      g.baseCents + g.vatCents === 0
        ? 0
        : Number(divRound(BigInt(incl) * BigInt(g.vatCents), BigInt(g.baseCents + g.vatCents)));
    return { group: g, baseCents: incl - vat, vatCents: vat };
  });
}
