// The demo network's questions and answers: questions in every cooperative on the usual subjects,
// network-wide ones seen from the other cooperatives, answers, accepted answers, votes, comments;
// an asker's inbox item `campus.answer` leads to the answer itself on the question page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createDemoTestDb } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { DEMO_PASSWORD } from '../../app/demo.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { listCooperatives } from '../directory/index.ts';
import { searchQuestions } from './search.service.ts';

let odb: OpenDb;
before(async () => {
  odb = await createDemoTestDb();
});
after(() => odb.close());

test('demo: questions in every cooperative, network-wide ones, answers, accepted, votes, comments', async () => {
  const coops = await listCooperatives(odb.db);
  for (const c of coops) {
    const rows = await withTenant(odb.db, c.id, (tx) =>
      searchQuestions(tx, systemActor(c.id), { page: 1 }).then((x) => x.rows),
    );
    assert.ok(
      rows.some((r) => r.cooperativeId === c.id),
      `questions in ${c.slug}`,
    );
    assert.ok(
      rows.some((r) => r.cooperativeId !== c.id && r.visibility === 'network'),
      `network questions in ${c.slug}`,
    );
    assert.ok(rows.some((r) => r.accepted));
    assert.ok(
      rows.some((r) => r.answers === 0),
      'some still unanswered',
    );
  }
  const counts = await withSystem(odb.db, (tx) =>
    sql<{ q: number; a: number; c: number; v: number; f: number }>`select
      (select count(*)::int from campus_question) as q, (select count(*)::int from campus_answer) as a,
      (select count(*)::int from campus_comment) as c, (select count(*)::int from campus_vote) as v,
      (select count(*)::int from campus_follow where following) as f`.execute(tx),
  );
  const n = counts.rows[0];
  assert.ok(n.q >= 12 && n.a >= 12 && n.c >= 5 && n.v >= 20 && n.f >= n.q, JSON.stringify(n));
});

test('demo: the asker’s campus.answer inbox item links to the answer on the question page', async () => {
  // An asker of a question answered but not yet read (not accepted).
  const r = await withSystem(odb.db, (tx) =>
    sql<{ email: string; question_id: string }>`select u.email, q.id as question_id from campus_question q
      join user_account u on u.id = q.author_user_id
      where exists (select 1 from campus_answer a where a.question_id = q.id)
        and q.accepted_answer_id is null
      order by q.created_at limit 1`.execute(tx),
  );
  const { email, question_id } = r.rows[0];
  const { app } = await createTestApp({ odb });
  const c = new TestClient(app);
  await c.signIn(email, DEMO_PASSWORD);
  const home = await c.get('/');
  const m = home.html.match(new RegExp(`href="/campus/${question_id}#reponse-([0-9a-f-]{36})"`));
  assert.ok(m, 'the inbox links to the answer');
  const page = await c.get(`/campus/${question_id}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, new RegExp(`id="reponse-${m[1]}"`));
  // Once the question is read, the item leaves the inbox.
  assert.doesNotMatch((await c.get('/')).html, new RegExp(`/campus/${question_id}#reponse-`));
});
