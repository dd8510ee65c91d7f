/** Splits `total` cents pro rata of `weights` (largest remainder): integer parts that sum exactly to total. */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (!weights.length) return [];
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const raw = weights.map((w) => BigInt(total) * BigInt(w));
  const parts = raw.map((r) => Number(r / BigInt(sum)));
  const rest = raw.map((r, i) => ({ i, rem: Number(r % BigInt(sum)) }));
  let left = total - parts.reduce((s, p) => s + p, 0);
  rest.sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const r of rest) {
    if (left <= 0) break;
    parts[r.i]++;
    left--;
  }
  return parts;
}
