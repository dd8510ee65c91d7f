// Campus knowledge: resource persons (expertise, endorsements, designation, slots, directory),
// the knowledge base (review, publication, promotion, versions, answer → article, search, inbox
// line) and ideas (votes, comments, status, adopted elsewhere). Authorization for every role;
// visibility across two cooperatives of one network and a cooperative of another network,
// through the services, row-level security and HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { ForbiddenError, ROLES, type Actor } from '../../core/actor.ts';
import { scopeOf, type Permission } from '../../core/authz.ts';
import type { Tx } from '../../core/db/handles.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { computeInbox } from '../inbox/index.ts';
import { askQuestion, answerQuestion, acceptAnswer } from './questions.service.ts';
import {
  setExpertise,
  toggleEndorsement,
  designateResourcePerson,
  offerResourceSlot,
  findHelpers,
  getExpertProfile,
} from './experts.service.ts';
import {
  createArticle,
  submitArticle,
  reviewArticle,
  promoteArticle,
  getArticle,
  editArticle,
  articleVersions,
  articleFromAnswer,
  listArticles,
  searchArticles,
  diffLines,
} from './articles.service.ts';
import {
  proposeIdea,
  toggleIdeaVote,
  commentIdea,
  setIdeaStatus,
  listIdeas,
  getIdea,
  ideaComments,
} from './ideas.service.ts';
import { CAMPUS_KB } from './knowledge-permissions.ts';
import { kbDb } from './knowledge-db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop; // network 1
let b: TestCoop; // network 1
let other: TestCoop; // another network
const in_ = <T>(t: TestCoop, fn: (tx: Tx) => Promise<T>) => withTenant(odb.db, t.coop.id, fn);

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  [other] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

// --- authorization: every new permission, every role ----------------------------------------

class Rollback extends Error {}
async function attempt(t: TestCoop, run: (tx: Tx, actor: Actor) => Promise<unknown>, actor: Actor) {
  try {
    await in_(t, async (tx) => {
      await run(tx, actor);
      throw new Rollback();
    });
  } catch (e) {
    return e instanceof Rollback ? null : e;
  }
  return null;
}

test('every knowledge permission is allowed exactly to the roles of the matrix', async () => {
  const ent = a.actor('entrepreneur');
  const fx = await in_(a, async (tx) => {
    await setExpertise(tx, a.actor('cape'), 'comptabilite');
    const review = await createArticle(tx, ent, { kind: 'howto', title: 'Article à relire', body: 'x', tags: '' });
    await submitArticle(tx, ent, review.id);
    const pub = await createArticle(tx, ent, { kind: 'legal', title: 'Article publié', body: 'y', tags: '' });
    await submitArticle(tx, ent, pub.id);
    await reviewArticle(tx, a.actor('director'), pub.id, 'publish');
    const idea = await proposeIdea(tx, ent, { title: 'Une idée à étudier', body: 'z', visibility: 'network' });
    return { review: review.id, pub: pub.id, idea: idea.id };
  });
  const slotDay = addDays(todayParis(), 3);
  const cases: [Permission, (tx: Tx, actor: Actor) => Promise<unknown>][] = [
    [CAMPUS_KB.endorse, (tx, actor) => toggleEndorsement(tx, actor, a.coop.id, a.users.cape.id, 'comptabilite')],
    [CAMPUS_KB.designate, (tx, actor) => designateResourcePerson(tx, actor, a.users.entrepreneur.id, 'cooperative')],
    [
      CAMPUS_KB.slotOffer,
      async (tx, actor) => {
        await designateResourcePerson(tx, a.actor('support'), actor.userId!, 'cooperative');
        return offerResourceSlot(tx, actor, { date: slotDay, start: '10:00', end: '11:00', place: 'Visio' });
      },
    ],
    [
      CAMPUS_KB.articleWrite,
      (tx, actor) => createArticle(tx, actor, { kind: 'template', title: 'Un modèle', body: 'm', tags: '' }),
    ],
    [CAMPUS_KB.articleReview, (tx, actor) => reviewArticle(tx, actor, fx.review, 'publish')],
    [CAMPUS_KB.articlePromote, (tx, actor) => promoteArticle(tx, actor, fx.pub)],
    [CAMPUS_KB.ideaPropose, (tx, actor) => proposeIdea(tx, actor, { title: 'Encore une idée', body: '' })],
    [CAMPUS_KB.ideaStatus, (tx, actor) => setIdeaStatus(tx, actor, fx.idea, 'studied')],
  ];
  assert.deepEqual(
    Object.values(CAMPUS_KB)
      .map((p) => p.key)
      .filter((k) => !cases.some(([p]) => p.key === k)),
    [],
    'a knowledge permission without its case',
  );
  for (const [perm, run] of cases)
    for (const role of ROLES) {
      const err = await attempt(a, run, a.actor(role));
      if (scopeOf({ roles: [role] }, perm)) assert.ok(!(err instanceof ForbiddenError), `${role} ${perm.key}: ${err}`);
      else assert.ok(err instanceof ForbiddenError, `${role} should be refused ${perm.key}, got ${err}`);
    }
  // A support member designates resource persons of the cooperative, not of the network.
  const e = await attempt(
    a,
    (tx, actor) => designateResourcePerson(tx, actor, a.users.entrepreneur.id, 'network'),
    a.actor('support'),
  );
  assert.ok(e instanceof ForbiddenError);
  assert.equal(
    await attempt(
      a,
      (tx, actor) => designateResourcePerson(tx, actor, a.users.entrepreneur.id, 'network'),
      a.actor('network_admin'),
    ),
    null,
  );
  // Without a designation, no slot.
  const noSlot = await attempt(
    a,
    (tx, actor) => offerResourceSlot(tx, actor, { date: slotDay, start: '10:00', end: '11:00', place: 'Visio' }),
    a.actor('cape'),
  );
  assert.ok(noSlot instanceof ForbiddenError);
});

// --- resource persons -----------------------------------------------------------------------

let netQ: string;
test('resource persons: tags, endorsements once per tag and never oneself, directory across the network only', async () => {
  await in_(a, (tx) => setExpertise(tx, a.actor('entrepreneur'), 'Signature électronique, facturation'));
  await in_(b, (tx) => setExpertise(tx, b.actor('cape'), ['assurance', 'rc-pro']));
  await in_(other, (tx) => setExpertise(tx, other.actor('support'), 'signature-electronique'));
  // answers: one accepted (network question), one not, one in a cooperative-only question
  netQ = (
    await in_(b, (tx) =>
      askQuestion(tx, b.actor('entrepreneur'), {
        title: 'Signer un contrat à distance',
        body: 'Comment ?',
        tags: ['signature'],
        visibility: 'network',
      }),
    )
  ).id;
  const q2 = (
    await in_(b, (tx) =>
      askQuestion(tx, b.actor('entrepreneur'), {
        title: 'Facture électronique obligatoire',
        body: 'Quand ?',
        tags: [],
        visibility: 'network',
      }),
    )
  ).id;
  const privateQ = (
    await in_(a, (tx) =>
      askQuestion(tx, a.actor('cape'), {
        title: 'Question interne sur les notes de frais',
        body: '?',
        tags: [],
        visibility: 'cooperative',
      }),
    )
  ).id;
  await in_(a, (tx) => answerQuestion(tx, a.actor('entrepreneur'), q2, 'En 2026 pour la réception.'));
  const acc = await in_(a, (tx) => answerQuestion(tx, a.actor('entrepreneur'), netQ, 'Avec un prestataire **eIDAS**.'));
  await in_(a, (tx) => answerQuestion(tx, a.actor('entrepreneur'), privateQ, 'Réponse interne'));
  await in_(b, (tx) => acceptAnswer(tx, b.actor('entrepreneur'), netQ, acc.id));

  const ent = a.users.entrepreneur.id;
  assert.equal(
    await in_(b, (tx) => toggleEndorsement(tx, b.actor('director'), a.coop.id, ent, 'signature-electronique')),
    true,
  );
  assert.equal(
    await in_(a, (tx) => toggleEndorsement(tx, a.actor('support'), a.coop.id, ent, 'signature-electronique')),
    true,
  );
  // again: withdrawn, then given back; one per person and tag
  assert.equal(
    await in_(a, (tx) => toggleEndorsement(tx, a.actor('support'), a.coop.id, ent, 'signature-electronique')),
    false,
  );
  await in_(a, (tx) => toggleEndorsement(tx, a.actor('support'), a.coop.id, ent, 'signature-electronique'));
  await assert.rejects(
    in_(a, (tx) => toggleEndorsement(tx, a.actor('entrepreneur'), a.coop.id, ent, 'facturation')),
    /soi-même/,
  );
  await assert.rejects(
    in_(a, (tx) => toggleEndorsement(tx, a.actor('support'), a.coop.id, ent, 'jardinage')),
    /pas dans son profil/,
  );
  await assert.rejects(
    in_(other, (tx) => toggleEndorsement(tx, other.actor('director'), a.coop.id, ent, 'facturation')),
    /introuvable/,
  );
  await in_(a, (tx) => designateResourcePerson(tx, a.actor('network_admin'), ent, 'network'));

  for (const role of ROLES) {
    // From b (same network): a's entrepreneur found with accents missing and a typo; other's never.
    for (const words of ['signature electronique', 'signatur electronik', 'Signature']) {
      const found = await in_(b, (tx) => findHelpers(tx, b.actor(role), words));
      assert.equal(found[0]?.userId, ent, `${role} ${words}`);
      assert.equal(found[0].badge, 'network');
      assert.equal(found[0].endorsements, 2);
      assert.equal(found[0].acceptedAnswers, 1);
      assert.ok(!found.some((h) => h.cooperativeId === other.coop.id), `${role} leak`);
    }
    const ins = await in_(a, (tx) => findHelpers(tx, a.actor(role), 'assurances'));
    assert.deepEqual(
      ins.map((h) => h.userId),
      [b.users.cape.id],
    );
    const fromOther = await in_(other, (tx) => findHelpers(tx, other.actor(role), 'signature'));
    assert.deepEqual(
      fromOther.map((h) => h.userId),
      [other.users.support.id],
    );
    await assert.rejects(
      in_(other, (tx) => getExpertProfile(tx, other.actor(role), a.coop.id, ent)),
      /introuvable/,
    );
    const p = await in_(b, (tx) => getExpertProfile(tx, b.actor(role), a.coop.id, ent));
    assert.equal(p.answers.length, 2, role); // the cooperative-only answer stays in a
    assert.equal(p.answers[0].accepted, true);
    assert.equal(p.answers[0].questionId, netQ);
    assert.equal(p.tags.find((t) => t.tag === 'signature-electronique')?.endorsements, 2);
    assert.equal(p.slots, null); // slots are for the person's own cooperative
    const inA = await in_(a, (tx) => getExpertProfile(tx, a.actor(role), a.coop.id, ent));
    assert.equal(inA.answers.length, 3, role);
  }
  // Row-level security alone: other's network reads nothing of a.
  const raw = await in_(other, (tx) => kbDb(tx).selectFrom('campus_endorsement').select('tag').execute());
  assert.deepEqual(raw, []);
});

test('a designated resource person offers a slot, shown on the profile to the cooperative', async () => {
  const day = addDays(todayParis(), 4);
  await in_(a, (tx) =>
    offerResourceSlot(tx, a.actor('entrepreneur'), { date: day, start: '14:00', end: '15:00', place: 'Café' }),
  );
  const p = await in_(a, (tx) => getExpertProfile(tx, a.actor('cape'), a.coop.id, a.users.entrepreneur.id));
  assert.equal(p.slots?.length, 1);
  assert.equal(p.slots?.[0].place, 'Café');
  await assert.rejects(
    in_(a, (tx) =>
      offerResourceSlot(tx, a.actor('entrepreneur'), { date: day, start: '14:00', end: '13:00', place: 'x' }),
    ),
    /fin/,
  );
});

// --- knowledge base -------------------------------------------------------------------------

let promoted: string;
let draft: string;
test('articles: draft, review, publication in the cooperative, promotion to the network with attribution and versions', async () => {
  const author = a.actor('entrepreneur');
  const { id } = await in_(a, (tx) =>
    createArticle(tx, author, {
      kind: 'howto',
      title: 'Faire signer un devis électroniquement',
      body: 'Étape 1\nÉtape 2',
      tags: 'signature',
    }),
  );
  promoted = id;
  draft = (
    await in_(a, (tx) =>
      createArticle(tx, author, { kind: 'template', title: 'Modèle brouillon', body: 'b', tags: '' }),
    )
  ).id;
  await assert.rejects(
    in_(a, (tx) => getArticle(tx, a.actor('cape'), id)),
    /introuvable/,
  );
  await assert.rejects(
    in_(a, (tx) => reviewArticle(tx, a.actor('support'), id, 'publish')),
    /introuvable|attend/,
  );
  await assert.rejects(in_(a, (tx) => submitArticle(tx, a.actor('support'), id)));
  await in_(a, (tx) => submitArticle(tx, author, id));
  await assert.rejects(
    in_(a, (tx) => reviewArticle(tx, a.actor('director'), id, 'reject', '')),
    /revoir/,
  );
  await in_(a, (tx) => reviewArticle(tx, a.actor('director'), id, 'reject', 'Ajoutez un exemple.'));
  assert.equal((await in_(a, (tx) => getArticle(tx, author, id))).status, 'draft');
  assert.equal(
    await in_(a, (tx) =>
      editArticle(tx, author, id, {
        kind: 'howto',
        title: 'Faire signer un devis électroniquement',
        body: 'Étape 1\nExemple\nÉtape 2',
        tags: 'signature',
      }),
    ),
    2,
  );
  await in_(a, (tx) => submitArticle(tx, author, id));
  await assert.rejects(
    in_(a, (tx) => promoteArticle(tx, a.actor('network_admin'), id)),
    /publié/,
  );
  await in_(a, (tx) => reviewArticle(tx, a.actor('support'), id, 'publish'));
  for (const role of ROLES) {
    assert.equal((await in_(a, (tx) => getArticle(tx, a.actor(role), id))).status, 'published', role);
    await assert.rejects(
      in_(b, (tx) => getArticle(tx, b.actor(role), id)),
      /introuvable/,
      role,
    );
  }
  // b's network staff cannot promote a's article; a's can.
  await assert.rejects(
    in_(b, (tx) => promoteArticle(tx, b.actor('network_admin'), id)),
    /introuvable/,
  );
  await in_(a, (tx) => promoteArticle(tx, a.actor('network_admin'), id));
  assert.equal(
    await in_(a, (tx) =>
      editArticle(tx, a.actor('support'), id, {
        kind: 'howto',
        title: 'Faire signer un devis électroniquement',
        body: 'Étape 1\nExemple\nÉtape 2\nÉtape 3',
        tags: 'signature',
      }),
    ),
    3,
  );
  await assert.rejects(
    in_(a, (tx) => editArticle(tx, a.actor('cape'), id, { kind: 'howto', title: 'Volé', body: 'x', tags: '' })),
  );
  for (const role of ROLES) {
    const seen = await in_(b, (tx) => getArticle(tx, b.actor(role), id));
    assert.equal(seen.cooperativeName, 'Coopérative alpha');
    assert.equal(seen.authorLabel, author.label);
    assert.equal(seen.visibility, 'network');
    const versions = await in_(b, (tx) => articleVersions(tx, b.actor(role), id));
    assert.deepEqual(
      versions.map((v) => v.version),
      [3, 2, 1],
    );
    await assert.rejects(
      in_(b, (tx) => getArticle(tx, b.actor(role), draft)),
      /introuvable/,
    );
    await assert.rejects(
      in_(other, (tx) => getArticle(tx, other.actor(role), id)),
      /introuvable/,
    );
    assert.deepEqual(await in_(other, (tx) => searchArticles(tx, other.actor(role), 'signer un devis')), []);
    const hits = await in_(b, (tx) => searchArticles(tx, b.actor(role), 'signature electronique des devis'));
    assert.equal(hits[0]?.id, id, role);
    const net = await in_(b, (tx) => listArticles(tx, b.actor(role), { view: 'network' }));
    assert.deepEqual(
      net.map((r) => r.id),
      [id],
    );
  }
  // Row-level security alone.
  const raw = await in_(b, (tx) => kbDb(tx).selectFrom('campus_article_version').select('version').execute());
  assert.equal(raw.length, 3);
  assert.deepEqual(await in_(other, (tx) => kbDb(tx).selectFrom('campus_article').select('id').execute()), []);
  const audit = await in_(a, (tx) =>
    kbDb(tx).selectFrom('audit_log').select('action').where('target_id', '=', id).execute(),
  );
  assert.deepEqual(audit.map((r) => r.action).sort(), [
    'campus.article.promote',
    'campus.article.publish',
    'campus.article.reject',
  ]);
});

test('diff of two versions, line by line', () => {
  assert.deepEqual(diffLines('a\nb\nc', 'a\nx\nc\nd'), [
    { op: '=', text: 'a' },
    { op: '-', text: 'b' },
    { op: '+', text: 'x' },
    { op: '=', text: 'c' },
    { op: '+', text: 'd' },
  ]);
});

test('an accepted answer becomes an article draft in one action; not without an accepted answer', async () => {
  const r = await in_(a, (tx) => articleFromAnswer(tx, a.actor('support'), netQ));
  const art = await in_(a, (tx) => getArticle(tx, a.actor('support'), r.id));
  assert.equal(art.status, 'draft');
  assert.equal(art.title, 'Signer un contrat à distance');
  assert.match(art.body, /eIDAS/);
  assert.match(art.body, /D’après la réponse de entrepreneur alpha/);
  assert.equal(art.sourceQuestionId, netQ);
  const unanswered = await in_(a, (tx) =>
    askQuestion(tx, a.actor('cape'), { title: 'Sans réponse acceptée', body: '?', tags: [] }),
  );
  await assert.rejects(
    in_(a, (tx) => articleFromAnswer(tx, a.actor('support'), unanswered.id)),
    /acceptée/,
  );
  await assert.rejects(
    in_(other, (tx) => articleFromAnswer(tx, other.actor('support'), netQ)),
    /introuvable/,
  );
});

test('articles promoted this week reach the inbox of the network (as advice), not of another network', async () => {
  const today = todayParis();
  const items = await in_(b, (tx) => computeInbox(tx, b.actor('entrepreneur'), today));
  const line = items.find((i) => i.key === `campus.article.promoted:${promoted}`);
  assert.ok(line, 'promoted article in b inbox');
  assert.equal(line.nudge, true);
  assert.match(line.title, /Faire signer un devis/);
  const others = await in_(other, (tx) => computeInbox(tx, other.actor('entrepreneur'), today));
  assert.ok(!others.some((i) => i.kind === 'campus.article.promoted'));
  const later = await in_(b, (tx) => computeInbox(tx, b.actor('entrepreneur'), addDays(today, 10)));
  assert.ok(!later.some((i) => i.kind === 'campus.article.promoted'));
});

// --- ideas ----------------------------------------------------------------------------------

let netIdea: string;
let coopIdea: string;
test('ideas: vote once (not one’s own), comments, status by the cooperative, adopted elsewhere', async () => {
  netIdea = (
    await in_(a, (tx) =>
      proposeIdea(tx, a.actor('entrepreneur'), {
        title: 'Un atelier mensuel sur la facturation',
        body: 'Une heure par mois.',
        visibility: 'network',
      }),
    )
  ).id;
  coopIdea = (
    await in_(a, (tx) =>
      proposeIdea(tx, a.actor('cape'), { title: 'Idée interne de covoiturage', body: '', visibility: 'cooperative' }),
    )
  ).id;
  await assert.rejects(
    in_(a, (tx) => proposeIdea(tx, a.actor('cape'), { title: 'x', body: '' })),
    /Titre/,
  );
  assert.equal(await in_(b, (tx) => toggleIdeaVote(tx, b.actor('cape'), netIdea)), true);
  assert.equal(await in_(a, (tx) => toggleIdeaVote(tx, a.actor('support'), netIdea)), true);
  assert.equal(await in_(a, (tx) => toggleIdeaVote(tx, a.actor('support'), netIdea)), false);
  await in_(a, (tx) => toggleIdeaVote(tx, a.actor('support'), netIdea));
  await assert.rejects(
    in_(a, (tx) => toggleIdeaVote(tx, a.actor('entrepreneur'), netIdea)),
    /propre idée/,
  );
  await in_(b, (tx) => commentIdea(tx, b.actor('director'), netIdea, 'Bonne idée, nous le faisons déjà.'));
  await assert.rejects(
    in_(b, (tx) => toggleIdeaVote(tx, b.actor('cape'), coopIdea)),
    /introuvable/,
  );
  await assert.rejects(
    in_(b, (tx) => setIdeaStatus(tx, b.actor('director'), netIdea, 'adopted')),
    ForbiddenError,
  );
  await assert.rejects(
    in_(a, (tx) => setIdeaStatus(tx, a.actor('support'), netIdea, 'perdue')),
    /Statut/,
  );
  await in_(a, (tx) => setIdeaStatus(tx, a.actor('support'), netIdea, 'adopted'));
  await in_(a, (tx) => setIdeaStatus(tx, a.actor('director'), coopIdea, 'adopted'));
  for (const role of ROLES) {
    const i = await in_(b, (tx) => getIdea(tx, b.actor(role), netIdea));
    assert.equal(i.votes, 2);
    assert.equal(i.status, 'adopted');
    assert.equal((await in_(b, (tx) => ideaComments(tx, b.actor(role), i))).length, 1);
    const elsewhere = await in_(b, (tx) => listIdeas(tx, b.actor(role), { elsewhere: true }));
    assert.deepEqual(
      elsewhere.map((x) => x.id),
      [netIdea],
      role,
    );
    assert.deepEqual(await in_(a, (tx) => listIdeas(tx, a.actor(role), { elsewhere: true })), []);
    await assert.rejects(
      in_(other, (tx) => getIdea(tx, other.actor(role), netIdea)),
      /introuvable/,
    );
    assert.deepEqual(await in_(other, (tx) => listIdeas(tx, other.actor(role), {})), []);
  }
  const audit = await in_(a, (tx) =>
    kbDb(tx).selectFrom('audit_log').select('action').where('target_id', '=', netIdea).execute(),
  );
  assert.deepEqual(
    audit.map((r) => r.action),
    ['campus.idea.status'],
  );
});

// --- HTTP -----------------------------------------------------------------------------------

test('HTTP: pages per role in the network and outside it; other cooperatives’ ids and garbage never 500', async () => {
  const ca = new TestClient(app);
  await ca.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const made = await ca.post('/campus/articles', {
    kind: 'legal',
    title: 'Note <script>alert(1)</script> juridique',
    body: 'Texte <script>alert(1)</script> [x](javascript:alert(1))',
    tags: 'droit',
  });
  assert.equal(made.res.status, 302);
  const newId = made.res.headers.get('location')!.split('/').pop()!;
  const page = await ca.get(`/campus/articles/${newId}`);
  assert.equal(page.res.status, 200);
  assert.doesNotMatch(page.html, /<script>alert|href="javascript/);
  const bad = await ca.post('/campus/articles', { kind: 'roman', title: 'x', body: '', tags: '' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Choisissez un type/);
  const idea = await ca.post('/campus/idees', { title: 'Idée par le formulaire', body: 'b', visibility: 'network' });
  assert.equal(idea.res.status, 302);
  const search = await ca.get('/campus?q=signer%20un%20devis');
  assert.match(search.html, /Faire signer un devis électroniquement/);
  assert.equal((await ca.get(`/campus/${netQ}`)).res.status, 200);
  const versions = await ca.get(`/campus/articles/${promoted}/versions?v=3`);
  assert.match(versions.html, /Étape 3/);

  for (const role of ROLES) {
    const cb = new TestClient(app);
    await cb.signIn(b.users[role].email, TEST_PASSWORD);
    const dir = await cb.get('/campus/personnes?sur=signatur%20electronique');
    assert.equal(dir.res.status, 200, role);
    assert.match(dir.html, /entrepreneur alpha/, role);
    assert.doesNotMatch(dir.html, new RegExp(other.coop.slug));
    assert.equal((await cb.get(`/campus/personnes/${a.coop.id}/${a.users.entrepreneur.id}`)).res.status, 200, role);
    assert.equal((await cb.get(`/campus/articles/${promoted}`)).res.status, 200, role);
    assert.equal((await cb.get(`/campus/articles/${promoted}/versions`)).res.status, 200, role);
    assert.equal((await cb.get(`/campus/articles/${draft}`)).res.status, 404, role);
    assert.equal((await cb.get(`/campus/articles/${newId}`)).res.status, 404, role);
    assert.equal((await cb.get(`/campus/idees/${coopIdea}`)).res.status, 404, role);
    const elsewhere = await cb.get('/campus/idees/ailleurs');
    assert.match(elsewhere.html, /Un atelier mensuel sur la facturation/, role);
    assert.doesNotMatch(elsewhere.html, /covoiturage/, role);
    for (const path of [
      `/campus/articles/${promoted}/promouvoir`,
      `/campus/articles/${promoted}/publier`,
      `/campus/articles/${draft}/soumettre`,
      `/campus/idees/${netIdea}/statut`,
      `/campus/idees/${coopIdea}/voter`,
      `/campus/personnes/${a.coop.id}/${a.users.entrepreneur.id}/designer`,
    ]) {
      const p = await cb.post(path, { status: 'done', scope: 'network' });
      assert.ok([403, 404].includes(p.res.status), `${role} ${path} ${p.res.status}`);
    }
    const co = new TestClient(app);
    await co.signIn(other.users[role].email, TEST_PASSWORD);
    assert.equal((await co.get(`/campus/articles/${promoted}`)).res.status, 404, role);
    assert.equal((await co.get(`/campus/idees/${netIdea}`)).res.status, 404, role);
    assert.equal((await co.get(`/campus/personnes/${a.coop.id}/${a.users.entrepreneur.id}`)).res.status, 404, role);
    assert.doesNotMatch((await co.get('/campus/articles?vue=reseau')).html, /Faire signer/, role);
  }
  for (const path of [
    '/campus/articles/xyz',
    '/campus/idees/1',
    '/campus/personnes/x/y',
    '/campus/articles?vue=zz',
    `/campus/articles/${promoted}/versions?v=abc`,
    '/campus/idees?statut=perdue',
  ]) {
    const g = await ca.get(path);
    assert.ok([400, 404].includes(g.res.status), `${path} ${g.res.status}`);
  }
  assert.equal((await ca.post('/campus/not-a-uuid/en-article', {})).res.status, 404);
});
