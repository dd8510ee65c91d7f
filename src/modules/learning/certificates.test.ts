// Certificates across cooperatives and the public verification page: the course's owner revokes the
// certificate of a learner of another cooperative (never a certificate of a course it does not own),
// the revocation shows everywhere (public page, the learner's cooperative); the page refuses past
// its per-address limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { enrol, viewLesson } from './progress.service.ts';
import { listCertificates, revokeCertificate } from './certificates.service.ts';
import { publishedCourse } from './testing.ts';
import { VERIFY_LIMIT } from './routes/index.tsx';

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

/** `k`'s entrepreneur completes the course (both lessons read): its certificate. */
async function complete(k: TestCoop, course: { id: string; lessons: string[] }) {
  const me = k.actor('entrepreneur');
  return withTenant(odb.db, k.coop.id, async (tx) => {
    await enrol(tx, me, course.id);
    for (const l of course.lessons) await viewLesson(tx, me, course.id, l);
    return (await listCertificates(tx, me, { mine: true })).find((c) => c.courseId === course.id)!;
  });
}
async function as(k: TestCoop, role: keyof TestCoop['users']) {
  const client = new TestClient(app);
  await client.signIn(k.users[role].email, TEST_PASSWORD);
  return client;
}

test('the course’s owner revokes the certificate of a learner of another cooperative; every page shows it revoked', async () => {
  const net = await publishedCourse(odb, a, 'network', 'Facturer dans une CAE');
  const own = await publishedCourse(odb, b, 'cooperative', 'Formation interne de B');
  const cert = await complete(b, net);
  const ownCert = await complete(b, own);
  assert.ok(cert && ownCert);
  const pub = new TestClient(app);
  assert.match((await pub.get(`/certificats/verifier?code=${cert.code}`)).html, /Attestation valide/);

  const dirA = await as(a, 'director');
  let page = await dirA.get('/formations/certificats');
  assert.match(page.html, /Attestations de nos formations dans d’autres coopératives/);
  assert.ok(page.html.includes(cert.code));
  assert.ok(!page.html.includes(ownCert.code), 'not the certificates of courses a does not own');
  assert.ok(
    !page.html.includes(`/formations/certificats/${cert.id}/pdf`),
    'the PDF stays with the learner’s cooperative',
  );
  // A course a does not own: refused, nothing changed.
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (tx) => revokeCertificate(tx, a.actor('director'), ownCert.id, 'Pas à nous')),
    UserError,
  );
  const r = await dirA.post(`/formations/certificats/${cert.id}/revoquer`, { reason: 'Quiz passé par un tiers' });
  assert.equal(r.res.status, 303);

  // The public page, whichever cooperative's certificate it is, and the learner's cooperative.
  const v = await pub.get(`/certificats/verifier?code=${cert.code}`);
  assert.equal(v.res.status, 200);
  assert.match(v.html, /Attestation révoquée/);
  assert.match((await pub.get(`/certificats/verifier?code=${ownCert.code}`)).html, /Attestation valide/);
  page = await (await as(b, 'director')).get('/formations/certificats');
  const row = page.html.slice(page.html.indexOf(cert.code), page.html.indexOf(cert.code) + 300);
  assert.match(row, /Révoquée/);
  const mine = await withTenant(odb.db, b.coop.id, (tx) =>
    listCertificates(tx, b.actor('entrepreneur'), { mine: true }),
  );
  assert.equal(mine.find((c) => c.id === cert.id)?.revokedReason, 'Quiz passé par un tiers');
  assert.equal(mine.find((c) => c.id === ownCert.id)?.revokedAt, null);
});

test('the public verification page refuses past its per-address limit, an empty form costs nothing', async () => {
  const pub = new TestClient(app);
  for (let i = 0; i < 3; i++) assert.equal((await pub.get('/certificats/verifier')).res.status, 200);
  let last = 0;
  // The first test already made a few lookups from the same (test) address.
  for (let i = 0; i < VERIFY_LIMIT + 1; i++) {
    last = (await pub.get('/certificats/verifier?code=AAAA-BBBB-CCCC')).res.status;
    if (last === 429) break;
    assert.equal(last, 404);
  }
  assert.equal(last, 429);
  const r = await pub.get('/certificats/verifier?code=AAAA-BBBB-CCCC');
  assert.equal(r.res.status, 429);
  assert.match(r.html, /Trop de vérifications depuis votre connexion/);
  assert.doesNotMatch(r.html, /Aucune attestation ne porte ce code/);
});
