// A person's campus data (src/modules/campus/personal-data.ts) in the data access export and the erasure: questions, answers, comments,
// files, votes, follows, expertise and endorsements (given, and received from another
// cooperative) are exported; erasure keeps the content for the others with the author
// pseudonymised, and deletes votes, follows, expertise and endorsements. Others' rows stay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { seedTestCooperatives, type TestCoop } from './testing.ts';
import { createTestApp } from './testing-web.ts';
import { erasePerson, exportPerson } from './personal-data.ts';
import { withSystem, withTenant } from '../core/db/tenant.ts';
import { coreDb } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';
import {
  addComment,
  attachFile,
  ERASED_AUTHOR,
  getQuestion,
  handleOf,
  listComments,
  openAttachment,
  postAnswer,
  postQuestion,
  setExpertise,
  toggleEndorsement,
  toggleVote,
} from '../modules/campus/index.ts';

let odb: OpenDb;
let key: Buffer;
let a: TestCoop;
let b: TestCoop;
let myQ: string;
let theirQ: string;
let myAnswer: string;
let theirAnswer: string;
let attachment: string;
/** The peer's answer to my question that mentions me by my handle, and what it says of others. */
let mentioning: string;
let myHandle: string;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const inA = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, a.coop.id, fn);
const inB = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, b.coop.id, fn);
const count = async (table: string, where: ReturnType<typeof sql>) =>
  withSystem(odb.db, async (tx) =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(coreDb(tx)))
        .rows[0].n,
    ),
  );

before(async () => {
  let config: { fileKey: Buffer };
  ({ odb, config } = await createTestApp());
  key = config.fileKey;
  [a, b] = await seedTestCooperatives(odb);
  await withSystem(odb.db, (tx) =>
    sql`update user_account set created_at = now() - interval '30 days'`.execute(coreDb(tx)),
  );
  const me = a.actor('entrepreneur');
  const peer = b.actor('entrepreneur');
  myQ = (
    await inA((tx) =>
      postQuestion(tx, me, {
        title: 'Quel modèle de devis signé ?',
        body: 'Je cherche un modèle.',
        tags: 'devis',
        visibility: 'network',
      }),
    )
  ).id;
  attachment = (await inA((tx) => attachFile(tx, me, key, myQ, { name: 'devis.png', content: PNG }))).id;
  theirAnswer = (await inB((tx) => postAnswer(tx, peer, myQ, 'Celui de la base de connaissances.'))).id;
  await inA((tx) => toggleVote(tx, me, myQ, theirAnswer));
  await inA((tx) => addComment(tx, me, myQ, theirAnswer, 'Merci, je le prends.'));
  theirQ = (
    await inB((tx) =>
      postQuestion(tx, peer, {
        title: 'Assurance pour un atelier ?',
        body: 'Laquelle ?',
        tags: 'assurance',
        visibility: 'network',
      }),
    )
  ).id;
  myAnswer = (await inA((tx) => postAnswer(tx, me, theirQ, 'Le contrat groupe suffit.'))).id;
  myHandle = handleOf(
    (
      await withSystem(odb.db, (tx) =>
        sql<{ n: string }>`select display_name as n from user_account where id = ${a.users.entrepreneur.id}`.execute(
          coreDb(tx),
        ),
      )
    ).rows[0].n,
  );
  mentioning = (
    await inB((tx) =>
      postAnswer(tx, peer, myQ, `Demandez à @${myHandle} sa version, et à @${myHandle}x (une autre personne).`),
    )
  ).id;
  await inB((tx) => toggleVote(tx, peer, theirQ, myAnswer));
  await inA((tx) => setExpertise(tx, me, 'Signature électronique'));
  await inB((tx) => toggleEndorsement(tx, peer, a.coop.id, a.users.entrepreneur.id, 'signature-electronique'));
  await inB((tx) => setExpertise(tx, peer, 'Assurance'));
  await inA((tx) => toggleEndorsement(tx, me, b.coop.id, b.users.entrepreneur.id, 'assurance'));
});
after(() => odb.close());

test('the export lists the person’s campus rows and joined files, not other people’s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'campus-export-'));
  const r = await exportPerson(odb, a.coop, a.users.entrepreneur.email, dir, key);
  const doc = JSON.parse(readFileSync(join(dir, 'personne.json'), 'utf8')) as {
    sections: { module: string; table: string; label: string; rows: Record<string, unknown>[] }[];
    files: { id: string; path: string }[];
  };
  const campus = doc.sections.filter((s) => s.module === 'campus');
  const rows = (table: string) => campus.filter((s) => s.table === table).flatMap((s) => s.rows);
  assert.deepEqual(
    rows('campus_question').map((x) => x.id),
    [myQ],
  );
  assert.deepEqual(
    rows('campus_answer').map((x) => x.id),
    [myAnswer],
  );
  assert.equal(rows('campus_comment')[0]?.body, 'Merci, je le prends.');
  assert.deepEqual(
    rows('campus_vote').map((x) => x.target_id),
    [theirAnswer],
  );
  assert.equal(rows('campus_follow').length, 2, 'my question and the one I answered');
  assert.deepEqual(rows('campus_expertise')[0]?.tags, ['signature-electronique']);
  const endorsements = campus.filter((s) => s.table === 'campus_endorsement');
  assert.deepEqual(endorsements.map((s) => s.label).sort(), [
    'campus : recommandations données',
    'campus : recommandations reçues',
  ]);
  assert.equal(rows('campus_attachment')[0]?.id, attachment);
  assert.ok(r.files >= 1);
  const file = doc.files.find((f) => f.id === rows('campus_attachment')[0]?.file_id);
  assert.ok(file, 'the joined file is in the export');
  assert.deepEqual(readFileSync(join(dir, file.path)), PNG);
  // Nothing of the peer's: their answer, their vote on my answer.
  assert.ok(rows('campus_answer').every((x) => x.author_user_id === a.users.entrepreneur.id));
  assert.ok(rows('campus_vote').every((x) => x.user_id === a.users.entrepreneur.id));
});

test('erasure keeps the posts with the author pseudonymised, deletes votes, follows, expertise, endorsements', async () => {
  const me = a.users.entrepreneur.id;
  const dry = await erasePerson(odb, a.coop, a.users.entrepreneur.email, { dryRun: true });
  const line = (t: string) => dry.lines.find((l) => l.module === 'campus' && l.table === t);
  assert.equal(line('campus_question')?.action, 'anonymisé');
  assert.equal(line('campus_vote')?.action, 'supprimé');
  assert.equal(await count('campus_vote', sql`user_id = ${me}`), 1, 'a dry run changes nothing');

  await erasePerson(odb, a.coop, a.users.entrepreneur.email, { dryRun: false });
  for (const [t, col] of [
    ['campus_question', 'author_user_id'],
    ['campus_answer', 'author_user_id'],
    ['campus_comment', 'author_user_id'],
    ['campus_vote', 'user_id'],
    ['campus_follow', 'user_id'],
    ['campus_expertise', 'user_id'],
    ['campus_endorsement', 'endorser_user_id'],
    ['campus_endorsement', 'person_user_id'],
    ['campus_attachment', 'created_by'],
  ] as const)
    assert.equal(await count(t, sql`${sql.ref(col)} = ${me}`), 0, `${t}.${col}`);

  // The peer still reads the question, its file, my answer and my comment, signed « Personne effacée ».
  const peer = b.actor('entrepreneur');
  await inB(async (tx) => {
    const q = await getQuestion(tx, peer, myQ);
    assert.equal(q.authorLabel, ERASED_AUTHOR);
    assert.equal(q.authorUserId, null);
    const comments = await listComments(tx, peer, q);
    assert.deepEqual(
      comments.map((c) => [c.body, c.authorLabel]),
      [['Merci, je le prends.', ERASED_AUTHOR]],
    );
  });
  const f = await openAttachment(odb.db, peer, key, myQ, attachment);
  assert.deepEqual(f.content, PNG);
  assert.equal(await count('campus_follow', sql`user_id = ${b.users.entrepreneur.id}`), 2);
  assert.equal(await count('campus_answer', sql`id = ${theirAnswer} and author_user_id is not null`), 1);
  // My answer to the peer's question stays, signed « Personne effacée », with the peer's vote.
  assert.equal(
    await count('campus_answer', sql`id = ${myAnswer} and author_user_id is null and author_label = ${ERASED_AUTHOR}`),
    1,
  );
  assert.equal(await count('campus_vote', sql`target_id = ${myAnswer}`), 1);
});

test('erasure rewrites the mentions of the person typed in others’ posts to the erased name', async () => {
  // Run after the erasure above: the peer's answer, in the peer's cooperative, named me.
  const body = await withSystem(
    odb.db,
    async (tx) =>
      (await sql<{ body: string }>`select body from campus_answer where id = ${mentioning}`.execute(coreDb(tx))).rows[0]
        .body,
  );
  assert.equal(body, `Demandez à ${ERASED_AUTHOR} sa version, et à @${myHandle}x (une autre personne).`);
  assert.equal(await count('campus_mention', sql`mentioned_user_id = ${a.users.entrepreneur.id}`), 0);
});
