// Measurement (not a timed test) of the campus similar-questions search on the demo network:
// the fixed French near-duplicate set (15 questions × 3 probes: reworded, unaccented, misspelt)
// is asked as network questions in the first demo cooperative, beside the demo's own questions;
// each probe is searched from another cooperative of the network. Reports the top-3 and first
// place hit rates, and the p50/p95 of the suggestions query as the page runs it
// (`similarQuestions(…, { limit: 5 })`, 5 rounds of the 45 probes). Writes
// bench/results/campus-similar-<backend>.json.
//   node --import tsx bench/campus-similar.ts                 (PGlite)
//   DATABASE_URL=postgres://… node --import tsx bench/campus-similar.ts   (PostgreSQL)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createDemoTestDb } from '../src/app/testing.ts';
import type { Actor } from '../src/core/actor.ts';
import { withSystem, withTenant } from '../src/core/db/tenant.ts';
import { coreDb } from '../src/core/db/handles.ts';
import type { UserId } from '../src/core/ids.ts';
import { sql } from 'kysely';
import { askQuestion, NEAR_DUPLICATES, similarQuestions } from '../src/modules/campus/index.ts';
import { listCooperatives } from '../src/modules/directory/index.ts';

const ROUNDS = 5;
const backend = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round = (x: number) => Math.round(x * 10) / 10;

async function main() {
  const t0 = performance.now();
  const odb = await createDemoTestDb();
  console.log(`démo chargée en ${Math.round((performance.now() - t0) / 1000)} s (${backend})`);
  try {
    const [home, away] = await listCooperatives(odb.db);
    // An entrepreneur of each cooperative (the asker, and the person typing a title elsewhere).
    const personOf = (coopId: string) =>
      withSystem(odb.db, async (tx) => {
        const r = await sql<{ user_id: string }>`select m.user_id from membership m
          where m.cooperative_id = ${coopId} and m.role = 'entrepreneur' order by m.user_id limit 1`.execute(
          coreDb(tx),
        );
        return {
          userId: r.rows[0].user_id as UserId,
          cooperativeId: coopId as Actor['cooperativeId'],
          roles: ['entrepreneur'],
          label: 'Banc d’essai',
        } satisfies Actor;
      });
    const asker = await personOf(home.id);
    const reader = await personOf(away.id);
    const ids = await withTenant(odb.db, home.id, async (tx) => {
      const out: string[] = [];
      for (const q of NEAR_DUPLICATES)
        out.push((await askQuestion(tx, asker, { title: q.title, body: q.body, tags: [], visibility: 'network' })).id);
      return out;
    });
    const questions = await withSystem(odb.db, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from campus_question`.execute(coreDb(tx)),
    );
    let hits = 0;
    let first = 0;
    let total = 0;
    const misses: string[] = [];
    const times: number[] = [];
    await withTenant(odb.db, away.id, async (tx) => {
      for (const [i, q] of NEAR_DUPLICATES.entries())
        for (const probe of q.probes) {
          total++;
          const r = await similarQuestions(tx, reader, probe, { limit: 3, minScore: 0 });
          const rank = r.findIndex((x) => x.id === ids[i]);
          if (rank >= 0) hits++;
          else misses.push(`${probe} → ${r.map((x) => x.title).join(' | ')}`);
          if (rank === 0) first++;
        }
      for (let k = 0; k < ROUNDS; k++)
        for (const q of NEAR_DUPLICATES)
          for (const probe of q.probes) {
            const s = performance.now();
            await similarQuestions(tx, reader, probe, { limit: 5 });
            times.push(performance.now() - s);
          }
    });
    times.sort((x, y) => x - y);
    const result = {
      name: 'campus similar questions',
      backend,
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? '', node: process.version },
      questions: questions.rows[0].n,
      probes: total,
      top3_hits: hits,
      top3_hit_rate: round((100 * hits) / total),
      first_hits: first,
      first_hit_rate: round((100 * first) / total),
      samples: times.length,
      p50_ms: round(pct(times, 0.5)),
      p95_ms: round(pct(times, 0.95)),
      max_ms: round(times[times.length - 1]),
      misses,
    };
    const dir = join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `campus-similar-${backend}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `top-3 ${hits}/${total} (${result.top3_hit_rate} %), premier ${first}/${total}, p95 ${result.p95_ms} ms (p50 ${result.p50_ms}) sur ${result.questions} questions → ${file}`,
    );
    for (const m of misses) console.log(`raté : ${m}`);
  } finally {
    await odb.close();
  }
}

await main();
