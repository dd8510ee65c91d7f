// Exact rational arithmetic over BigInt for money computations (SROI): no float ever enters a
// total. A value is a reduced fraction n/d with d > 0; rounding happens once, at the end.
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const abs = (x: bigint) => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}

export function rat(n: bigint, d = 1n): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}

export const ZERO = rat(0n);
export const ONE = rat(1n);

/** Parses a decimal ("12000", "0.035", "-1.5", "1e-3") or a finite JS number (through its shortest decimal form). */
export function parseDecimal(v: string | number): Rational {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`nombre invalide : ${v}`);
    v = String(v);
  }
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(v);
  if (!m || (!m[2] && !m[3])) throw new RangeError(`nombre invalide : ${v}`);
  const frac = m[3] ?? '';
  let n = BigInt((m[2] || '0') + frac);
  let d = 10n ** BigInt(frac.length);
  const e = m[4] ? Number(m[4]) : 0;
  if (Math.abs(e) > 50) throw new RangeError(`nombre invalide : ${v}`);
  if (e > 0) n *= 10n ** BigInt(e);
  if (e < 0) d *= 10n ** BigInt(-e);
  return rat(m[1] === '-' ? -n : n, d);
}

export const add = (a: Rational, b: Rational) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational) => rat(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational) => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational) => rat(a.n * b.d, a.d * b.n);
export const cmp = (a: Rational, b: Rational) => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
export const min = (a: Rational, b: Rational) => (cmp(a, b) <= 0 ? a : b);
export const max = (a: Rational, b: Rational) => (cmp(a, b) >= 0 ? a : b);
export const clamp = (x: Rational, lo: Rational, hi: Rational) => max(lo, min(hi, x));
export function pow(a: Rational, k: number): Rational {
  let r = ONE;
  for (let i = 0; i < k; i++) r = mul(r, a);
  return r;
}

/** Rounds half away from zero to `places` decimals and prints with a dot: "730632.04". */
export function toFixed(a: Rational, places = 2): string {
  const scale = 10n ** BigInt(places);
  const neg = a.n < 0n;
  const num = abs(a.n) * scale;
  let q = num / a.d;
  if ((num % a.d) * 2n >= a.d) q += 1n;
  const s = q.toString().padStart(places + 1, '0');
  const int = s.slice(0, s.length - places);
  const out = places ? `${int}.${s.slice(s.length - places)}` : int;
  return neg && q !== 0n ? `-${out}` : out;
}
