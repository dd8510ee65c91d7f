// The whole signature through HTTP, on a real server: support prepares the contract with the
// form, the person opens the link of the e-mail, asks for the code, reads it in the mail outbox,
// ticks the box and signs; the sealed PDF and the evidence are downloaded as attachments and
// validate; the client address in the evidence is the one the trusted proxy forwarded. Other
// people and other cooperatives get 404 on every page of the request.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { serve } from '@hono/node-server';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { parseTrustedProxies } from '../../core/config.ts';
import { coreDb } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { verifySealedPdf } from './pades.ts';
import { sha256Hex } from './requests.service.ts';
import type { SignatureEvidence } from './signing.service.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
let server: ReturnType<typeof serve>;
let base = '';
const CLIENT_IP = '198.51.100.23';

before(async () => {
  const t = await createTestApp();
  odb = t.odb;
  // The server sits behind a proxy on 127.0.0.1 that forwards the client's address.
  t.config.trustedProxies = parseTrustedProxies('127.0.0.1');
  [a, b] = await seedTestCooperatives(odb);
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((r) => server?.close(r));
  await odb.close();
});

/** A browser behind the proxy: every request goes through the real server with X-Forwarded-For. */
function browser(): TestClient {
  return new TestClient({
    request: (url: string, init?: RequestInit) =>
      fetch(url.replace('http://localhost', base), {
        ...init,
        redirect: 'manual',
        headers: {
          ...(init?.headers as Record<string, string>),
          'x-forwarded-for': CLIENT_IP,
          'user-agent': 'Navigateur/1.0',
        },
      }),
  });
}

async function lastMail(to: string, subject: RegExp) {
  const rows = await coreDb(odb.db)
    .selectFrom('mail_outbox')
    .select(['subject', 'text_body'])
    .where('to_address', '=', to)
    .orderBy('id', 'desc')
    .execute();
  const m = rows.find((r) => subject.test(r.subject));
  assert.ok(m, `no e-mail to ${to} matching ${subject}`);
  return m;
}

test('prepare, open the e-mailed link, receive the code, sign, download the sealed PDF and its evidence', async () => {
  const support = browser();
  await support.signIn(a.users.support.email, TEST_PASSWORD);
  const form = await support.get('/signatures/nouvelle');
  assert.equal(form.res.status, 200);
  assert.match(form.html, /Préparer un document à signer/);
  const bad = await support.post('/signatures/nouvelle', {
    kind: 'cape',
    userId: a.users.entrepreneur.id,
    startDate: '',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Indiquez la date de début/);
  const made = await support.post('/signatures/nouvelle', {
    kind: 'cape',
    userId: a.users.entrepreneur.id,
    activityId: a.activityId,
    startDate: '2027-03-01',
    endDate: '2028-02-28',
  });
  assert.equal(made.res.status, 302, made.html);
  const id = made.res.headers.get('location')?.split('/').pop() ?? '';
  const list = await support.get('/signatures');
  assert.match(list.html, /À signer/);

  // The person follows the link of the e-mail.
  const invite = await lastMail(a.users.entrepreneur.email, /un document à signer/);
  const link = invite.text_body.match(/https?:\/\/\S+\/signatures\/[0-9a-f-]{36}/)?.[0] ?? '';
  assert.ok(link.endsWith(`/signatures/${id}`));
  const person = browser();
  await person.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const home = await person.get('/');
  assert.ok(home.html.includes(`/signatures/${id}`), 'the request is on the home page to-do list');
  const page = await person.get(new URL(link).pathname);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Recevoir mon code par e-mail/);
  const shown = await person.bytes(`/signatures/${id}/document`);
  assert.equal(shown.res.headers.get('content-type'), 'application/pdf');
  assert.match(shown.res.headers.get('content-disposition') ?? '', /^inline/);
  const download = await person.bytes(`/signatures/${id}/document/telecharger`);
  assert.match(download.res.headers.get('content-disposition') ?? '', /^attachment/);

  // Code by e-mail; a wrong one is refused and counted; no consent, no signature.
  const sent = await person.post(`/signatures/${id}/code`, {});
  assert.equal(sent.res.status, 302);
  const code =
    (await lastMail(a.users.entrepreneur.email, /code de signature/)).text_body.match(/: (\d{6})\n/)?.[1] ?? '';
  assert.match(code, /^\d{6}$/);
  const wrong = await person.post(`/signatures/${id}/signer`, {
    consent: 'on',
    code: String((Number(code) + 1) % 1_000_000).padStart(6, '0'),
  });
  assert.equal(wrong.res.status, 400);
  assert.match(wrong.html, /Code incorrect : encore 4 essai/);
  const noConsent = await person.post(`/signatures/${id}/signer`, { code });
  assert.equal(noConsent.res.status, 400);
  assert.match(noConsent.html, /Cochez la case/);
  const signed = await person.post(`/signatures/${id}/signer`, { consent: 'on', code });
  assert.equal(signed.res.status, 302, signed.html);
  const after = await person.get(`/signatures/${id}`);
  assert.match(after.html, /Signé le/);

  // Downloads, as attachments; the PDF validates and the evidence describes this signature.
  const pdf = await person.bytes(`/signatures/${id}/signe`);
  assert.equal(pdf.res.status, 200);
  assert.match(pdf.res.headers.get('content-disposition') ?? '', /^attachment/);
  const check = verifySealedPdf(Buffer.from(pdf.body));
  assert.ok(check.ok, check.problems.join('; '));
  const ev = await support.bytes(`/signatures/${id}/preuve`);
  assert.match(ev.res.headers.get('content-disposition') ?? '', /^attachment/);
  assert.equal(ev.res.headers.get('x-content-type-options'), 'nosniff');
  const evidence = JSON.parse(Buffer.from(ev.body).toString('utf8')) as SignatureEvidence;
  assert.equal(evidence.document.sha256, sha256Hex(Buffer.from(shown.body)));
  assert.equal(evidence.ip, CLIENT_IP);
  assert.equal(evidence.userAgent, 'Navigateur/1.0');
  assert.equal(evidence.otp.failedAttempts, 1);
  assert.equal(evidence.signer.userId, a.users.entrepreneur.id);

  // Nobody else sees any page of it: another person here, and people of another cooperative.
  for (const [coop, role] of [
    [a, 'cape'],
    [a, 'accountant'],
    [b, 'entrepreneur'],
    [b, 'support'],
  ] as const) {
    const other = browser();
    await other.signIn(coop.users[role].email, TEST_PASSWORD);
    for (const path of ['', '/document', '/document/telecharger', '/signe', '/preuve'])
      assert.equal((await other.bytes(`/signatures/${id}${path}`)).res.status, 404, `${role} ${path}`);
    assert.equal((await other.post(`/signatures/${id}/code`, {})).res.status, 404, `${role} code`);
    assert.equal((await other.post(`/signatures/${id}/signer`, { consent: 'on', code })).res.status, 404);
    const mine = await other.get('/signatures');
    assert.ok(!mine.html.includes(id));
  }
  // The person cannot cancel their own request (team action).
  assert.equal((await person.post(`/signatures/${id}/annuler`, {})).res.status, 403);
});

test('the team cancels a request; the person then cannot ask for a code', async () => {
  const director = browser();
  await director.signIn(a.users.director.email, TEST_PASSWORD);
  const made = await director.post('/signatures/nouvelle', {
    kind: 'amendment',
    userId: a.users.entrepreneur.id,
    startDate: '2027-04-01',
    subject: 'Changement de temps de travail',
  });
  assert.equal(made.res.status, 302, made.html);
  const id = made.res.headers.get('location')?.split('/').pop() ?? '';
  const cancelled = await director.post(`/signatures/${id}/annuler`, {});
  assert.equal(cancelled.res.status, 302);
  assert.match((await director.get(`/signatures/${id}`)).html, /Annulé/);
  const person = browser();
  await person.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  await person.post(`/signatures/${id}/code`, {});
  assert.match((await person.get(`/signatures/${id}`)).html, /annulée par la coopérative/);
});
