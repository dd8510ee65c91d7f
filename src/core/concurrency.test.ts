import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapConcurrent } from './concurrency.ts';

test('mapConcurrent keeps the order, never exceeds its limit and uses it', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapConcurrent([30, 10, 20, 5, 15, 1], 3, async (ms, i) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await sleep(ms);
    inFlight--;
    return `${i}:${ms}`;
  });
  assert.deepEqual(out, ['0:30', '1:10', '2:20', '3:5', '4:15', '5:1']);
  assert.equal(peak, 3);
  assert.deepEqual(await mapConcurrent([], 4, async () => 1), []);
});

test('mapConcurrent rejects with the first failure and starts nothing after it', async () => {
  const started: number[] = [];
  await assert.rejects(
    mapConcurrent([1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x);
      await sleep(x === 2 ? 1 : 20);
      if (x === 2) throw new Error('deux');
      return x;
    }),
    /deux/,
  );
  assert.deepEqual(started, [1, 2]);
});
