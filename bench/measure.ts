// Timing kit of the benchmarks: each one runs a warm-up, then N timed calls, and reports the
// contract's figures (../shared/design/CLI.md): p50, p95, max and throughput; the same work as
// one raw SQL query when a single query stands behind it, so our layers' overhead shows.
export interface BenchResult {
  name: string;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  per_s: number;
  raw_sql_p95_ms: number | null;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Exact percentile (nearest rank) of sorted durations. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function timeCalls(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  await fn(-1); // warm-up: caches, prepared plans, fonts
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/**
 * One benchmark. `unitsPerCall` turns calls per second into the unit that matters (lines/s for
 * an export); `raw` is the same answer as a single SQL query, timed the same way.
 */
export async function measure(
  name: string,
  n: number,
  fn: (i: number) => Promise<unknown>,
  opts: { raw?: () => Promise<unknown>; unitsPerCall?: number } = {},
): Promise<BenchResult> {
  const times = await timeCalls(n, fn);
  const total = times.reduce((s, t) => s + t, 0);
  const raw = opts.raw ? await timeCalls(n, opts.raw) : null;
  return {
    name,
    p50_ms: round(percentile(times, 50)),
    p95_ms: round(percentile(times, 95)),
    max_ms: round(times[times.length - 1] ?? 0),
    per_s: round(((opts.unitsPerCall ?? 1) * n * 1000) / (total || 1)),
    raw_sql_p95_ms: raw ? round(percentile(raw, 95)) : null,
  };
}
