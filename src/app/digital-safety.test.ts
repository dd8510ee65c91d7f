// Issue 19's "done when", end to end over HTTP with real components: a member signs in with an
// external identity (a real OpenID provider started here), gets their identity verified by
// support, signs their CAPE with a code received by e-mail, finds it in their coffre-fort with
// its proof (hash chain and a timestamp from a local RFC 3161 authority), and the security
// check-up leads them to two-step verification.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Config } from '../core/config.ts';
import { coreDb } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';
import { type LocalTsa, startLocalTsa, timestampAllPending } from './testing-archive.ts';
import { seedTestCooperatives, TEST_PASSWORD, TEST_PNG, type TestCoop } from './testing.ts';
import { startTestOidcProvider, type TestOidcProvider } from './testing-oidc.ts';
import { createTestApp, TestClient } from './testing-web.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let config: Config;
let a: TestCoop;
let idp: TestOidcProvider;
let tsa: LocalTsa;

before(async () => {
  ({ odb, app, config } = await createTestApp());
  [a] = await seedTestCooperatives(odb);
  idp = await startTestOidcProvider(odb, config);
  tsa = await startLocalTsa();
  // The test's authority listens on loopback, which only an operator may allow (core/outbound.ts).
  process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE = '1';
});
after(async () => {
  await idp?.close();
  await tsa?.close();
  await odb?.close();
});

async function lastCode(to: string): Promise<string> {
  const rows = await coreDb(odb.db)
    .selectFrom('mail_outbox')
    .select(['subject', 'text_body'])
    .where('to_address', '=', to)
    .orderBy('id', 'desc')
    .execute();
  const mail = rows.find((r) => /code de signature/.test(r.subject));
  assert.ok(mail, 'the code was e-mailed');
  return mail.text_body.match(/: (\d{6})\n/)?.[1] ?? '';
}

async function upload(c: TestClient, url: string, file: Buffer, name: string): Promise<Response> {
  const body = new FormData();
  body.append('_csrf', c.csrf);
  body.append('document', new Blob([new Uint8Array(file)], { type: 'image/png' }), name);
  return app.request(`http://localhost${url}`, {
    method: 'POST',
    body,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
}

test('external sign-in, verified identity, signed contract in the archive with its proof, check-up → 2FA', async () => {
  const member = a.users.entrepreneur;
  idp.people['sub-membre'] = { email: member.email, name: 'Membre' };

  // 1. The external identity is linked once, after the member proves who they are here.
  const first = new TestClient(app);
  assert.equal(
    (await first.get(await idp.through(first, 'sub-membre'))).res.headers.get('location'),
    '/connexion/oidc/lier',
  );
  await first.signIn(member.email, TEST_PASSWORD);
  assert.equal((await first.post('/connexion/oidc/lier', {})).res.status, 302);
  // From then on the identity alone signs in, in a fresh browser.
  const me = new TestClient(app);
  const back = await me.get(await idp.through(me, 'sub-membre'));
  assert.equal(back.res.headers.get('location'), '/');
  assert.ok((await me.get('/profil')).html.includes(member.email));

  // 2. Identity verification: the member deposits a document, support checks and decides.
  assert.equal((await upload(me, '/profil/identite', TEST_PNG, 'cni.png')).status, 302);
  const support = new TestClient(app);
  await support.signIn(a.users.support.email, TEST_PASSWORD);
  const queue = await support.get('/identites');
  const verificationId = queue.html.match(/\/identites\/([0-9a-f-]{36})/)?.[1];
  assert.ok(verificationId, 'the deposit waits in the support queue');
  const nextYear = `${new Date().getUTCFullYear() + 1}-06-30`;
  const decided = await support.post(`/identites/${verificationId}/decider`, {
    decision: 'verified',
    documentType: 'cni',
    documentExpiry: nextYear,
  });
  assert.equal(decided.res.status, 302);
  assert.match((await me.get('/profil/identite')).html, /Identité vérifiée/);

  // The cooperative timestamps its archive with an RFC 3161 authority (here a local one).
  const director = new TestClient(app);
  await director.signIn(a.users.director.email, TEST_PASSWORD);
  assert.equal((await director.post('/coffre-fort/reglages', { tsaUrl: tsa.url })).res.status, 302);

  // 3. Support prepares the CAPE; the member signs it with the code received by e-mail.
  const made = await support.post('/signatures/nouvelle', {
    kind: 'cape',
    userId: member.id,
    activityId: a.activityId,
    startDate: `${new Date().getUTCFullYear() + 1}-01-05`,
    endDate: `${new Date().getUTCFullYear() + 1}-12-31`,
  });
  assert.equal(made.res.status, 302, made.html);
  const requestId = made.res.headers.get('location')?.split('/').pop() ?? '';
  assert.ok((await me.get('/')).html.includes(`/signatures/${requestId}`), 'the contract waits in the to-do list');
  assert.equal((await me.post(`/signatures/${requestId}/code`, {})).res.status, 302);
  const signed = await me.post(`/signatures/${requestId}/signer`, {
    consent: 'on',
    code: await lastCode(member.email),
  });
  assert.equal(signed.res.status, 302, signed.html);

  // 4. The signed contract is in the member's coffre-fort, with its place in the chain and,
  // once the timestamp queue has run, a timestamp from the authority.
  assert.ok((await timestampAllPending(odb.db)) >= 2, 'the contract and its evidence were timestamped');
  const vault = await me.get('/coffre-fort');
  assert.equal(vault.res.status, 200);
  assert.match(vault.html, /CAPE/);
  assert.match(vault.html, /Position dans la chaîne/);
  assert.match(vault.html, /TSA locale de test/);
  assert.ok(tsa.served() >= 2, 'the authority was asked');
  // The whole archive downloads as a zip, as an attachment.
  const zip = await me.bytes('/coffre-fort/export');
  assert.equal(zip.res.status, 200);
  assert.match(zip.res.headers.get('content-disposition') ?? '', /^attachment/);
  assert.deepEqual([...zip.body.subarray(0, 2)], [0x50, 0x4b]);

  // 5. The security check-up: identity verified, two-step verification is the next step.
  const checkup = await me.get('/profil/securite');
  assert.equal(checkup.res.status, 200);
  assert.match(checkup.html, /Vérification en deux étapes/);
  assert.match(checkup.html, /href="\/profil\/2fa"/);
  assert.match(checkup.html, /Identité vérifiée|identité.{0,40}vérifiée/i);
});
