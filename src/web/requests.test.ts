// Requests (issue 11 #7, #8): bodies bounded before parsing, CSRF never parsing a foreign body,
// return paths checked strictly, the client address believed from proxies only when trusted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Hono } from 'hono';
import { createTestApp, TestClient } from '../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../app/testing.ts';
import { ConfigError, loadConfig, parseTrustedProxies } from '../core/config.ts';
import type { OpenDb } from '../core/db/index.ts';
import { type AppContext, type AppEnv, clientIp } from './context.ts';
import { DEFAULT_BODY_LIMIT, FILE_UPLOAD_LIMIT } from './request-guards.ts';
import { safeReturnPath } from './return-path.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

test('an anonymous 5 MB form post is refused with 413 from its length, before the CSRF check parses it', async () => {
  const big = `email=${'a'.repeat(5 * 1024 * 1024)}`;
  const r = await app.request('http://localhost/connexion', {
    method: 'POST',
    body: big,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length) },
  });
  assert.equal(r.status, 413);
  assert.match(await r.text(), /trop volumineux \(1 Mo au plus\)/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', 'the refusal gets the security headers too');
});

test('a streamed body without length is cut at the limit too', async () => {
  const chunk = new Uint8Array(256 * 1024).fill(97);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent >= 8 * 1024 * 1024) return ctrl.close();
      sent += chunk.length;
      ctrl.enqueue(chunk);
    },
  });
  const r = await app.request('http://localhost/connexion', {
    method: 'POST',
    body: stream,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
    duplex: 'half',
  } as RequestInit);
  assert.equal(r.status, 413);
  assert.ok(sent <= DEFAULT_BODY_LIMIT + 2 * chunk.length, `read ${sent} bytes only`);
});

test('an upload route raises its own limit: a 1.5 MB logo is not refused for its size', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const body = new FormData();
  body.append('_csrf', c.csrf);
  body.append('logo', new Blob([new Uint8Array(1_500_000)], { type: 'image/png' }), 'logo.png');
  const r = await app.request('http://localhost/cooperative/logo', {
    method: 'POST',
    body,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(r.status, 400, 'refused for its content (not an image), not for its size');
  const huge = new FormData();
  huge.append('_csrf', c.csrf);
  huge.append('logo', new Blob([new Uint8Array(3_000_000)], { type: 'image/png' }), 'logo.png');
  const r2 = await app.request('http://localhost/cooperative/logo', {
    method: 'POST',
    body: huge,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(r2.status, 413);
});

test('a receipt too large for its form: the browser goes back to the sheet, the message beside the field', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  await c.get('/notes-de-frais');
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const body = new FormData();
  body.append('_csrf', c.csrf);
  body.append('receipt', new Blob([new Uint8Array(FILE_UPLOAD_LIMIT + 1024)], { type: 'image/jpeg' }), 'photo.jpg');
  const r = await app.request('http://localhost/notes-de-frais/ajouter', {
    method: 'POST',
    body,
    headers: { cookie, accept: 'text/html,application/xhtml+xml' },
  });
  assert.equal(r.status, 303);
  const to = r.headers.get('location') ?? '';
  assert.match(to, /^\/notes-de-frais\?fichier-trop-volumineux=\d+$/);
  const page = await c.get(to);
  assert.match(page.html, /Fichier trop volumineux : 15,3 Mo au plus/);
  assert.match(page.html, /id="f-receipt-error"[^>]*>[^<]*Fichier trop volumineux/, 'beside the receipt field');
  // Not a browser form (an API client, a script): the plain 413 as before, nothing written.
  const bare = new FormData();
  bare.append('_csrf', c.csrf);
  bare.append('receipt', new Blob([new Uint8Array(FILE_UPLOAD_LIMIT + 1024)], { type: 'image/jpeg' }), 'photo.jpg');
  const r2 = await app.request('http://localhost/notes-de-frais/ajouter', {
    method: 'POST',
    body: bare,
    headers: { cookie },
  });
  assert.equal(r2.status, 413);
  // A forged value in the address never prints anything but a size.
  assert.doesNotMatch(
    (await c.get('/notes-de-frais?fichier-trop-volumineux=<script>')).html,
    /Fichier trop volumineux/,
  );
});

test('the CSRF check never parses a JSON or text body: without the header, refused', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded-evil']) {
    const r = await app.request('http://localhost/activites/nouvelle', {
      method: 'POST',
      body: `_csrf=${c.csrf}&name=Via+${encodeURIComponent(type)}&analyticCode=CT1`,
      headers: { 'content-type': type, cookie },
    });
    assert.equal(r.status, 403, type);
  }
});

test('return paths: only a plain path of this site', () => {
  for (const ok of ['/', '/factures', '/factures?page=2&q=a%20b', '/membres/0190a0a0-0000-7000-8000-000000000000'])
    assert.equal(safeReturnPath(ok), ok, ok);
  for (const bad of [
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/ /evil.example',
    '/\u0000x',
    'https://evil.example',
    'javascript:alert(1)',
    '/%2F%2Fevil.example',
    '/%2fevil.example/%2f',
    '/%5Cevil.example',
    '/%252F%252Fevil.example',
    '/%09/evil.example',
    '/%E0%A4%A',
    'evil.example',
    '',
    `/${'a'.repeat(3000)}`,
  ])
    assert.equal(safeReturnPath(bad), '/', JSON.stringify(bad));
  assert.equal(safeReturnPath(undefined, '/profil'), '/profil');
});

test('sign-in never redirects to another site, whatever `retour` says', async () => {
  for (const retour of ['/\\evil.example', '/\t/evil.example', '//evil.example']) {
    const c = new TestClient(app);
    const r = await c.post('/connexion', { email: a.users.accountant.email, password: TEST_PASSWORD, retour });
    assert.equal(r.res.headers.get('location'), '/', JSON.stringify(retour));
  }
});

function ipApp(trustedProxies: string | undefined) {
  const config = loadConfig({ RADIEUSE_DATA: '/tmp/radieuse-test', TRUSTED_PROXIES: trustedProxies });
  const h = new Hono<AppEnv>();
  h.use('*', async (c, next) => {
    c.set('app', { config } as AppContext);
    await next();
  });
  h.get('/ip', (c) => c.text(clientIp(c) ?? 'none'));
  return async (remoteAddress: string, xff?: string) => {
    const res = await h.request(
      'http://localhost/ip',
      { headers: xff ? { 'x-forwarded-for': xff } : {} },
      { incoming: { socket: { remoteAddress } } },
    );
    return res.text();
  };
}

test('without TRUSTED_PROXIES, X-Forwarded-For is ignored: the address is the socket one', async () => {
  const ip = ipApp(undefined);
  assert.equal(await ip('203.0.113.9', '1.2.3.4'), '203.0.113.9');
  assert.equal(await ip('::ffff:203.0.113.9'), '203.0.113.9');
});

test('with TRUSTED_PROXIES, the first untrusted hop from the right is the client', async () => {
  const ip = ipApp('10.0.0.0/8, ::1');
  assert.equal(await ip('10.0.0.2', '198.51.100.7'), '198.51.100.7');
  assert.equal(
    await ip('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.3'),
    '198.51.100.7',
    'a forged first hop is skipped',
  );
  assert.equal(await ip('::1', 'pas-une-ip'), '::1', 'garbage falls back to the socket');
  assert.equal(await ip('203.0.113.9', '198.51.100.7'), '203.0.113.9', 'an untrusted socket is not believed');
});

test('TRUSTED_PROXIES refuses what is not an address or a range, in French', () => {
  assert.throws(() => parseTrustedProxies('10.0.0.0/99'), ConfigError);
  assert.throws(() => parseTrustedProxies('proxy.local'), /ni une adresse IP ni une plage/);
  assert.equal(parseTrustedProxies(' , '), null);
});
