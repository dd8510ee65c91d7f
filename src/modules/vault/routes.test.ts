// The archive pages through HTTP: the member's page, an upload, a download as an attachment,
// someone else's document answering 404 (same cooperative or another), staff's deposit, the
// whole export, and the settings reserved to the direction.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { unzipSync } from 'fflate';
import { seedTestCooperatives, TEST_PASSWORD, TEST_PNG, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
});
after(() => odb.close());

async function signedIn(t: TestCoop, role: keyof TestCoop['users']) {
  const c = new TestClient(app);
  await c.signIn(t.users[role].email, TEST_PASSWORD);
  return c;
}

async function multipart(c: TestClient, url: string, fields: Record<string, string>, file: Buffer, name: string) {
  const body = new FormData();
  body.append('_csrf', c.csrf);
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('document', new Blob([new Uint8Array(file)]), name);
  return app.request(`http://localhost${url}`, {
    method: 'POST',
    body,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
}

test('a member keeps documents in their archive; nobody else of the cooperative or outside reaches them', async () => {
  const me = await signedIn(a, 'entrepreneur');
  let page = await me.get('/coffre-fort');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Mon coffre-fort/);
  assert.match(page.html, /Télécharger tout mon coffre-fort/);
  assert.match(page.html, /pas configuré d&#39;autorité d&#39;horodatage/);
  const bad = await multipart(me, '/coffre-fort/documents', { title: '' }, TEST_PNG, 'x.png');
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Donnez un titre au document/);
  const up = await multipart(me, '/coffre-fort/documents', { title: 'Mon diplôme' }, TEST_PNG, 'diplome.png');
  assert.equal(up.status, 302);
  page = await me.get('/coffre-fort');
  assert.match(page.html, /Mon diplôme/);
  const id = page.html.match(/\/coffre-fort\/documents\/([0-9a-f-]{36})\/fichier/)![1]!;
  const dl = await me.bytes(`/coffre-fort/documents/${id}/fichier`);
  assert.equal(dl.res.status, 200);
  assert.match(dl.res.headers.get('content-disposition')!, /^attachment/);
  assert.deepEqual(Buffer.from(dl.body), TEST_PNG);
  page = await me.get('/coffre-fort');
  assert.match(page.html, /a téléchargé/);
  assert.match(page.html, /Position dans la chaîne/);

  for (const other of [await signedIn(a, 'cape'), await signedIn(b, 'entrepreneur'), await signedIn(b, 'director')]) {
    assert.equal((await other.bytes(`/coffre-fort/documents/${id}/fichier`)).res.status, 404);
    assert.equal((await other.get(`/coffre-fort/personnes/${a.users.entrepreneur.id}`)).res.status >= 403, true);
  }
  assert.equal(
    (await (await signedIn(a, 'cape')).get(`/coffre-fort/personnes/${a.users.entrepreneur.id}`)).res.status,
    403,
  );
  assert.equal(
    (await (await signedIn(b, 'director')).get(`/coffre-fort/personnes/${a.users.entrepreneur.id}`)).res.status,
    404,
  );
});

test('payroll deposits a payslip; the member sees it, exports everything, and sees who looked', async () => {
  const acc = await signedIn(a, 'accountant');
  const person = await acc.get(`/coffre-fort/personnes/${a.users.entrepreneur.id}`);
  assert.equal(person.res.status, 200);
  assert.match(person.html, /Bulletin de paie/);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  const dep = await multipart(
    acc,
    `/coffre-fort/personnes/${a.users.entrepreneur.id}/depots`,
    { kind: 'payslip', title: 'Bulletin de paie février', documentDate: '2026-02-28' },
    pdf,
    'bulletin.pdf',
  );
  assert.equal(dep.status, 302);
  // Support deposits certificates, not payslips: the choice is not offered.
  const sup = await signedIn(a, 'support');
  assert.doesNotMatch((await sup.get(`/coffre-fort/personnes/${a.users.entrepreneur.id}`)).html, /value="payslip"/);
  const me = await signedIn(a, 'entrepreneur');
  const page = await me.get('/coffre-fort');
  assert.match(page.html, /Bulletin de paie février/);
  assert.match(page.html, /Bulletins de paie/);
  assert.ok(page.html.includes(a.actor('support').label) || /a consulté/.test(page.html));
  const zip = await me.bytes('/coffre-fort/export');
  assert.equal(zip.res.status, 200);
  assert.match(zip.res.headers.get('content-disposition')!, /^attachment; filename="coffre-fort-/);
  const files = unzipSync(zip.body);
  assert.ok(files['manifest.json'] && files['verifier.mjs'] && files['README.txt']);
  assert.equal(Object.keys(files).filter((n) => n.startsWith('documents/')).length, 2);
  // Staff export a person's archive when they leave.
  assert.equal((await acc.bytes(`/coffre-fort/personnes/${a.users.entrepreneur.id}/export`)).res.status, 200);
  assert.equal((await me.bytes(`/coffre-fort/personnes/${a.users.cape.id}/export`)).res.status, 403);
});

test('the direction sets the timestamp authority and the retention; others may not', async () => {
  const dir = await signedIn(a, 'director');
  assert.equal((await dir.get('/coffre-fort/reglages')).res.status, 200);
  const bad = await dir.post('/coffre-fort/reglages', { tsaUrl: 'pas une adresse', retention_payslip: '50' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Adresse invalide : indiquez une URL complète/);
  // The server would call it: an address inside its own network is refused beside the field.
  const inside = await dir.post('/coffre-fort/reglages', {
    tsaUrl: 'http://169.254.169.254/latest',
    retention_payslip: '50',
  });
  assert.equal(inside.res.status, 400);
  assert.match(inside.html, /id="f-tsaUrl-error"[^>]*>Cette adresse désigne le réseau interne/);
  const ok = await dir.post('/coffre-fort/reglages', {
    tsaUrl: 'https://tsa.example.org/tsr',
    retention_payslip: '50',
    retention_contract: '5',
    retention_invoice: '10',
    retention_certificate: '5',
    retention_attestation: '5',
    retention_own: '',
  });
  assert.equal(ok.res.status, 302);
  assert.match((await dir.get('/coffre-fort/reglages')).html, /tsa\.example\.org/);
  const acc = await signedIn(a, 'accountant');
  assert.equal((await acc.get('/coffre-fort/reglages')).res.status, 403);
});
