// Similar questions: 15 French questions, each searched with near-duplicate titles (reworded,
// without accents, with typos); the right one must be in the top 3. Prints the hit rate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { askQuestion } from './questions.service.ts';
import { similarQuestions } from './search.service.ts';
import { NEAR_DUPLICATES as QUESTIONS } from './near-duplicates.ts';

let odb: OpenDb;
let a: TestCoop;
const ids: string[] = [];
before(async () => {
  odb = await createTestDb();
  [a] = await seedTestCooperatives(odb);
  await withTenant(odb.db, a.coop.id, async (tx) => {
    for (const q of QUESTIONS)
      ids.push(
        (
          await askQuestion(tx, a.actor('entrepreneur'), {
            title: q.title,
            body: q.body,
            tags: [],
            visibility: 'network',
          })
        ).id,
      );
  });
});
after(async () => {
  await odb.close();
});

test('near-duplicate titles find the right question in the top 3', async () => {
  let hits = 0;
  let first = 0;
  let total = 0;
  const misses: string[] = [];
  const times: number[] = [];
  await withTenant(odb.db, a.coop.id, async (tx) => {
    for (const [i, q] of QUESTIONS.entries())
      for (const probe of q.probes) {
        total++;
        const t0 = performance.now();
        const r = await similarQuestions(tx, a.actor('cape'), probe, { limit: 3, minScore: 0 });
        times.push(performance.now() - t0);
        const rank = r.findIndex((x) => x.id === ids[i]);
        if (rank >= 0) hits++;
        else misses.push(`${probe} → ${r.map((x) => x.title).join(' | ')}`);
        if (rank === 0) first++;
      }
  });
  times.sort((x, y) => x - y);
  console.log(
    `# campus similar: top-3 hit rate ${hits}/${total} (${((100 * hits) / total).toFixed(1)} %), first ${first}/${total}`,
  );
  console.log(
    `# campus similar: p95 ${times[Math.floor(times.length * 0.95)].toFixed(1)} ms on ${QUESTIONS.length} questions`,
  );
  for (const m of misses) console.log(`# miss: ${m}`);
  assert.ok(hits / total >= 0.9, `hit rate ${hits}/${total}`);
});

test('a title of stop words only still ranks (no null score first)', async () => {
  const r = await withTenant(odb.db, a.coop.id, (tx) =>
    similarQuestions(tx, a.actor('cape'), 'le la les de', { minScore: 0 }),
  );
  assert.ok(r.every((x) => Number.isFinite(x.score)));
});
