// The security check-up's advice items: the password's age and the verified identity, each with
// its one-click fix, without changing the score (account/security.test.ts covers the score).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop, verifyIdentityForTest } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { coreDb } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let config: Awaited<ReturnType<typeof createTestApp>>['config'];
let a: TestCoop;
before(async () => {
  ({ odb, app, config } = await createTestApp());
  [a] = await seedTestCooperatives(odb);
});
after(() => odb.close());

/** The check-up's item of that title, as text, with its link when it has one. */
function item(html: string, title: string): string {
  const li = html.match(new RegExp(`<li data-ok="(true|false)">(?:(?!</li>).)*${title}(?:(?!</li>).)*</li>`, 's'));
  assert.ok(li, `no item ${title}`);
  return li[0];
}

test('a fresh password is fine; an old one gets its fix link; the score does not move', async () => {
  const user = a.users.cape;
  const c = new TestClient(app);
  await c.signIn(user.email, TEST_PASSWORD);
  const fresh = await c.get('/profil/securite');
  assert.equal(fresh.res.status, 200);
  const score = fresh.html.match(/(\d+) \/ 100/)![1];
  const ok = item(fresh.html, 'Âge du mot de passe');
  assert.match(ok, /data-ok="true"/);
  assert.match(ok, /moins d’un mois|moins d&#39;un mois|moins d’un mois/);
  await coreDb(odb.db)
    .updateTable('user_account')
    .set({ password_changed_at: new Date(Date.now() - 800 * 86_400_000) })
    .where('id', '=', user.id)
    .execute();
  const old = await c.get('/profil/securite');
  const stale = item(old.html, 'Âge du mot de passe');
  assert.match(stale, /data-ok="false"/);
  assert.match(stale, /26 mois/);
  assert.match(stale, /href="\/profil\/mot-de-passe">Corriger/);
  assert.equal(old.html.match(/(\d+) \/ 100/)![1], score);
});

test('the verified identity item leads to /profil/identite until support verified it', async () => {
  const user = a.users.entrepreneur;
  const c = new TestClient(app);
  await c.signIn(user.email, TEST_PASSWORD);
  const before = item((await c.get('/profil/securite')).html, 'Identité vérifiée');
  assert.match(before, /data-ok="false"/);
  assert.match(before, /href="\/profil\/identite">Corriger/);
  await verifyIdentityForTest(odb.db, a, 'entrepreneur', config.fileKey);
  const afterIt = item((await c.get('/profil/securite')).html, 'Identité vérifiée');
  assert.match(afterIt, /data-ok="true"/);
  assert.doesNotMatch(afterIt, /Corriger/);
});
