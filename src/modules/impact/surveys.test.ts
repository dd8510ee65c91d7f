// A WHO-5 wave answered through anonymous links in the browser, without an account: counted,
// used once, never linked to a person (the answer row has no link, no user, no time of day),
// results shown only from 5 answers; other cooperatives and garbage links get 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { impactDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

async function signed(coop: TestCoop, role: 'support' | 'entrepreneur' | 'director') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}
const answer = (scores: number[]) => Object.fromEntries(scores.map((v, i) => [`q${i}`, String(v)]));

test('a WHO-5 wave: links shown once, answered without an account, counted, anonymous, aggregated from 5', async () => {
  const sup = await signed(a, 'support');
  const created = await sup.post('/impact/enquetes', { title: 'Bien-être test', links: '6' });
  assert.equal(created.res.status, 200);
  const links = [...created.html.matchAll(/https?:\/\/[^\s<]*\/enquete\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{32})/g)].map(
    (m) => m[1]!,
  );
  assert.equal(links.length, 6);
  const anon = new TestClient(app);
  const form = await anon.get(`/enquete/${links[0]}`);
  assert.equal(form.res.status, 200);
  assert.match(form.html, /anonyme/);
  // Four answers: results still hidden.
  const sets = [
    [5, 5, 4, 4, 5], // 92
    [1, 2, 1, 2, 1], // 28
    [3, 3, 3, 3, 3], // 60
    [2, 2, 3, 2, 3], // 48
    [4, 4, 4, 4, 4], // 80
  ];
  for (let i = 0; i < 4; i++) assert.equal((await anon.post(`/enquete/${links[i]}`, answer(sets[i]!))).res.status, 200);
  let page = await sup.get('/impact/enquetes');
  assert.match(page.html, /4 \/ 6/);
  assert.match(page.html, /moins de 5 personnes/);
  // A used link is gone; an incomplete answer is refused and keeps the link.
  assert.equal((await anon.get(`/enquete/${links[0]}`)).res.status, 404);
  assert.equal((await anon.post(`/enquete/${links[0]}`, answer(sets[4]!))).res.status, 404);
  assert.equal((await anon.post(`/enquete/${links[4]}`, { q0: '3', q1: '9' })).res.status, 400);
  assert.equal((await anon.post(`/enquete/${links[4]}`, answer(sets[4]!))).res.status, 200);
  page = await sup.get('/impact/enquetes');
  assert.match(page.html, /5 \/ 6/);
  // Mean (92 + 28 + 60 + 48 + 80) / 5 = 61.6; poor (≤ 50): 2 of 5 = 40 %.
  assert.match(page.html, /61,6/);
  assert.match(page.html, /40 %/);
  // The answer rows hold nothing that points to a person or a link.
  const rows = await impactDb(odb.db).selectFrom('impact_survey_answer').selectAll().execute();
  assert.equal(rows.length, 5);
  assert.deepEqual(Object.keys(rows[0]!).sort(), [
    'answered_on',
    'answers',
    'cooperative_id',
    'id',
    'items',
    'score',
    'survey_id',
  ]);
  for (const r of rows) assert.doesNotMatch(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7/); // no UUIDv7: no time inside
  // Garbage and other cooperatives' links: 404; entrepreneurs cannot open the team page.
  for (const bad of [
    'x',
    `${b.coop.id}.${'A'.repeat(32)}`,
    `${links[5]!.slice(0, -1)}${links[5]!.endsWith('B') ? 'C' : 'B'}`,
    'a'.repeat(500),
  ])
    assert.equal((await anon.get(`/enquete/${bad}`)).res.status, 404, bad);
  assert.equal((await anon.get('/enquete/%00')).res.status, 400); // the global guard's answer
  const ent = await signed(a, 'entrepreneur');
  assert.equal((await ent.get('/impact/enquetes')).res.status, 403);
  const other = await signed(b, 'director');
  const theirs = await other.get('/impact/enquetes');
  assert.doesNotMatch(theirs.html, /Bien-être test/);
  // Bad wave input: 400 with the field's message.
  const bad = await sup.post('/impact/enquetes', { title: 'x', links: '99999' });
  assert.equal(bad.res.status, 400);
});
