// The marketplace on the demo network: the demo data (published offers, quote requests in every
// state, a joint offer, reviews with a reply, the internal market, an independent who accepted
// the charter), then every public route of the router fetched anonymously over those data:
// no e-mail, no phone the entrepreneur did not choose to show, no customer, no amount of an
// invoice, no unpublished profile or offer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDemoTestDb } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { formatEuros } from '../../core/money.ts';
import { getCooperativeBySlug } from '../directory/index.ts';
import { listCustomers, listInvoices } from '../sales/index.ts';
import { marketDb } from './db.ts';
import { DEMO_DRAFT_OFFER } from './demo.ts';
import { charterToken } from './external.service.ts';
import { threadToken } from './messages.service.ts';
import { verifyToken } from './requests.service.ts';
import { issueReviewLink } from './reviews.service.ts';
import { cooperationCounts } from './joint.service.ts';
import { addPhoto } from './photos.service.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
import { publicMarketRoutes } from './routes/public.tsx';
import { charterRoutes } from './routes/cooperation.tsx';

const SLUGS = ['soleil', 'rivage', 'canopee'];
let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let key: Buffer;
const coops: { id: string; slug: string }[] = [];

before(async () => {
  odb = await createDemoTestDb();
  let config: Awaited<ReturnType<typeof createTestApp>>['config'];
  ({ app, config } = await createTestApp({ odb }));
  key = config.fileKey;
  for (const s of SLUGS) {
    const c = (await getCooperativeBySlug(odb.db, s))!;
    coops.push({ id: c.id, slug: s });
  }
});
after(async () => {
  await odb.close();
});

const inCoop = <T>(id: string, fn: (t: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
  withTenant(odb.db, id, fn) as Promise<T>;

test('demo: offers across the network, requests in every state, a joint offer, reviews with a reply, internal market, an independent', async () => {
  for (const c of coops)
    await inCoop(c.id, async (tx) => {
      const m = marketDb(tx);
      const offers = await m
        .selectFrom('market_offer')
        .select(['title', 'published', 'profile_published'])
        .where('cooperative_id', '=', c.id)
        .execute();
      assert.ok(offers.filter((o) => o.published && o.profile_published).length >= 15, c.slug);
      assert.ok(
        offers.some((o) => o.title === DEMO_DRAFT_OFFER && !o.published),
        c.slug,
      );
      const states = (
        await m.selectFrom('market_request').select('status').where('cooperative_id', '=', c.id).execute()
      ).map((r) => r.status);
      assert.deepEqual([...new Set(states)].sort(), ['closed', 'converted', 'open', 'unverified'], c.slug);
      const photos = await m
        .selectFrom('market_photo')
        .select('mime_type')
        .where('cooperative_id', '=', c.id)
        .execute();
      assert.deepEqual(
        photos.map((x) => x.mime_type),
        ['image/png', 'image/png', 'image/png'],
        c.slug,
      );
      const thread = await m.selectFrom('market_message').select('author').where('cooperative_id', '=', c.id).execute();
      assert.deepEqual(thread.map((x) => x.author).sort(), ['customer', 'entrepreneur'], c.slug);
      const converted = await m
        .selectFrom('market_request')
        .select(['quote_id', 'customer_id'])
        .where('cooperative_id', '=', c.id)
        .where('status', '=', 'converted')
        .executeTakeFirstOrThrow();
      assert.ok(converted.quote_id && converted.customer_id);
      const reviews = await m
        .selectFrom('market_review')
        .select(['reply'])
        .where('cooperative_id', '=', c.id)
        .execute();
      assert.ok(reviews.length >= 3, c.slug);
      assert.ok(
        reviews.some((r) => r.reply),
        `${c.slug}: a reply`,
      );
      const needs = await m.selectFrom('market_need').select('status').where('cooperative_id', '=', c.id).execute();
      assert.deepEqual(needs.map((n) => n.status).sort(), ['invoiced', 'open'], c.slug);
      const ext = await m
        .selectFrom('market_external')
        .select(['id', 'charter_version', 'accepted_at'])
        .where('cooperative_id', '=', c.id)
        .executeTakeFirstOrThrow();
      assert.ok(ext.charter_version === 1 && ext.accepted_at, c.slug);
      const extProfile = await m
        .selectFrom('market_profile')
        .select(['published', 'external'])
        .where('cooperative_id', '=', c.id)
        .where('activity_id', '=', ext.id)
        .executeTakeFirstOrThrow();
      assert.ok(extProfile.published && extProfile.external, c.slug);
      const today = new Date().toISOString().slice(0, 10);
      const counts = await cooperationCounts(tx, c.id, `${today.slice(0, 4)}-01-01`, today);
      assert.deepEqual([counts.jointOffers, counts.internalInvoices, counts.internalInvoicedCents], [1, 1, 42000]);
    });
});

/** What must never appear on a public page: gathered from the demo's private data. */
async function privateStrings(): Promise<{ strings: string[]; phones: Set<string> }> {
  const strings = new Set<string>([DEMO_DRAFT_OFFER]);
  const phones = new Set<string>();
  for (const c of coops)
    await inCoop(c.id, async (tx) => {
      const actor = systemActor(c.id);
      for (const cu of (await listCustomers(tx, actor, { pageSize: 500 })).items) {
        strings.add(cu.name);
        if (cu.email) strings.add(cu.email);
      }
      const offers = await marketDb(tx)
        .selectFrom('market_offer')
        .select(['price_cents'])
        .where('cooperative_id', '=', c.id)
        .execute();
      const prices = new Set(offers.map((o) => formatEuros(Number(o.price_cents ?? 0))));
      for (const inv of (await listInvoices(tx, actor, { pageSize: 300 })).items)
        for (const cents of [inv.totalInclCents, inv.totalExclCents])
          if (cents % 100 && !prices.has(formatEuros(cents))) strings.add(formatEuros(cents));
      const m = marketDb(tx);
      for (const r of await m
        .selectFrom('market_request')
        .select(['name', 'email'])
        .where('cooperative_id', '=', c.id)
        .execute()) {
        strings.add(r.name);
        strings.add(r.email);
      }
      for (const p of await m
        .selectFrom('market_profile')
        .select(['display_name', 'published', 'public_phone'])
        .where('cooperative_id', '=', c.id)
        .execute()) {
        if (!p.published) strings.add(p.display_name);
        if (p.public_phone && p.published) phones.add(p.public_phone);
      }
    });
  return { strings: [...strings].filter((s) => s.length >= 5), phones };
}

test('privacy over every public route of the router, on the demo network', async () => {
  const web = new TestClient(app);
  const { strings, phones } = await privateStrings();
  const sitemap = await web.get('/marche/sitemap.xml');
  assert.equal(sitemap.res.status, 200);
  const locs = [...sitemap.html.matchAll(/<loc>https?:\/\/[^/]+([^<]+)<\/loc>/g)].map((m) => m[1]);
  const profilePages = locs.filter((u) => /^\/marche\/[^/]+\/[^/]+$/.test(u));
  const offerPages = locs.filter((u) => /\/offres\//.test(u));
  assert.ok(profilePages.length >= 20 && offerPages.length >= 60, `${profilePages.length} ${offerPages.length}`);
  // Signed links as their holders get them.
  const soleil = coops[0];
  const tokens = await inCoop(soleil.id, async (tx) => {
    const m = marketDb(tx);
    const req = await m
      .selectFrom('market_request')
      .select('id')
      .where('cooperative_id', '=', soleil.id)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    const ext = await m
      .selectFrom('market_external')
      .select('id')
      .where('cooperative_id', '=', soleil.id)
      .executeTakeFirstOrThrow();
    const inv = (await listInvoices(tx, systemActor(soleil.id), { status: 'paid', pageSize: 500 })).items;
    const prof = await m
      .selectFrom('market_profile')
      .select('activity_id')
      .where('cooperative_id', '=', soleil.id)
      .where('external', '=', false)
      .execute();
    // A paid invoice of a profiled activity whose customer has no link yet.
    let review: string | null = null;
    for (const i of inv.filter((x) => prof.some((p) => p.activity_id === x.activityId))) {
      review = await issueReviewLink(tx, soleil.id, {
        invoiceId: i.id,
        activityId: i.activityId,
        customerId: i.customerId,
      });
      if (review) break;
    }
    // A photo on a published profile (one more beside the demo's).
    const pub = await m
      .selectFrom('market_profile')
      .select(['activity_id', 'slug'])
      .where('cooperative_id', '=', soleil.id)
      .where('published', '=', true)
      .where('external', '=', false)
      .orderBy('slug')
      .executeTakeFirstOrThrow();
    const photo = await addPhoto(tx, systemActor(soleil.id), key, pub.activity_id, {
      offerId: null,
      name: 'atelier.png',
      content: PNG,
    });
    return {
      photo: `/marche/${soleil.slug}/${pub.slug}/photos/${photo.id}`,
      confirm: verifyToken(key, soleil.id, req.id),
      thread: threadToken(
        key,
        soleil.id,
        (
          await m
            .selectFrom('market_message')
            .select('request_id')
            .where('cooperative_id', '=', soleil.id)
            .executeTakeFirstOrThrow()
        ).request_id,
      ),
      charter: charterToken(key, soleil.id, ext.id),
      review,
    };
  });
  // Each GET route of the public routers → the addresses that exercise it. A new public route
  // without an entry here fails the test.
  const urls: Record<string, string[]> = {
    '/marche': ['/marche', '/marche?q=site+web&cp=69003&rayon=200', '/marche?categorie=artisanat', '/marche?page=2'],
    '/marche/sitemap.xml': ['/marche/sitemap.xml'],
    '/marche/:coop': coops.map((c) => `/marche/${c.slug}`),
    '/marche/:coop/:slug': profilePages,
    '/marche/:coop/:slug/offres/:offer': offerPages,
    '/demande-de-devis/confirmer/:token': [`/demande-de-devis/confirmer/${tokens.confirm}`],
    '/avis/:token': [`/avis/${tokens.review}`],
    '/demande-de-devis/fil/:token': [`/demande-de-devis/fil/${tokens.thread}`],
    '/marche/charte/:token': [`/marche/charte/${tokens.charter}`],
    '/marche/:coop/:slug/photos/:photo': [tokens.photo],
  };
  assert.ok(tokens.review, 'a review link');
  const routes = [...publicMarketRoutes.routes, ...charterRoutes.routes].filter((r) => r.method === 'GET');
  assert.ok(routes.length >= 8);
  let fetched = 0;
  for (const r of routes) {
    const list = urls[r.path];
    assert.ok(list?.length, `public route ${r.path} is not covered by this test`);
    for (const url of list) {
      const { res, html } = await web.get(url);
      assert.equal(res.status, 200, url);
      fetched++;
      if (r.path.endsWith('/photos/:photo')) {
        assert.equal(res.headers.get('content-type'), 'image/png');
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        continue;
      }
      for (const s of strings) assert.ok(!html.includes(s), `${url} shows ${s}`);
      // No e-mail address at all (the pages offer a form, never an address).
      assert.doesNotMatch(html, /[\w.+-]+@[\w-]+\.(demo|fr|com|org)\b/, url);
      // A phone only where its entrepreneur typed it in. Not inside a word: a uuid in a link
      // (« …-c0879775658f ») holds ten-digit runs by chance.
      for (const m of html.matchAll(/(?<![\dA-Za-z-])0\d(?:[ .]?\d\d){4}(?![\dA-Za-z])/g))
        assert.ok(phones.has(m[0]), `${url} shows ${m[0]}`);
    }
  }
  assert.ok(fetched > 90);
});
