import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDb } from '../../app/testing.ts';
import { coreDb } from './handles.ts';
import type { OpenDb } from './index.ts';

let odb: OpenDb;
before(async () => {
  odb = await createTestDb();
});
after(() => odb.close());

test('search helpers: accents and case ignored, French stems, trigram similarity, distances', async () => {
  const db = coreDb(odb.db);
  const r = await sql<{ k: string; m: boolean; s: number; d: number }>`select
    search_key('Élodie Crème-Brûlée') as k,
    to_tsvector('fr', 'Les factures électroniques arrivent') @@ plainto_tsquery('fr', 'facture electronique') as m,
    similarity('camionette', 'camionnette') as s,
    earth_distance(ll_to_earth(45.764, 4.8357), ll_to_earth(48.8566, 2.3522)) / 1000 as d`.execute(db);
  const x = r.rows[0];
  assert.equal(x.k, 'elodie creme-brulee');
  assert.equal(x.m, true);
  assert.ok(x.s > 0.7, `similarity ${x.s}`);
  assert.ok(Math.abs(x.d - 392) < 5, `Lyon–Paris ${x.d} km`);
});
