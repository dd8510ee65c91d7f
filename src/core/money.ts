// Money is integer cents everywhere. Rates are basis points (2000 = 20 %). One rounding rule:
// half away from zero, applied once per line (EN 16931), then sums of rounded values.

export type Cents = number; // always a safe integer

export function assertCents(v: number, what = 'montant'): Cents {
  if (!Number.isSafeInteger(v)) throw new Error(`${what} n'est pas un nombre entier de centimes : ${v}`);
  return v;
}

/** Rounds a rational a/b (integers) half away from zero, exactly, with BigInt. */
export function divRound(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('division par zéro');
  const neg = a < 0n !== b < 0n;
  const A = a < 0n ? -a : a;
  const B = b < 0n ? -b : b;
  const q = (2n * A + B) / (2n * B);
  return neg ? -q : q;
}

/** amount × rate(bp) / 10000, rounded half away from zero. */
export function applyBasisPoints(amount: Cents, bp: number): Cents {
  return Number(divRound(BigInt(amount) * BigInt(bp), 10000n));
}

/** Quantity is kept in thousandths (1.5 → 1500) so lines like 0.25 h are exact. */
export function lineAmount(unitPriceCents: Cents, quantityMilli: number, discountBp = 0): Cents {
  const gross = divRound(BigInt(unitPriceCents) * BigInt(quantityMilli), 1000n);
  const discount = divRound(gross * BigInt(discountBp), 10000n);
  return Number(gross - discount);
}

/** Parses a French or dotted decimal ("1 234,56", "1234.5", "-12") into cents; null when invalid. */
export function parseCents(input: string): Cents | null {
  const s = input.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) return null;
  const neg = s.startsWith('-');
  const [i, f = ''] = s.replace('-', '').split('.');
  const v = Number(i) * 100 + Number(`${f}00`.slice(0, 2));
  return Number.isSafeInteger(v) ? (neg ? -v : v) : null;
}

/** Parses a quantity ("1,5", "2", "0.125") into thousandths; null when invalid. */
export function parseQuantityMilli(input: string): number | null {
  const s = input.replace(/\s/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d{1,3})?$/.test(s)) return null;
  const neg = s.startsWith('-');
  const [i, f = ''] = s.replace('-', '').split('.');
  const v = Number(i) * 1000 + Number(`${f}000`.slice(0, 3));
  return neg ? -v : v;
}

/** "1234.50" — for CSV, XML and exports (dot, no thousands separator). */
export function centsToDecimal(c: Cents, sep = '.'): string {
  const neg = c < 0;
  const a = Math.abs(c);
  return `${neg ? '-' : ''}${Math.trunc(a / 100)}${sep}${String(a % 100).padStart(2, '0')}`;
}

export function milliToDecimal(m: number): string {
  const neg = m < 0;
  const a = Math.abs(m);
  const frac = String(a % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${neg ? '-' : ''}${Math.trunc(a / 1000)}${frac ? `.${frac}` : ''}`;
}

/**
 * "1 234,56 €" with U+00A0 as the group and currency separator: every font we embed draws it,
 * unlike U+202F that Intl emits for fr-FR.
 */
export function formatEuros(c: Cents, opts: { sign?: boolean } = {}): string {
  const neg = c < 0;
  const a = Math.abs(c);
  const ints = String(Math.trunc(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  const s = `${ints},${String(a % 100).padStart(2, '0')}\u00a0€`;
  return neg ? `-${s}` : opts.sign && c > 0 ? `+${s}` : s;
}

export function formatRateBp(bp: number): string {
  const v = bp / 100;
  return `${String(v).replace('.', ',')}\u00a0%`;
}

export const sumCents = (xs: Iterable<Cents>): Cents => {
  let t = 0;
  for (const x of xs) t += x;
  return assertCents(t, 'total');
};
