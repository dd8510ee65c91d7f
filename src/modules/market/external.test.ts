// Independents outside the cooperative: charter versions, invitation, acceptance through the
// signed link over HTTP (version and date recorded), a profile only after acceptance, public
// pages labelled « Indépendant·e partenaire », no quote request, no ERP account; and the HTTP
// pages of joint offers and the internal market answer with errors next to their fields.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { findUserByEmail } from '../../core/auth/users.ts';
import { acceptCharter, inviteExternal, listExternals, saveCharter } from './external.service.ts';
import { saveOffer, saveProfile } from './profile.service.ts';
import { searchOffers } from './search.service.ts';
import { withPublic } from './public-tx.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let key: Buffer;
let a: TestCoop;
let b: TestCoop;
const tx = <T>(coop: TestCoop, fn: (t: Tx) => Promise<T>) =>
  withTenant(odb.db, coop.coop.id, fn as never) as Promise<T>;

before(async () => {
  let config: Awaited<ReturnType<typeof createTestApp>>['config'];
  ({ odb, app, config } = await createTestApp());
  key = config.fileKey;
  [a, b] = await seedTestCooperatives(odb, { withPasswords: true });
});
after(async () => {
  await odb.close();
});

const CHARTER = 'Je respecte les clients, je facture moi-même mes prestations et je cite la coopérative.';
const profile = {
  displayName: 'Lou Graphiste',
  headline: 'Identité visuelle et affiches',
  description: 'Graphiste indépendante à Lyon.',
  category: 'communication',
  postcode: '69003',
  radiusKm: '30',
  publicPhone: '06 11 22 33 44',
  published: 'on',
};

test('an independent accepts the charter through the signed link, then gets a labelled public profile', async () => {
  const director = a.actor('director');
  // No charter yet: no invitation; the entrepreneur may not manage independents.
  await assert.rejects(
    tx(a, (t) => inviteExternal(t, director, { name: 'Lou', email: 'lou@example.org' }, { key, publicUrl: '' })),
    UserError,
  );
  await assert.rejects(
    tx(a, (t) => saveCharter(t, a.actor('entrepreneur'), { body: CHARTER })),
    ForbiddenError,
  );
  await assert.rejects(
    tx(a, (t) => saveCharter(t, director, { body: 'court' })),
    (e: unknown) => e instanceof UserError && !!e.fields?.body,
  );
  assert.equal((await tx(a, (t) => saveCharter(t, director, { body: CHARTER }))).version, 1);
  const { external, link } = await tx(a, (t) =>
    inviteExternal(t, director, { name: 'Lou Graphiste', email: 'Lou@Example.org' }, { key, publicUrl: '' }),
  );
  assert.equal(external.email, 'lou@example.org');
  await assert.rejects(
    tx(a, (t) => inviteExternal(t, director, { name: 'Lou', email: 'lou@example.org' }, { key, publicUrl: '' })),
    (e: unknown) => e instanceof UserError && !!e.fields?.email,
  );
  // Before acceptance: no profile.
  await assert.rejects(
    tx(a, (t) => saveProfile(t, director, external.id, profile)),
    UserError,
  );
  // Another cooperative's staff cannot reach them.
  await assert.rejects(
    tx(b, (t) => saveProfile(t, b.actor('director'), external.id, profile)),
    NotFoundError,
  );

  const web = new TestClient(app);
  const page = await web.get(link);
  assert.equal(page.res.status, 200);
  assert.ok(page.html.includes('Je respecte les clients'));
  assert.equal((await web.get(`${link.slice(0, -3)}xyz`)).res.status, 404);
  assert.equal((await web.get('/marche/charte/pas-un-jeton')).res.status, 404);
  // Not ticked: the error next to the box; the charter changed meanwhile: refused too.
  const refused = await web.post(link, { version: '1' });
  assert.equal(refused.res.status, 400);
  assert.ok(refused.html.includes('Cochez la case'));
  await tx(a, (t) => saveCharter(t, director, { body: `${CHARTER} Version deux.` }));
  assert.equal((await web.post(link, { version: '1', agreed: 'on' })).res.status, 400);
  const ok = await web.post(link, { version: '2', agreed: 'on' });
  assert.equal(ok.res.status, 200);
  assert.ok(ok.html.includes('Vous avez accepté cette version'));
  const listed = (await tx(a, (t) => listExternals(t, director))).find((x) => x.id === external.id)!;
  assert.equal(listed.charterVersion, 2);
  assert.ok(listed.acceptedAt instanceof Date);
  await assert.rejects(
    tx(a, (t) => acceptCharter(t, a.coop.id, external.id, { version: '1', agreed: 'on' })),
    UserError,
  );

  // Profile only: no account in the ERP.
  assert.equal(await findUserByEmail(odb.db, 'lou@example.org'), undefined);
  const p = await tx(a, (t) => saveProfile(t, director, external.id, profile));
  assert.equal(p.external, true);
  await tx(a, (t) =>
    saveOffer(t, director, external.id, {
      title: 'Création de logo',
      description: 'Logo et charte graphique',
      category: 'communication',
      price: '600',
      published: 'on',
    }),
  );
  // Entrepreneurs cannot edit it.
  await assert.rejects(
    tx(a, (t) => saveProfile(t, a.actor('entrepreneur'), external.id, profile)),
    NotFoundError,
  );

  const pub = await web.get(`/marche/${a.coop.slug}/${p.slug}`);
  assert.equal(pub.res.status, 200);
  assert.ok(pub.html.includes('Indépendant·e partenaire'));
  assert.ok(!pub.html.includes('lou@example.org'));
  assert.ok(!pub.html.includes('id="demande"'), 'no quote request form');
  const posted = await web.post(`/marche/${a.coop.slug}/${p.slug}/demande`, { name: 'X', email: 'x@example.org' });
  assert.equal(posted.res.status, 404);
  // Found by search like the others.
  const hits = await withPublic(odb.db, (t) => searchOffers(t, { text: 'logo' }));
  assert.ok(hits.hits.some((h) => h.title === 'Création de logo'));
});

test('joint-offer and internal-market pages: fields errors beside the fields, other roles refused', async () => {
  const web = new TestClient(app);
  await web.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await web.get('/ma-vitrine/cotraitance')).res.status, 200);
  const bad = await web.post('/ma-vitrine/cotraitance', {
    customerId: '',
    title: 'x',
    'parts.0.activityId': a.activityId,
    'parts.0.amount': 'abc',
  });
  assert.equal(bad.res.status, 400);
  assert.ok(bad.html.includes('Choisissez le client'));
  assert.equal((await web.get('/marche-interne')).res.status, 200);
  const need = await web.post('/marche-interne', { activityId: a.activityId, title: 'Un', budget: 'beaucoup' });
  assert.equal(need.res.status, 400);
  assert.ok(need.html.includes('Indiquez le titre du besoin'));
  const made = await web.post('/marche-interne', {
    activityId: a.activityId,
    title: 'Traduction anglaise',
    budget: '300',
  });
  assert.equal(made.res.status, 303);
  const loc = made.res.headers.get('location')!;
  assert.match(loc, /^\/marche-interne\/[0-9a-f-]{36}$/);
  assert.ok((await web.get(loc)).html.includes('Traduction anglaise'));
  assert.equal((await web.get('/marche-interne/pas-un-id')).res.status, 404);
  assert.equal((await web.get('/ma-vitrine/independants')).res.status, 403);
  // Another cooperative's director: the need is not found.
  const other = new TestClient(app);
  await other.signIn(b.users.director.email, TEST_PASSWORD);
  assert.equal((await other.get(loc)).res.status, 404);
  const acc = new TestClient(app);
  await acc.signIn(a.users.accountant.email, TEST_PASSWORD);
  assert.equal((await acc.get('/marche-interne')).res.status, 403);
});
