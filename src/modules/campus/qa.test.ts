// The conversation around campus questions: comments, categories, edits with history, files,
// follow and mentions, the inbox items they make, reports and moderation (cooperative and
// network), the limits of new accounts. Two cooperatives of one network and one of another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { coreDb } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { getQuestion, listAnswers } from './questions.service.ts';
import { searchQuestions } from './search.service.ts';
import { postQuestion, postAnswer, editAnswer, updateQuestion, postRevisions } from './qa.service.ts';
import { addComment, listComments } from './comments.service.ts';
import { setFollowing } from './follow.service.ts';
import { moderatePost, reportPost, reviewQueue, REPORTS_TO_HIDE } from './moderation.service.ts';
import { attachFile, openAttachment } from './attachments.service.ts';
import { campusInboxItems } from './inbox-questions.ts';
import { campusDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let key: Buffer;
let a: TestCoop;
let b: TestCoop;
let other: TestCoop;
let netQ: string;
let privQ: string;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const inA = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, a.coop.id, fn);
const inB = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, b.coop.id, fn);
const inboxOf = (t: TestCoop, role: Parameters<TestCoop['actor']>[0]) =>
  withTenant(odb.db, t.coop.id, (tx) => campusInboxItems(tx, t.actor(role)));
/** Accounts older than the new-account limits, except where a test says otherwise. */
const age = (days: number) =>
  withSystem(odb.db, (trx) =>
    sql`update user_account set created_at = now() - ${`${days} days`}::interval`.execute(coreDb(trx)),
  );

before(async () => {
  let config: { fileKey: Buffer };
  ({ odb, app, config } = await createTestApp());
  key = config.fileKey;
  [a, b] = await seedTestCooperatives(odb);
  [other] = await seedTestCooperatives(odb);
  await age(30);
  netQ = (
    await inA((tx) =>
      postQuestion(tx, a.actor('entrepreneur'), {
        title: 'Quel modèle de contrat de sous-traitance ?',
        body: 'Je cherche un modèle.',
        tags: 'contrat, juridique',
        visibility: 'network',
        category: 'juridique',
      }),
    )
  ).id;
  privQ = (
    await inA((tx) =>
      postQuestion(tx, a.actor('cape'), {
        title: 'Question interne sur la mutuelle',
        body: 'Interne.',
        tags: 'mutuelle',
        visibility: 'cooperative',
        category: 'assurance',
      }),
    )
  ).id;
});
after(async () => {
  await odb?.close();
});

test('categories: a fixed list, filtered on the search; unknown refused next to the field', async () => {
  const r = await inB((tx) => searchQuestions(tx, b.actor('cape'), { page: 1, category: 'juridique' }));
  assert.deepEqual(
    r.rows.map((x) => x.id),
    [netQ],
  );
  const none = await inB((tx) => searchQuestions(tx, b.actor('cape'), { page: 1, category: 'assurance' }));
  assert.deepEqual(none.rows, []);
  await assert.rejects(
    inA((tx) =>
      postQuestion(tx, a.actor('cape'), { title: 'Une autre question', body: 'x', tags: '', category: 'zz' }),
    ),
    (e: Error & { fields?: Record<string, string> }) => !!e.fields?.category,
  );
});

test('comments, follow, mentions and the inbox items they make, leading to the answer', async () => {
  // An answer from the other cooperative: the author's inbox leads to it; the answerer follows.
  const ans = await inB((tx) => postAnswer(tx, b.actor('entrepreneur'), netQ, 'Voyez le modèle du réseau.'));
  let items = await inboxOf(a, 'entrepreneur');
  const item = items.find((i) => i.key === `campus.follow:${netQ}`);
  assert.ok(item, JSON.stringify(items));
  assert.equal(item.action.href, `/campus/${netQ}#reponse-${ans.id}`);
  assert.equal(item.kind, 'campus.answer');
  // Opening the question clears it.
  await inA(async (tx) => {
    const q = await getQuestion(tx, a.actor('entrepreneur'), netQ);
    const { markSeen } = await import('./follow.service.ts');
    await markSeen(tx, a.actor('entrepreneur'), q);
  });
  items = await inboxOf(a, 'entrepreneur');
  assert.ok(!items.some((i) => i.key === `campus.follow:${netQ}`));
  // A comment on the answer mentions the answerer (another cooperative, met on the campus) and
  // someone of the other network (nothing happens), and the answerer's inbox gets the mention.
  const cm = await inA((tx) =>
    addComment(
      tx,
      a.actor('entrepreneur'),
      netQ,
      ans.id,
      `Merci @${b.users.entrepreneur.email.split('@')[0]}.${b.coop.slug} et @entrepreneur.${other.coop.slug} !`,
    ),
  );
  const bItems = await inboxOf(b, 'entrepreneur');
  const mention = bItems.find((i) => i.kind === 'campus.mention');
  assert.ok(mention, JSON.stringify(bItems));
  assert.equal(mention.action.href, `/campus/${netQ}#commentaire-${cm.id}`);
  // The answerer follows the question: the comment is news for them too.
  assert.ok(bItems.some((i) => i.key === `campus.follow:${netQ}` && i.link?.includes(`#commentaire-${cm.id}`)));
  assert.equal((await inboxOf(other, 'entrepreneur')).length, 0);
  const mentions = await withSystem(odb.db, (trx) =>
    campusDb(trx).selectFrom('campus_mention').select(['mentioned_user_id']).execute(),
  );
  assert.deepEqual(
    mentions.map((m) => m.mentioned_user_id),
    [b.users.entrepreneur.id],
  );
  // A mention on a cooperative-only question of someone of another cooperative does nothing.
  await inA((tx) => addComment(tx, a.actor('support'), privQ, privQ, `@entrepreneur.${b.coop.slug} voyez ça`));
  assert.equal((await inboxOf(b, 'entrepreneur')).filter((i) => i.kind === 'campus.mention').length, 1);
  // Comments are read across the network for network questions only.
  const seen = await inB(async (tx) => listComments(tx, b.actor('cape'), await getQuestion(tx, b.actor('cape'), netQ)));
  assert.deepEqual(
    seen.map((c) => c.id),
    [cm.id],
  );
  await assert.rejects(
    inB((tx) => addComment(tx, b.actor('cape'), privQ, privQ, 'fuite')),
    /introuvable/,
  );
  // Unfollowing stops the news.
  await inB((tx) => setFollowing(tx, b.actor('entrepreneur'), netQ, false));
  await inA((tx) => addComment(tx, a.actor('cape'), netQ, netQ, 'Encore une précision.'));
  assert.ok(!(await inboxOf(b, 'entrepreneur')).some((i) => i.key === `campus.follow:${netQ}`));
});

test('expertise: unanswered questions in my tags reach my inbox until answered', async () => {
  await withSystem(odb.db, (trx) =>
    campusDb(trx)
      .insertInto('campus_expertise')
      .values({
        cooperative_id: b.coop.id,
        user_id: b.users.support.id,
        network_id: b.coop.networkId,
        display_name: 'Support beta',
        tags: ['tva'],
      })
      .execute(),
  );
  const q = await inA((tx) =>
    postQuestion(tx, a.actor('director'), {
      title: 'TVA sur les acomptes',
      body: '?',
      tags: 'tva',
      visibility: 'network',
    }),
  );
  const items = await inboxOf(b, 'support');
  assert.ok(items.some((i) => i.key === `campus.expertise:${q.id}` && i.link === `/campus/${q.id}`));
  await inA((tx) => postAnswer(tx, a.actor('support'), q.id, 'À la date de l’encaissement.'));
  assert.ok(!(await inboxOf(b, 'support')).some((i) => i.key === `campus.expertise:${q.id}`));
});

test('edits keep the history; answers only by their author (or their cooperative’s moderators)', async () => {
  await inA((tx) =>
    updateQuestion(tx, a.actor('entrepreneur'), netQ, {
      title: 'Quel modèle de contrat de sous-traitance, svp ?',
      body: 'Je cherche un modèle (v2).',
      tags: 'contrat',
      category: 'commercial',
    }),
  );
  await assert.rejects(
    inA((tx) => updateQuestion(tx, a.actor('cape'), netQ, { title: 'Piratage du titre', body: 'x', tags: '' })),
  );
  const ans = await inB(
    async (tx) =>
      (await listAnswers(tx, b.actor('entrepreneur'), await getQuestion(tx, b.actor('entrepreneur'), netQ)))[0],
  );
  await assert.rejects(inA((tx) => editAnswer(tx, a.actor('director'), netQ, ans.id, 'réécrit')));
  await inB((tx) => editAnswer(tx, b.actor('entrepreneur'), netQ, ans.id, 'Voyez le modèle du réseau (lien corrigé).'));
  const hq = await inA((tx) => postRevisions(tx, a.actor('cape'), netQ, netQ));
  assert.equal(hq[0].body, 'Je cherche un modèle.');
  const ha = await inB((tx) => postRevisions(tx, b.actor('cape'), netQ, ans.id));
  assert.equal(ha[0].body, 'Voyez le modèle du réseau.');
  const c = new TestClient(app);
  await c.signIn(a.users.cape.email, TEST_PASSWORD);
  const page = await c.get(`/campus/${netQ}/historique`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Je cherche un modèle\./);
  assert.equal((await c.get(`/campus/${netQ}/historique/${ans.id}`)).res.status, 200);
  const form = await c.get(`/campus/${netQ}/modifier`);
  assert.equal(form.res.status, 200);
  const ca = new TestClient(app);
  await ca.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const bad = await ca.post(`/campus/${netQ}/modifier`, { title: 'x', body: 'b', tags: '' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /5 caractères au moins/);
});

test('files: typed, size-limited, served as a download to those who can read the question only', async () => {
  await assert.rejects(
    inA((tx) =>
      attachFile(tx, a.actor('entrepreneur'), key, netQ, {
        name: 'x.html',
        content: Buffer.from('<html><script>1</script>'),
      }),
    ),
    /PDF ou une image/,
  );
  await assert.rejects(
    inA((tx) =>
      attachFile(tx, a.actor('entrepreneur'), key, netQ, { name: 'big.png', content: Buffer.alloc(6 * 1024 * 1024) }),
    ),
    /5 Mo/,
  );
  await assert.rejects(inA((tx) => attachFile(tx, a.actor('cape'), key, netQ, { name: 'p.png', content: PNG })));
  const att = await inA((tx) =>
    attachFile(tx, a.actor('entrepreneur'), key, netQ, { name: 'schéma.png', content: PNG }),
  );
  const f = await openAttachment(odb.db, b.actor('cape'), key, netQ, att.id);
  assert.deepEqual(f.content, PNG);
  await assert.rejects(openAttachment(odb.db, other.actor('director'), key, netQ, att.id), /introuvable/);
  const priv = await inA((tx) => attachFile(tx, a.actor('cape'), key, privQ, { name: 'p.png', content: PNG }));
  await assert.rejects(openAttachment(odb.db, b.actor('director'), key, privQ, priv.id), /introuvable/);
  const cb = new TestClient(app);
  await cb.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  const r = await cb.get(`/campus/${netQ}/fichiers/${att.id}`);
  assert.equal(r.res.status, 200);
  assert.match(r.res.headers.get('content-disposition') ?? '', /^attachment/);
  assert.equal(r.res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await cb.get(`/campus/${privQ}/fichiers/${priv.id}`)).res.status, 404);
  assert.equal((await cb.get(`/campus/${netQ}/fichiers/pas-un-id`)).res.status, 404);
});

test('reports hide a post after three people, pending review; moderators restore; network staff moderate through the service', async () => {
  const ans = await inB((tx) => postAnswer(tx, b.actor('cape'), netQ, 'Achetez mon produit miracle !'));
  assert.deepEqual(await reportPost(odb.db, a.actor('cape'), 'answer', ans.id, 'Publicité'), { hidden: false });
  // The same person twice counts once.
  assert.deepEqual(await reportPost(odb.db, a.actor('cape'), 'answer', ans.id, 'Publicité'), { hidden: false });
  assert.deepEqual(await reportPost(odb.db, a.actor('support'), 'answer', ans.id, 'Spam'), { hidden: false });
  assert.equal(REPORTS_TO_HIDE, 3);
  assert.deepEqual(await reportPost(odb.db, b.actor('entrepreneur'), 'answer', ans.id, 'Spam'), { hidden: true });
  const visible = await inA(async (tx) =>
    listAnswers(tx, a.actor('entrepreneur'), await getQuestion(tx, a.actor('entrepreneur'), netQ)),
  );
  assert.ok(!visible.some((x) => x.id === ans.id));
  // Moderators of B see it in their queue with the reasons; A's director cannot restore it
  // (not A's post); A's network staff can (network-wide post of their network) — RLS still
  // keeps A's staff from B's private rows.
  const queue = await inB((tx) => reviewQueue(tx, b.actor('director')));
  const entry = queue.find((x) => x.id === ans.id);
  assert.ok(entry?.hidden);
  assert.equal(entry.reports.length, 3);
  await assert.rejects(
    moderatePost(odb.db, a.actor('director'), 'answer', ans.id, false),
    /modération de sa coopérative/,
  );
  await assert.rejects(moderatePost(odb.db, other.actor('network_admin'), 'answer', ans.id, false), /introuvable/);
  await moderatePost(odb.db, a.actor('network_admin'), 'answer', ans.id, false);
  const back = await inA(async (tx) =>
    listAnswers(tx, a.actor('entrepreneur'), await getQuestion(tx, a.actor('entrepreneur'), netQ)),
  );
  assert.ok(back.some((x) => x.id === ans.id));
  // Reviewed: the old reports no longer count and the queue is empty for it.
  assert.ok(!(await inB((tx) => reviewQueue(tx, b.actor('director')))).some((x) => x.id === ans.id));
  const bPrivate = await inB((tx) =>
    postQuestion(tx, b.actor('cape'), {
      title: 'Question privée de beta',
      body: 'x',
      tags: '',
      visibility: 'cooperative',
    }),
  );
  await assert.rejects(moderatePost(odb.db, a.actor('network_admin'), 'question', bPrivate.id, true), /introuvable/);
  // Every moderation action is in the audit log of the post's cooperative.
  const log = await inB((tx) =>
    campusDb(tx)
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id'])
      .where('target_id', '=', ans.id)
      .orderBy('seq')
      .execute(),
  );
  assert.deepEqual(
    log.map((l) => [l.action, l.actor_user_id]),
    [
      ['campus.report', b.users.entrepreneur.id],
      ['campus.hide', null],
      ['campus.restore', a.users.network_admin.id],
    ],
  );
  const reportsInA = await inA((tx) =>
    campusDb(tx).selectFrom('audit_log').select('action').where('target_id', '=', ans.id).execute(),
  );
  assert.equal(reportsInA.filter((l) => l.action === 'campus.report').length, 3);
  // HTTP: the queue page for moderators, refused to members.
  const cm = new TestClient(app);
  await cm.signIn(b.users.support.email, TEST_PASSWORD);
  assert.equal((await cm.get('/campus/moderation')).res.status, 200);
  const ce = new TestClient(app);
  await ce.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await ce.get('/campus/moderation')).res.status, 403);
});

test('new accounts: 3 questions and 10 answers a day during their first 7 days, in French', async () => {
  await age(1);
  try {
    const me = b.actor('accountant');
    for (let i = 0; i < 3; i++)
      await inB((tx) => postQuestion(tx, me, { title: `Question de débutant ${i}`, body: 'x', tags: '' }));
    await assert.rejects(
      inB((tx) => postQuestion(tx, me, { title: 'Question de trop', body: 'x', tags: '' })),
      /7 premiers jours.*3 questions par jour/,
    );
    for (let i = 0; i < 10; i++) await inB((tx) => postAnswer(tx, me, netQ, `Réponse ${i}`));
    await assert.rejects(
      inB((tx) => postAnswer(tx, me, netQ, 'Une de trop')),
      /10 réponses par jour/,
    );
  } finally {
    await age(30);
  }
  await inB((tx) =>
    postQuestion(tx, b.actor('accountant'), { title: 'Compte ancien, pas de limite', body: 'x', tags: '' }),
  );
});

test('HTTP: comment, follow, report and edit routes answer 404 to other cooperatives and to junk', async () => {
  const co = new TestClient(app);
  await co.signIn(other.users.director.email, TEST_PASSWORD);
  for (const path of [
    `/campus/${netQ}/commentaires/${netQ}`,
    `/campus/${netQ}/suivre`,
    `/campus/${netQ}/signaler`,
    `/campus/${netQ}/modifier`,
    `/campus/${privQ}/fichiers`,
  ]) {
    const r = await co.post(path, { comment: 'x', reason: 'abus', title: 'Titre assez long', body: 'x' });
    assert.ok([403, 404].includes(r.res.status), `${path} ${r.res.status}`);
  }
  const ca = new TestClient(app);
  await ca.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  for (const path of ['/campus/x/suivre', `/campus/${netQ}/commentaires/zz`, `/campus/${netQ}/reponses/zz/signaler`]) {
    const r = await ca.post(path, { comment: 'x', reason: 'abus' });
    assert.equal(r.res.status, 404, path);
  }
  const r = await ca.post(`/campus/${netQ}/commentaires/${netQ}`, { comment: '<script>alert(1)</script> **ok**' });
  assert.equal(r.res.status, 302);
  const page = await ca.get(`/campus/${netQ}`);
  assert.match(page.html, /<strong>ok<\/strong>/);
  assert.doesNotMatch(page.html, /<script>alert/);
  assert.match(page.html, /Ne plus suivre/);
});
