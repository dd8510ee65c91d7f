import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestApp, TestClient } from '../../app/testing-web.ts';

import type { OpenDb } from '../../core/db/index.ts';
import { directoryDb } from './db.ts';

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

const PNG = Buffer.concat([
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
  randomBytes(32),
]);
async function upload(c: TestClient, file: Blob, name: string) {
  const body = new FormData();
  body.append('_csrf', c.csrf);
  body.append('logo', file, name);
  const res = await app.request('http://localhost/cooperative/logo', {
    method: 'POST',
    body,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { res, html: await res.text() };
}

test('logo upload: a wrong file is refused beside the field; a PNG is stored and shown in the page header', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  assert.doesNotMatch((await c.get('/cooperative')).html, /class="coop-logo"/);
  const bad = await upload(c, new Blob([Buffer.from('GIF89a')], { type: 'image/gif' }), 'logo.gif');
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /id="f-logo-error"[^>]*>Le logo doit être une image PNG ou JPEG/);
  const fake = await upload(c, new Blob([Buffer.from('pas une image')], { type: 'image/png' }), 'faux.png');
  assert.equal(fake.res.status, 400);
  assert.equal(
    (await odb.db.selectFrom('stored_file').select('id').where('cooperative_id', '=', a.coop.id).execute()).length,
    0,
    'nothing written',
  );
  const ok = await upload(c, new Blob([PNG], { type: 'image/png' }), 'logo.png');
  assert.equal(ok.res.status, 302);
  const page = await c.get('/cooperative');
  assert.match(page.html, /<img class="coop-logo" src="\/cooperative\/logo" alt="Logo de Coopérative alpha"/);
  const img = await app.request('http://localhost/cooperative/logo', {
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), PNG);
  const support = new TestClient(app);
  await support.signIn(a.users.support.email, TEST_PASSWORD);
  assert.equal(
    (await upload(support, new Blob([PNG], { type: 'image/png' }), 'logo.png')).res.status,
    403,
    'only the direction changes the logo',
  );
});

test('members: roles form errors beside the field; the last director keeps the role; ending a membership', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const list = await c.get('/membres');
  assert.match(list.html, new RegExp(`href="/membres/${a.users.entrepreneur.id}"`));
  const mine = await c.get(`/membres/${a.users.director.id}`);
  assert.doesNotMatch(
    mine.html,
    /Mettre fin à l&#39;adhésion|Mettre fin à l'adhésion/,
    "no button to end one's own membership",
  );
  const none = await c.post(`/membres/${a.users.support.id}/roles`, {});
  assert.equal(none.res.status, 400);
  assert.match(none.html, /id="f-roles-error"[^>]*>Choisissez au moins un rôle/);
  const last = await c.post(`/membres/${a.users.director.id}/roles`, { roles: ['support'] });
  assert.equal(last.res.status, 400);
  assert.match(last.html, /id="f-roles-error"[^>]*>La coopérative doit garder au moins une personne à la direction/);
  const self = await c.post(`/membres/${a.users.director.id}/fin`, {});
  assert.equal(self.res.status, 400);
  assert.match(self.html, /Vous ne pouvez pas mettre fin à votre propre adhésion/);
  const ok = await c.post(`/membres/${a.users.support.id}/roles`, { roles: ['support', 'accountant'] });
  assert.equal(ok.res.status, 302);
  const roles = await directoryDb(odb.db)
    .selectFrom('membership')
    .select('role')
    .where('cooperative_id', '=', a.coop.id)
    .where('user_id', '=', a.users.support.id)
    .where('ended_at', 'is', null)
    .orderBy('role')
    .execute();
  assert.deepEqual(
    roles.map((r) => r.role),
    ['accountant', 'support'],
  );
  const end = await c.post(`/membres/${a.users.cape.id}/fin`, {});
  assert.equal(end.res.status, 302);
  const gone = await c.get(`/membres/${a.users.cape.id}`);
  assert.equal(gone.res.status, 404);
  const cape = new TestClient(app);
  await cape.signIn(a.users.cape.email, TEST_PASSWORD);
  assert.equal(
    (await cape.get('/')).res.headers.get('location'),
    '/sans-cooperative',
    'an ended member no longer reaches the cooperative',
  );
});

test('activities: edit with errors beside fields, then save owners and trust, then close', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.support.email, TEST_PASSWORD);
  const form = await c.get(`/activites/${a.activityId}`);
  assert.equal(form.res.status, 200);
  assert.match(form.html, new RegExp(`id="f-owner-${a.users.entrepreneur.id}"[^>]*checked`));
  const bad = await c.post(`/activites/${a.activityId}`, { name: 'X', ownerIds: [a.users.entrepreneur.id] });
  assert.equal(bad.res.status, 400);
  assert.match(
    bad.html,
    /id="f-name-error"[^>]*>Indiquez le nom de l&#39;activité|id="f-name-error"[^>]*>Indiquez le nom de l'activité/,
  );
  const ok = await c.post(`/activites/${a.activityId}`, {
    name: 'Menuiserie Dupont',
    ownerIds: [a.users.entrepreneur.id, a.users.accountant.id],
    trusted: 'on',
  });
  assert.equal(ok.res.status, 302);
  const row = await directoryDb(odb.db)
    .selectFrom('activity')
    .select(['name', 'trusted', 'closed_at'])
    .where('id', '=', a.activityId)
    .executeTakeFirstOrThrow();
  assert.deepEqual({ name: row.name, trusted: row.trusted }, { name: 'Menuiserie Dupont', trusted: true });
  assert.equal(
    (
      await directoryDb(odb.db)
        .selectFrom('activity_owner')
        .select('user_id')
        .where('activity_id', '=', a.activityId)
        .execute()
    ).length,
    2,
  );
  assert.equal((await c.post(`/activites/${a.activityId}/fermer`, {})).res.status, 302);
  const list = await c.get('/activites');
  assert.match(list.html, /Menuiserie Dupont<\/a><span class="badge badge-neutral">Fermée/);
  const ent = new TestClient(app);
  await ent.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await ent.post(`/activites/${a.activityId}`, { name: 'Piratage' })).res.status, 403);
});

test('garbage in the address gives a French 400 or 404, never a 500', async () => {
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const cases: [string, number, RegExp][] = [
    ['/membres/pas-un-uuid', 404, /Membre introuvable/],
    ['/activites/123', 404, /Activité introuvable/],
    ['/membres?page=1e309', 400, /Numéro de page invalide/],
    ['/membres?page=-3', 400, /Numéro de page invalide/],
    ['/membres?page=99999999999999999999', 400, /Numéro de page invalide/],
    ['/audit?page=NaN', 400, /Numéro de page invalide/],
    ['/membres?role=superadmin', 400, /Filtre invalide/],
    ['/membres?q=%00', 400, /caractères interdits/],
    ['/membres/%00', 400, /caractères interdits/],
    [`/membres?q=${'x'.repeat(9000)}`, 400, /Adresse trop longue/],
    ['/membres?q=%E0%A4%A', 400, /Adresse mal formée/],
  ];
  for (const [url, status, message] of cases) {
    const r = await c.get(url);
    assert.equal(r.res.status, status, url);
    assert.match(r.html, message, url);
  }
  const post = await c.post('/membres/pas-un-uuid/roles', { roles: ['support'] });
  assert.equal(post.res.status, 404);
  const ok = await c.get('/membres?q=%C3%A9t%C3%A9&page=1');
  assert.equal(ok.res.status, 200, 'a normal search still works');
});
