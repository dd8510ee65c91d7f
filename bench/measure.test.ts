import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measure, measureConcurrent, percentile } from './measure.ts';

test('percentiles are exact nearest-rank values', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 95), 95);
  assert.equal(percentile(xs, 100), 100);
  assert.equal(percentile([7], 95), 7);
});

test('a measure reports the contract fields, and the raw SQL figure only when given', async () => {
  const r = await measure('x', 5, async () => new Promise((res) => setTimeout(res, 2)), { unitsPerCall: 10 });
  assert.deepEqual(Object.keys(r).sort(), ['max_ms', 'name', 'p50_ms', 'p95_ms', 'per_s', 'raw_sql_p95_ms']);
  assert.equal(r.raw_sql_p95_ms, null);
  assert.ok(r.p50_ms >= 1 && r.p95_ms >= r.p50_ms && r.max_ms >= r.p95_ms);
  assert.ok(r.per_s > 0 && r.per_s < 10_000, `${r.per_s} units per second`);
});

test('concurrent calls: throughput over the wall time, never more calls in flight than asked', async () => {
  let inFlight = 0;
  let most = 0;
  const calls: number[] = [];
  const r = await measureConcurrent('y', 12, 3, async (i) => {
    calls.push(i);
    most = Math.max(most, ++inFlight);
    await new Promise((res) => setTimeout(res, 20));
    inFlight--;
  });
  assert.equal(most, 3);
  assert.equal(calls.filter((i) => i >= 0).length, 12, 'each timed call once, after the warm-up');
  assert.ok(r.p50_ms >= 15, `${r.p50_ms} ms a call`);
  // 12 calls of 20 ms, 3 at a time: about 80 ms of wall time, 150/s (sequential: 50/s).
  assert.ok(r.per_s > 60 && r.per_s <= 160, `${r.per_s} calls per second`);
});
