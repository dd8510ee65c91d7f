// Photos on a profile and its offers: typed by their bytes (JPEG, PNG, WebP only), size checked
// before anything reads them, at most PHOTOS_PER_OFFER per offer, stored through the core file
// store, served on the public pages only while published, as images with nosniff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { UserError } from '../../core/errors.ts';
import { saveOffer, saveProfile } from './profile.service.ts';
import { addPhoto, MAX_PHOTO_BYTES, PHOTOS_PER_OFFER, removePhoto } from './photos.service.ts';
import { DEMO_PHOTOS, demoPng } from './demo-photos.ts';
import { PHOTO_MAX_AGE_S } from './routes/public.tsx';
import { marketDb } from './db.ts';

// A real 1×1 PNG and a real 1×1 lossy WebP.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const WEBP = Buffer.from('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA', 'base64');
// The same PNG as a phone would send it: an EXIF chunk with a GPS position after the header.
const GPS = Buffer.from('GPSLatitude 45.76 N');
const exifChunk = Buffer.concat([Buffer.from([0, 0, 0, GPS.length]), Buffer.from('eXIf'), GPS, Buffer.alloc(4)]);
const PNG_WITH_GPS = Buffer.concat([PNG.subarray(0, 33), exifChunk, PNG.subarray(33)]);

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let key: Buffer;
let a: TestCoop;
let b: TestCoop;
let slug = '';
let offerId = '';
let draftId = '';
const tx = <T>(coop: TestCoop, fn: (t: Tx) => Promise<T>) =>
  withTenant(odb.db, coop.coop.id, fn as never) as Promise<T>;

before(async () => {
  let config: Awaited<ReturnType<typeof createTestApp>>['config'];
  ({ odb, app, config } = await createTestApp());
  key = config.fileKey;
  [a, b] = await seedTestCooperatives(odb, { withPasswords: true });
  const ent = a.actor('entrepreneur');
  await tx(a, async (t) => {
    slug = (
      await saveProfile(t, ent, a.activityId, {
        displayName: 'Atelier photo',
        headline: 'Photographie et reportage',
        description: 'Photographe en coopérative.',
        category: 'communication',
        postcode: '69003',
        radiusKm: '40',
        published: 'on',
      })
    ).slug;
    offerId = (
      await saveOffer(t, ent, a.activityId, {
        title: 'Reportage de mariage',
        description: 'Une journée.',
        category: 'communication',
        price: '900',
        published: 'on',
      })
    ).id;
    draftId = (
      await saveOffer(t, ent, a.activityId, {
        title: 'Offre en brouillon',
        description: '',
        category: 'communication',
        price: '',
        published: '',
      })
    ).id;
  });
});
after(async () => {
  await odb.close();
});

async function upload(client: TestClient, url: string, fields: Record<string, string>, name: string, content: Buffer) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('_csrf', client.csrf);
  fd.append('photo', new Blob([new Uint8Array(content)], { type: 'image/png' }), name);
  const res = await app.request(`http://localhost${url}`, {
    method: 'POST',
    body: fd,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html' },
  });
  return { res, html: await res.text() };
}
const photoRows = () =>
  tx(a, (t) =>
    marketDb(t).selectFrom('market_photo').selectAll().where('cooperative_id', '=', a.coop.id).orderBy('id').execute(),
  );

test('an entrepreneur adds photos over HTTP; the public pages show them, served as images with nosniff', async () => {
  const me = new TestClient(app);
  await me.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const up = await upload(
    me,
    `/ma-vitrine/${a.activityId}/photos`,
    { offer: offerId, alt: 'Mariés' },
    'a.png',
    PNG_WITH_GPS,
  );
  assert.equal(up.res.status, 303, up.html);
  const prof = await upload(me, `/ma-vitrine/${a.activityId}/photos`, {}, 'atelier.webp', WEBP);
  assert.equal(prof.res.status, 303, prof.html);
  const [p1, p2] = await photoRows();
  assert.equal(p1.offer_id, offerId);
  assert.equal(p1.mime_type, 'image/png');
  assert.equal(p2.offer_id, null);
  assert.equal(p2.mime_type, 'image/webp');
  const web = new TestClient(app);
  const offerPage = await web.get(`/marche/${a.coop.slug}/${slug}/offres/${offerId}`);
  assert.ok(offerPage.html.includes(`/marche/${a.coop.slug}/${slug}/photos/${p1.id}`));
  assert.ok(!offerPage.html.includes(p2.id), 'the profile photo is not on the offer page');
  assert.match(offerPage.html, /alt="Mariés"/);
  const profilePage = await web.get(`/marche/${a.coop.slug}/${slug}`);
  assert.ok(profilePage.html.includes(`/photos/${p2.id}`));
  const img = await web.bytes(`/marche/${a.coop.slug}/${slug}/photos/${p1.id}`);
  assert.equal(img.res.status, 200);
  assert.equal(img.res.headers.get('content-type'), 'image/png');
  assert.equal(img.res.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(img.body), PNG, 'served without its GPS position, picture unchanged');
  // The owner's preview; a stranger's address in another cooperative is 404.
  assert.equal((await me.bytes(`/ma-vitrine/${a.activityId}/photos/${p1.id}`)).res.status, 200);
  assert.equal((await web.get(`/marche/${b.coop.slug}/${slug}/photos/${p1.id}`)).res.status, 404);
  assert.equal((await web.get(`/marche/${a.coop.slug}/${slug}/photos/pas-un-id`)).res.status, 404);
  // Removed: gone from the page and the address.
  assert.equal((await me.post(`/ma-vitrine/${a.activityId}/photos/${p2.id}/supprimer`, {})).res.status, 303);
  assert.equal((await web.get(`/marche/${a.coop.slug}/${slug}/photos/${p2.id}`)).res.status, 404);
  assert.equal((await photoRows()).length, 1);
});

test('a file that is not a JPEG, PNG or WebP is refused beside the field, whatever its name; nothing is stored', async () => {
  const me = new TestClient(app);
  await me.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const before = (await photoRows()).length;
  const cases: [string, Buffer][] = [
    ['page.png', Buffer.from('<html><script>alert(1)</script></html>')],
    ['image.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['doc.jpg', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF')],
  ];
  for (const [name, content] of cases) {
    const r = await upload(me, `/ma-vitrine/${a.activityId}/photos`, { offer: offerId }, name, content);
    assert.equal(r.res.status, 400, name);
    assert.match(r.html, /La photo doit être une image JPEG, PNG ou WebP\./, name);
  }
  const big = await upload(me, `/ma-vitrine/${a.activityId}/photos`, {}, 'big.png', Buffer.alloc(MAX_PHOTO_BYTES + 1));
  assert.equal(big.res.status, 400);
  assert.match(big.html, /Une photo fait au plus 3 Mo\./);
  assert.equal((await photoRows()).length, before);
});

test('a published photo is cached publicly with an etag and revalidated with 304; a PNG drawn in code (demo) is accepted', async () => {
  const photo = await tx(a, (t) =>
    addPhoto(t, a.actor('entrepreneur'), key, a.activityId, {
      offerId: null,
      name: DEMO_PHOTOS[0].name,
      alt: DEMO_PHOTOS[0].alt,
      content: demoPng(DEMO_PHOTOS[0].rgb),
    }),
  );
  const url = `http://localhost/marche/${a.coop.slug}/${slug}/photos/${photo.id}`;
  const first = await app.request(url);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('content-type'), 'image/png');
  assert.equal(first.headers.get('cache-control'), `public, max-age=${PHOTO_MAX_AGE_S}`);
  const etag = first.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9a-f-]{36}"$/);
  assert.deepEqual(Buffer.from(await first.arrayBuffer()), demoPng(DEMO_PHOTOS[0].rgb));
  const again = await app.request(url, { headers: { 'if-none-match': `W/"x", ${etag}` } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('etag'), etag);
  assert.equal((await again.arrayBuffer()).byteLength, 0);
  const other = await app.request(url, { headers: { 'if-none-match': '"another"' } });
  assert.equal(other.status, 200);
  // The entrepreneur's own preview stays private.
  const me = new TestClient(app);
  await me.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const own = await me.bytes(`/ma-vitrine/${a.activityId}/photos/${photo.id}`);
  assert.equal(own.res.headers.get('cache-control'), 'private, no-store');
  await tx(a, (t) => removePhoto(t, a.actor('entrepreneur'), a.activityId, photo.id));
  assert.equal((await app.request(url, { headers: { 'if-none-match': etag! } })).status, 404);
});

test('at most PHOTOS_PER_OFFER photos per offer; a draft offer’s photo is not public; other roles and cooperatives are kept out', async () => {
  const ent = a.actor('entrepreneur');
  const n = (await photoRows()).filter((p) => p.offer_id === offerId).length;
  await tx(a, async (t) => {
    for (let i = n; i < PHOTOS_PER_OFFER; i++)
      await addPhoto(t, ent, key, a.activityId, { offerId, name: 'x.png', content: PNG });
  });
  await assert.rejects(
    tx(a, (t) => addPhoto(t, ent, key, a.activityId, { offerId, name: 'x.png', content: PNG })),
    (e) => e instanceof UserError && /4 photos au plus/.test(e.message),
  );
  const draftPhoto = await tx(a, (t) =>
    addPhoto(t, ent, key, a.activityId, { offerId: draftId, name: 'd.png', content: PNG }),
  );
  const web = new TestClient(app);
  assert.equal((await web.get(`/marche/${a.coop.slug}/${slug}/photos/${draftPhoto.id}`)).res.status, 404);
  // Another cooperative's entrepreneur: the activity is not theirs.
  const other = new TestClient(app);
  await other.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  const r = await upload(other, `/ma-vitrine/${a.activityId}/photos`, {}, 'x.png', PNG);
  assert.equal(r.res.status, 404);
  await assert.rejects(
    tx(a, (t) => addPhoto(t, a.actor('accountant'), key, a.activityId, { offerId: null, name: 'x.png', content: PNG })),
  );
  // Unpublishing the profile hides every photo.
  const shown = (await photoRows()).find((p) => p.offer_id === offerId)!;
  assert.equal((await web.get(`/marche/${a.coop.slug}/${slug}/photos/${shown.id}`)).res.status, 200);
  await tx(a, (t) =>
    saveProfile(t, ent, a.activityId, {
      displayName: 'Atelier photo',
      headline: 'Photographie et reportage',
      description: 'Photographe en coopérative.',
      category: 'communication',
      postcode: '69003',
      radiusKm: '40',
      published: '',
    }),
  );
  assert.equal((await web.get(`/marche/${a.coop.slug}/${slug}/photos/${shown.id}`)).res.status, 404);
});
