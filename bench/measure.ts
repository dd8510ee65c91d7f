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

/**
 * Throughput of work spread over threads (the PDF pool): after a warm-up of `concurrency` calls
 * at once, N calls with `concurrency` of them in flight at any time. Each duration runs from a
 * call's start to its end, and `per_s` is N over the wall time (not over the summed durations,
 * which overlap).
 */
export async function measureConcurrent(
  name: string,
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<BenchResult> {
  await Promise.all(Array.from({ length: concurrency }, (_, k) => fn(-1 - k)));
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await fn(i);
        times.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - t0;
  times.sort((a, b) => a - b);
  return {
    name,
    p50_ms: round(percentile(times, 50)),
    p95_ms: round(percentile(times, 95)),
    max_ms: round(times[times.length - 1] ?? 0),
    per_s: round((n * 1000) / (wall || 1)),
    raw_sql_p95_ms: null,
  };
}
