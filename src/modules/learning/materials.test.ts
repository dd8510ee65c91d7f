// Lessons' downloadable files and embedded videos over HTTP: the author uploads through the core
// file store (typed by content: a web page named .pdf is refused by the field, nothing stored); a
// learner of another cooperative of the network downloads it as an attachment once the course is
// published; a draft's file, another network and a junk id get 404; a YouTube link becomes the
// privacy-friendly player the security headers allow, any other link stays a link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, TEST_PNG, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem } from '../../core/db/tenant.ts';
import { learningDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
let other: TestCoop;

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  [other] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

async function as(k: TestCoop, role: keyof TestCoop['users']) {
  const client = new TestClient(app);
  await client.signIn(k.users[role].email, TEST_PASSWORD);
  return client;
}
async function upload(c: TestClient, url: string, file: Buffer, name: string) {
  const body = new FormData();
  body.append('_csrf', c.csrf);
  body.append('file', new Blob([new Uint8Array(file)]), name);
  const res = await app.request(`http://localhost${url}`, {
    method: 'POST',
    body,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { res, html: await res.text() };
}
const countFiles = () =>
  withSystem(odb.db, async (tx) =>
    Number(
      (
        await learningDb(tx)
          .selectFrom('stored_file')
          .select((e) => e.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

test('a lesson offers files to those who see the course, as attachments; videos of allowed providers play in the lesson', async () => {
  const dir = await as(a, 'director');
  let r = await dir.post('/formations', { title: 'Supports de cours', durationMinutes: '30', visibility: 'network' });
  const id = /\/formations\/([0-9a-f-]{36})\/modifier/.exec(r.res.headers.get('location') ?? '')![1]!;
  await dir.post(`/formations/${id}/parties`, { sectionTitle: 'Documents' });
  let page = (await dir.get(`/formations/${id}/modifier`)).html;
  const sectionId = /<option value="([0-9a-f-]{36})"[^>]*>Documents<\/option>/.exec(page)![1]!;
  await dir.post(`/formations/${id}/lecons`, {
    sectionId,
    title: 'Le modèle de devis',
    body: 'Téléchargez le modèle.',
    videoUrl: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  });
  await dir.post(`/formations/${id}/lecons`, {
    sectionId,
    title: 'Une autre vidéo',
    body: 'Ailleurs.',
    videoUrl: 'https://videos.example.org/v/42',
  });
  page = (await dir.get(`/formations/${id}/modifier`)).html;
  const lessonId = /\/lecons\/([0-9a-f-]{36})\/modifier">Le modèle de devis/.exec(page)![1]!;
  const otherLesson = /\/lecons\/([0-9a-f-]{36})\/modifier">Une autre vidéo/.exec(page)![1]!;

  // Typed by content, not by name: a web page called .pdf is refused beside the field.
  const before = await countFiles();
  r = await upload(
    dir,
    `/formations/${id}/lecons/${lessonId}/fichiers`,
    Buffer.from('<html><script>alert(1)</script>'),
    'modele.pdf',
  );
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Déposez un PDF, une image ou un document bureautique/);
  r = await upload(dir, `/formations/${id}/lecons/${lessonId}/fichiers`, Buffer.alloc(0), 'vide.pdf');
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Choisissez un fichier/);
  assert.equal(await countFiles(), before, 'nothing stored');
  r = await upload(dir, `/formations/${id}/lecons/${lessonId}/fichiers`, TEST_PNG, 'schéma "devis".png');
  assert.equal(r.res.status, 303);
  assert.equal(await countFiles(), before + 1);
  page = (await dir.get(`/formations/${id}/lecons/${lessonId}/modifier`)).html;
  const fileId = /\/fichiers\/([0-9a-f-]{36})"/.exec(page)![1]!;
  const url = `/formations/${id}/lecons/${lessonId}/fichiers/${fileId}`;

  // A draft: the learner of the other cooperative of the network does not reach the file yet.
  const learner = await as(b, 'entrepreneur');
  assert.equal((await learner.bytes(url)).res.status, 404);
  await dir.post(`/formations/${id}/publier`, { published: '1' });
  await learner.post(`/formations/${id}/inscription`, {});
  const lesson = await learner.get(`/formations/${id}/lecons/${lessonId}`);
  assert.equal(lesson.res.status, 200);
  assert.match(lesson.html, /<iframe src="https:\/\/www\.youtube-nocookie\.com\/embed\/dQw4w9WgXcQ"/);
  assert.match(lesson.html, /sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"/);
  const csp = lesson.res.headers.get('content-security-policy') ?? '';
  assert.match(
    csp,
    /frame-src 'self' https:\/\/www\.youtube-nocookie\.com https:\/\/player\.vimeo\.com https:\/\/framatube\.org;/,
  );
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(lesson.html, /schéma _devis_\.png/);
  const other2 = (await learner.get(`/formations/${id}/lecons/${otherLesson}`)).html;
  assert.doesNotMatch(other2, /<iframe/);
  assert.match(other2, /href="https:\/\/videos\.example\.org\/v\/42"[^>]*target="_blank"/);

  const dl = await learner.bytes(url);
  assert.equal(dl.res.status, 200);
  assert.match(dl.res.headers.get('content-disposition')!, /^attachment; filename="sch/);
  assert.equal(dl.res.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(dl.body), TEST_PNG);
  // The file under another lesson's address, a junk id, another network: 404.
  assert.equal((await learner.bytes(`/formations/${id}/lecons/${otherLesson}/fichiers/${fileId}`)).res.status, 404);
  assert.equal((await learner.bytes(`/formations/${id}/lecons/${lessonId}/fichiers/pas-un-id`)).res.status, 404);
  const stranger = await as(other, 'director');
  assert.equal((await stranger.bytes(url)).res.status, 404);
  // Only the author's cooperative removes it; then it is gone.
  const otherDir = await as(b, 'director');
  assert.equal((await otherDir.post(`/formations/${id}/fichiers/${fileId}/supprimer`, {})).res.status, 404);
  assert.equal((await dir.post(`/formations/${id}/fichiers/${fileId}/supprimer`, {})).res.status, 303);
  assert.equal((await learner.bytes(url)).res.status, 404);
  assert.equal(await countFiles(), before);
});
