// Campus: visibility across cooperatives and networks (services and HTTP, per role),
// sanitisation, accepting, voting, moderation, import all or nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Role } from '../../core/actor.ts';
import {
  askQuestion,
  answerQuestion,
  acceptAnswer,
  toggleVote,
  getQuestion,
  setHidden,
  listAnswers,
} from './questions.service.ts';
import { similarQuestions, searchQuestions } from './search.service.ts';
import { importQuestions } from './import.service.ts';
import { renderMarkdown } from './markdown.ts';
import { campusDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop; // network 1
let b: TestCoop; // network 1
let other: TestCoop; // another network
let privateQ: string;
let networkQ: string;
const ROLES: Role[] = ['entrepreneur', 'cape', 'support', 'accountant', 'director', 'network_admin'];

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  [other] = await seedTestCooperatives(odb);
  privateQ = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      askQuestion(tx, a.actor('entrepreneur'), {
        title: 'Assurance responsabilité civile professionnelle confidentielle',
        body: 'Quel assureur pour la RC pro ?',
        tags: 'assurance, rc-pro',
        visibility: 'cooperative',
      }),
    )
  ).id;
  networkQ = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      askQuestion(tx, a.actor('entrepreneur'), {
        title: 'Signature électronique des devis partagée',
        body: 'Comment signer un devis en ligne ?',
        tags: ['signature'],
        visibility: 'network',
      }),
    )
  ).id;
});
after(async () => {
  await odb.close();
});

test('a cooperative-only question stays in its cooperative; a network question reaches the network only', async () => {
  for (const role of ROLES) {
    const inA = await withTenant(odb.db, a.coop.id, (tx) => searchQuestions(tx, a.actor(role), { page: 1 }));
    assert.deepEqual(inA.rows.map((r) => r.id).sort(), [privateQ, networkQ].sort(), role);
    const inB = await withTenant(odb.db, b.coop.id, (tx) => searchQuestions(tx, b.actor(role), { page: 1 }));
    assert.deepEqual(
      inB.rows.map((r) => r.id),
      [networkQ],
      role,
    );
    const inOther = await withTenant(odb.db, other.coop.id, (tx) =>
      searchQuestions(tx, other.actor(role), { page: 1 }),
    );
    assert.deepEqual(inOther.rows, [], role);
    const sugB = await withTenant(odb.db, b.coop.id, (tx) =>
      similarQuestions(tx, b.actor(role), 'assurance responsabilite civile professionnelle', { minScore: 0 }),
    );
    assert.ok(!sugB.some((s) => s.id === privateQ), `suggestion leak to ${role}`);
    await assert.rejects(
      withTenant(odb.db, b.coop.id, (tx) => getQuestion(tx, b.actor(role), privateQ)),
      /introuvable/,
    );
    await assert.rejects(
      withTenant(odb.db, other.coop.id, (tx) => getQuestion(tx, other.actor(role), networkQ)),
      /introuvable/,
    );
  }
  // Row-level security alone (no where clause) shows the same thing.
  const raw = await withTenant(odb.db, b.coop.id, (tx) =>
    campusDb(tx).selectFrom('campus_question').select('id').execute(),
  );
  assert.deepEqual(
    raw.map((r) => r.id),
    [networkQ],
  );
  const rawOther = await withTenant(odb.db, other.coop.id, (tx) =>
    campusDb(tx).selectFrom('campus_question').select('id').execute(),
  );
  assert.deepEqual(rawOther, []);
});

test('answers across the network, one vote per person, one accepted answer by the author only', async () => {
  const ans = await withTenant(odb.db, b.coop.id, (tx) =>
    answerQuestion(tx, b.actor('entrepreneur'), networkQ, 'Avec un prestataire **eIDAS**.'),
  );
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (tx) => answerQuestion(tx, b.actor('entrepreneur'), privateQ, 'fuite')),
    /introuvable/,
  );
  // votes: toggled, one per person, not on one's own post
  assert.equal(await withTenant(odb.db, a.coop.id, (tx) => toggleVote(tx, a.actor('support'), networkQ, ans.id)), true);
  assert.equal(
    await withTenant(odb.db, a.coop.id, (tx) => toggleVote(tx, a.actor('director'), networkQ, ans.id)),
    true,
  );
  assert.equal(
    await withTenant(odb.db, a.coop.id, (tx) => toggleVote(tx, a.actor('support'), networkQ, ans.id)),
    false,
  );
  assert.equal(await withTenant(odb.db, a.coop.id, (tx) => toggleVote(tx, a.actor('support'), networkQ, ans.id)), true);
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (tx) => toggleVote(tx, b.actor('entrepreneur'), networkQ, ans.id)),
    /propre message/,
  );
  // accept: not by someone else, yes by the author; seen from the other cooperative
  await assert.rejects(withTenant(odb.db, a.coop.id, (tx) => acceptAnswer(tx, a.actor('director'), networkQ, ans.id)));
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (tx) => acceptAnswer(tx, b.actor('entrepreneur'), networkQ, ans.id)),
  );
  await withTenant(odb.db, a.coop.id, (tx) => acceptAnswer(tx, a.actor('entrepreneur'), networkQ, ans.id));
  const seenFromB = await withTenant(odb.db, b.coop.id, async (tx) => {
    const q = await getQuestion(tx, b.actor('cape'), networkQ);
    return { q, answers: await listAnswers(tx, b.actor('cape'), q) };
  });
  assert.equal(seenFromB.q.acceptedAnswerId, ans.id);
  assert.equal(seenFromB.answers[0].accepted, true);
  assert.equal(seenFromB.answers[0].votes, 2);
  const answered = await withTenant(odb.db, b.coop.id, (tx) =>
    searchQuestions(tx, b.actor('cape'), { page: 1, status: 'answered' }),
  );
  assert.deepEqual(
    answered.rows.map((r) => r.id),
    [networkQ],
  );
  const unanswered = await withTenant(odb.db, a.coop.id, (tx) =>
    searchQuestions(tx, a.actor('cape'), { page: 1, status: 'unanswered' }),
  );
  assert.deepEqual(
    unanswered.rows.map((r) => r.id),
    [privateQ],
  );
});

test('moderation: hide and restore by moderators of the cooperative, audited; others refused', async () => {
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) => setHidden(tx, a.actor('entrepreneur'), 'question', privateQ, true)),
  );
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (tx) => setHidden(tx, b.actor('director'), 'question', networkQ, true)),
    /introuvable/,
  );
  await withTenant(odb.db, a.coop.id, (tx) => setHidden(tx, a.actor('support'), 'question', privateQ, true));
  const forMember = await withTenant(odb.db, a.coop.id, (tx) =>
    searchQuestions(tx, a.actor('entrepreneur'), { page: 1 }),
  );
  assert.ok(!forMember.rows.some((r) => r.id === privateQ));
  await assert.rejects(withTenant(odb.db, a.coop.id, (tx) => getQuestion(tx, a.actor('entrepreneur'), privateQ)));
  assert.equal(
    (await withTenant(odb.db, a.coop.id, (tx) => getQuestion(tx, a.actor('director'), privateQ))).hidden,
    true,
  );
  await withTenant(odb.db, a.coop.id, (tx) => setHidden(tx, a.actor('director'), 'question', privateQ, false));
  assert.equal(
    (await withTenant(odb.db, a.coop.id, (tx) => getQuestion(tx, a.actor('entrepreneur'), privateQ))).hidden,
    false,
  );
  const audit = await withTenant(odb.db, a.coop.id, (tx) =>
    campusDb(tx).selectFrom('audit_log').select('action').where('target_id', '=', privateQ).execute(),
  );
  assert.deepEqual(audit.map((r) => r.action).sort(), ['campus.hide', 'campus.restore']);
});

test('Markdown: script and HTML injection stay inert', () => {
  const cases = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[clic](javascript:alert(1))',
    '[clic](JaVaScRiPt:alert(1))',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '![x](https://evil.example/x.png" onerror="alert(1))',
    '<svg onload=alert(1)>',
    '**gras** <b onmouseover=alert(1)>b</b>',
  ];
  for (const c of cases) {
    const html = renderMarkdown(c);
    assert.doesNotMatch(
      html,
      /<(script|img|iframe|svg|b)\b|<[^>]*\son\w+=|<a[^>]*href="(javascript|data)/i,
      `${c} → ${html}`,
    );
  }
  const ok = renderMarkdown('**gras** et [lien](https://exemple.fr)');
  assert.match(ok, /<strong>gras<\/strong>/);
  assert.match(ok, /<a href="https:\/\/exemple.fr" rel="nofollow noopener noreferrer" target="_blank">lien<\/a>/);
});

test('HTTP: pages per role, cross-cooperative ids and garbage answer 404, never 500; injection inert', async () => {
  const ca = new TestClient(app);
  await ca.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const r = await ca.post('/campus', {
    title: 'Question avec <script>alert(1)</script> dans le titre',
    body: 'Texte <script>alert("x")</script> [lien](javascript:alert(1)) <img src=x onerror=alert(1)>',
    tags: 'test',
    visibility: 'network',
  });
  assert.equal(r.res.status, 302);
  const qid = r.res.headers.get('location')!.split('/').pop()!;
  const page = await ca.get(`/campus/${qid}`);
  assert.equal(page.res.status, 200);
  assert.doesNotMatch(page.html, /<script>alert|<img|<[^>]*\son\w+=|<a[^>]*href="javascript/);
  const sug = await ca.get('/campus/suggestions?title=signature%20electronique%20devis');
  assert.match(sug.html, /Signature électronique des devis/);

  for (const role of ROLES) {
    const cb = new TestClient(app);
    await cb.signIn(b.users[role].email, TEST_PASSWORD);
    assert.equal((await cb.get(`/campus/${qid}`)).res.status, 200, role);
    assert.equal((await cb.get(`/campus/${privateQ}`)).res.status, 404, role);
    const list = await cb.get('/campus?q=assurance');
    assert.equal(list.res.status, 200);
    assert.doesNotMatch(list.html, /confidentielle/, role);
    const s = await cb.get('/campus/suggestions?title=assurance%20responsabilite%20civile');
    assert.doesNotMatch(s.html, /confidentielle/, role);
    for (const path of [
      `/campus/${privateQ}/reponses`,
      `/campus/${privateQ}/masquer`,
      `/campus/${privateQ}/voter/${privateQ}`,
    ]) {
      const p = await cb.post(path, { body: 'x' });
      assert.ok([403, 404].includes(p.res.status), `${role} ${path} ${p.res.status}`);
    }
    const co = new TestClient(app);
    await co.signIn(other.users[role].email, TEST_PASSWORD);
    assert.equal((await co.get(`/campus/${qid}`)).res.status, 404, role);
  }
  for (const bad of [
    '/campus/xyz',
    '/campus/1',
    "/campus/'%20or%201=1",
    '/campus?page=-1',
    '/campus?statut=zz',
    '/campus?page=abc',
  ]) {
    const g = await ca.get(bad);
    assert.ok([400, 404].includes(g.res.status), `${bad} ${g.res.status}`);
  }
  const g = await ca.post('/campus/not-a-uuid/accepter/also-not', {});
  assert.equal(g.res.status, 404);
});

test('import: all or nothing, rejected lines listed', async () => {
  const good = [
    JSON.stringify({
      title: 'Question importée numéro un',
      body: 'Corps',
      tags: ['import'],
      answers: [{ body: 'Réponse', accepted: true }],
    }),
    JSON.stringify({
      title: 'Question importée numéro deux',
      body: 'Corps',
      tags: [],
      visibility: 'network',
      author_email: a.users.cape.email,
    }),
  ];
  const bad = [
    ...good,
    '{pas du json',
    JSON.stringify({ title: 'x', body: '' }),
    JSON.stringify({ title: 'Auteur inconnu ici', body: 'b', author_email: b.users.cape.email }),
  ];
  const actor = a.actor('director');
  const r1 = await withTenant(odb.db, a.coop.id, (tx) => importQuestions(tx, actor, bad.join('\n')));
  assert.equal(r1.imported, 0);
  assert.equal(r1.rejected, 3);
  assert.deepEqual(
    r1.errors.map((e) => e.line),
    [3, 4, 5],
  );
  const r2 = await withTenant(odb.db, a.coop.id, (tx) => importQuestions(tx, actor, good.join('\n')));
  assert.deepEqual(r2, { imported: 2, rejected: 0, errors: [] });
  const list = await withTenant(odb.db, a.coop.id, (tx) =>
    searchQuestions(tx, actor, { page: 1, status: 'answered', tag: 'import' }),
  );
  assert.equal(list.rows.length, 1);
  await assert.rejects(withTenant(odb.db, a.coop.id, (tx) => importQuestions(tx, a.actor('entrepreneur'), good[0])));
});
