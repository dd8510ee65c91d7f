// The public side (no account). Reads run in the public transaction (only published rows are
// visible there); the quote request is written in the profile's cooperative. Robots get the same
// answer as people and nothing is written for them.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { clientIp } from '../../../web/context.ts';
import { formValues, pageParam, textQuery } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';
import { getCooperativeBySlug, listCooperatives } from '../../directory/index.ts';
import { isCategory } from '../categories.ts';
import { withPublic } from '../public-tx.ts';
import { publicEntries, publicOffer, publicProfile, publicProfilesOf } from '../profile.service.ts';
import { searchOffers } from '../search.service.ts';
import { photoContent, publicPhotoFile, publicPhotos } from '../photos.service.ts';
import { fileResponse, notModified } from '../../../web/files.ts';
import { confirmRequest, parseVerifyToken, requestFillToken, submitRequest } from '../requests.service.ts';
import { parseThreadToken, postCustomerMessage, publicThread } from '../messages.service.ts';
import { parseReviewToken, publicReviews, reviewLinkState, submitReview } from '../reviews.service.ts';
import {
  CooperativePage,
  MessagePage,
  OfferPage,
  ProfilePage,
  ReviewFormPage,
  SearchPage,
  ThreadPage,
  offerPath,
  profilePath,
  type SearchForm,
} from '../views/public.tsx';

export const publicMarketRoutes = new Hono<AppEnv>();

const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
/** How long browsers and proxies keep a published photo (seconds). */
export const PHOTO_MAX_AGE_S = 3600;
const dbOf = (c: Ctx) => c.get('app').odb.db;
const key = (c: Ctx) => c.get('app').config.fileKey;
const euros = (c: Ctx, name: string): number | undefined => {
  const v = textQuery(c, name, 12);
  if (v === undefined || v === '') return undefined;
  const n = Number(v.replace(',', '.'));
  if (!Number.isFinite(n) || n < 0 || n > 1_000_000) throw new UserError(`${name} : un montant en euros.`);
  return Math.round(n * 100);
};

publicMarketRoutes.get('/marche', async (c) => {
  const cat = textQuery(c, 'categorie', 40);
  const rayon = textQuery(c, 'rayon', 6);
  const radius = rayon ? Number(rayon) : undefined;
  if (radius !== undefined && (!Number.isFinite(radius) || radius < 0 || radius > 2000))
    throw new UserError('Rayon : un nombre de kilomètres.');
  const f: SearchForm = {
    q: textQuery(c, 'q'),
    categorie: cat && isCategory(cat) ? cat : undefined,
    cp: textQuery(c, 'cp', 5) || undefined,
    rayon: radius,
    region: textQuery(c, 'region', 3) || undefined,
    prixMin: euros(c, 'prix-min'),
    prixMax: euros(c, 'prix-max'),
    page: pageParam(c),
  };
  const coopSlugs = new Map((await listCooperatives(dbOf(c))).map((k) => [k.id as string, k.slug]));
  try {
    const r = await withPublic(dbOf(c), (tx) =>
      searchOffers(tx, {
        text: f.q,
        category: f.categorie,
        postcode: f.cp,
        radiusKm: f.rayon,
        region: f.region,
        minPriceCents: f.prixMin,
        maxPriceCents: f.prixMax,
        page: f.page,
      }),
    );
    return c.html(<SearchPage c={c} f={f} hits={r.hits} more={r.more} coopSlugs={coopSlugs} />);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(
      <SearchPage c={c} f={f} hits={[]} more={false} coopSlugs={coopSlugs} error={e.message} errorField={e.field} />,
      400,
    );
  }
});

publicMarketRoutes.get('/marche/sitemap.xml', async (c) => {
  const base = c.get('app').config.publicUrl.replace(/\/$/, '');
  const coops = new Map((await listCooperatives(dbOf(c))).map((k) => [k.id as string, k.slug]));
  const entries = await withPublic(dbOf(c), (tx) => publicEntries(tx));
  const urls: string[] = [`${base}/marche`];
  const seenCoops = new Set<string>();
  for (const e of entries) {
    const slug = coops.get(e.cooperativeId);
    if (!slug) continue;
    if (!seenCoops.has(slug)) {
      seenCoops.add(slug);
      urls.push(`${base}/marche/${slug}`);
    }
    urls.push(`${base}${profilePath(slug, e.slug)}`);
    for (const id of e.offerIds) urls.push(`${base}${offerPath(slug, e.slug, id)}`);
  }
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls
    .map((u) => `  <url><loc>${esc(u)}</loc></url>`)
    .join('\n')}\n</urlset>\n`;
  return c.body(xml, 200, { 'Content-Type': 'application/xml; charset=utf-8' });
});

async function coopOf(c: Ctx, slug: string) {
  return SLUG.test(slug) ? getCooperativeBySlug(dbOf(c), slug) : null;
}

publicMarketRoutes.get('/marche/:coop', async (c) => {
  const coop = await coopOf(c, c.req.param('coop'));
  if (!coop) return c.notFound();
  const profiles = await withPublic(dbOf(c), (tx) => publicProfilesOf(tx, coop.id));
  return c.html(<CooperativePage c={c} coop={coop} profiles={profiles} />);
});

async function profilePage(
  c: Ctx,
  coopSlug: string,
  slug: string,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
  offerId?: string,
) {
  const coop = await coopOf(c, coopSlug);
  if (!coop || !SLUG.test(slug)) return c.notFound();
  const data = await withPublic(dbOf(c), async (tx) => {
    const profile = await publicProfile(tx, coop.id, slug);
    if (!profile) return null;
    const found = offerId ? await publicOffer(tx, coop.id, offerId) : null;
    if (offerId && (!found || found.profile.slug !== slug)) return null;
    return {
      profile,
      offer: found?.offer ?? null,
      reviews: await publicReviews(tx, coop.id, profile.activityId),
      photos: await publicPhotos(tx, coop.id, profile.activityId),
    };
  });
  if (!data) return c.notFound();
  const fillToken = requestFillToken(key(c));
  const status = errors ? 400 : 200;
  if (data.offer)
    return c.html(
      <OfferPage
        c={c}
        coop={coop}
        profile={data.profile}
        offer={data.offer}
        photos={data.photos}
        fillToken={fillToken}
        values={values}
        errors={errors}
      />,
      status,
    );
  return c.html(
    <ProfilePage
      c={c}
      coop={coop}
      profile={data.profile}
      reviews={data.reviews}
      photos={data.photos}
      fillToken={fillToken}
      values={values}
      errors={errors}
    />,
    status,
  );
}

// A photo of a published profile or offer: whether it is public is read in the public
// transaction; only then are its bytes read in its cooperative. Only images are ever served.
publicMarketRoutes.get('/marche/:coop/:slug/photos/:photo', async (c) => {
  const coop = await coopOf(c, c.req.param('coop'));
  const slug = c.req.param('slug');
  if (!coop || !SLUG.test(slug)) return c.notFound();
  const found = await withPublic(dbOf(c), async (tx) => {
    const profile = await publicProfile(tx, coop.id, slug);
    return profile ? publicPhotoFile(tx, coop.id, profile.activityId, c.req.param('photo')) : null;
  });
  if (!found) return c.notFound();
  // A photo's bytes never change under its stored file (a new photo is a new file): the file id
  // is its etag. Caches keep it an hour, so an unpublished profile's photos leave them within it.
  const cache = { maxAgeSeconds: PHOTO_MAX_AGE_S, etag: `"${found.file_id}"` };
  const held = c.req.header('if-none-match');
  if (held?.split(',').some((t) => t.trim().replace(/^W\//, '') === cache.etag)) return notModified(cache);
  const file = await withTenant(dbOf(c), coop.id, (tx) => photoContent(tx, key(c), coop.id, found.file_id));
  if (!file) return c.notFound();
  return fileResponse(
    { name: file.name, mimeType: file.mimeType, content: file.content },
    { inline: true, publicCache: cache },
  );
});

publicMarketRoutes.get('/marche/:coop/:slug', (c) => profilePage(c, c.req.param('coop'), c.req.param('slug')));
publicMarketRoutes.get('/marche/:coop/:slug/offres/:offer', (c) =>
  profilePage(c, c.req.param('coop'), c.req.param('slug'), {}, null, c.req.param('offer')),
);

publicMarketRoutes.post('/marche/:coop/:slug/demande', async (c) => {
  const coopSlug = c.req.param('coop');
  const slug = c.req.param('slug');
  const f = await formValues(c);
  const coop = await coopOf(c, coopSlug);
  if (!coop || !SLUG.test(slug)) return c.notFound();
  const target = await withPublic(dbOf(c), async (tx) => {
    const profile = await publicProfile(tx, coop.id, slug);
    // Independents outside the cooperative take no quote request here (no ERP: no quote).
    if (!profile || profile.external) return null;
    const offer = f.offerId ? (profile.offers.find((o) => o.id === f.offerId) ?? null) : null;
    return { profile, offer };
  });
  if (!target) return c.notFound();
  try {
    await withTenant(dbOf(c), coop.id, (tx) =>
      submitRequest(tx, key(c), {
        cooperativeId: coop.id,
        activityId: target.profile.activityId,
        offerId: target.offer?.id ?? null,
        activityName: target.profile.displayName,
        fields: f,
        ip: clientIp(c),
        publicUrl: c.get('app').config.publicUrl.replace(/\/$/, ''),
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e) ?? (e instanceof UserError ? { form: e.message } : null);
    if (!errors) throw e;
    const { t: _t, website: _w, ...values } = f;
    return profilePage(c, coopSlug, slug, values, errors, target.offer?.id);
  }
  return c.html(
    <MessagePage
      c={c}
      title="Demande enregistrée"
      text="Merci ! Un e-mail vient de vous être envoyé : cliquez sur le lien qu’il contient pour confirmer votre adresse, et votre demande sera transmise."
    />,
  );
});

publicMarketRoutes.get('/demande-de-devis/confirmer/:token', async (c) => {
  const t = parseVerifyToken(key(c), c.req.param('token'));
  const ok = t ? await withTenant(dbOf(c), t.coopId, (tx) => confirmRequest(tx, t.coopId, t.requestId)) : false;
  if (!ok)
    return c.html(<MessagePage c={c} title="Lien invalide" text="Ce lien de confirmation n’est pas valable." />, 404);
  return c.html(
    <MessagePage
      c={c}
      title="Demande confirmée"
      text="Votre demande a été transmise à l’entrepreneur·e, qui vous répondra par e-mail."
    />,
  );
});

// The thread of a request, for the customer who holds its signed link (mailed with each of the
// entrepreneur's messages). A wrong or forged link, or one of another cooperative, finds nothing.
async function threadPage(
  c: Ctx,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
  sent = false,
) {
  const token = c.req.param('token') ?? '';
  const t = parseThreadToken(key(c), token);
  const thread = t ? await withTenant(dbOf(c), t.coopId, (tx) => publicThread(tx, t.coopId, t.requestId)) : null;
  if (!thread)
    return c.html(<MessagePage c={c} title="Lien invalide" text="Ce lien de conversation n’est pas valable." />, 404);
  return c.html(
    <ThreadPage
      c={c}
      token={token}
      thread={thread}
      fillToken={requestFillToken(key(c))}
      values={values}
      errors={errors}
      sent={sent}
    />,
    errors ? 400 : 200,
  );
}
publicMarketRoutes.get('/demande-de-devis/fil/:token', (c) => threadPage(c));
publicMarketRoutes.post('/demande-de-devis/fil/:token', async (c) => {
  const t = parseThreadToken(key(c), c.req.param('token'));
  if (!t) return threadPage(c);
  const f = await formValues(c);
  try {
    const verdict = await withTenant(dbOf(c), t.coopId, (tx) =>
      postCustomerMessage(tx, key(c), { cooperativeId: t.coopId, requestId: t.requestId, fields: f, ip: clientIp(c) }),
    );
    // A robot gets the page as a person would, and nothing was written.
    return threadPage(c, {}, null, verdict === 'sent' || verdict === 'spam');
  } catch (e) {
    const errors = fieldErrors(e) ?? (e instanceof UserError ? { body: e.message } : null);
    if (!errors) throw e;
    return threadPage(c, { body: f.body ?? '' }, errors);
  }
});

async function reviewPage(c: Ctx, values: Record<string, string> = {}, errors: Record<string, string> | null = null) {
  const token = c.req.param('token') ?? '';
  const t = parseReviewToken(token);
  const state = t ? await withTenant(dbOf(c), t.coopId, (tx) => reviewLinkState(tx, t.coopId, t.secret)) : null;
  if (!state) return c.html(<MessagePage c={c} title="Lien invalide" text="Ce lien d’avis n’est pas valable." />, 404);
  if (state.used)
    return c.html(
      <MessagePage c={c} title="Avis déjà donné" text="Ce lien a déjà servi : merci pour votre avis." />,
      410,
    );
  return c.html(
    <ReviewFormPage c={c} token={token} displayName={state.displayName} values={values} errors={errors} />,
    errors ? 400 : 200,
  );
}
publicMarketRoutes.get('/avis/:token', (c) => reviewPage(c));
publicMarketRoutes.post('/avis/:token', async (c) => {
  const t = parseReviewToken(c.req.param('token'));
  if (!t) return reviewPage(c);
  const f = await formValues(c);
  try {
    await withTenant(dbOf(c), t.coopId, (tx) => submitReview(tx, t.coopId, t.secret, f));
  } catch (e) {
    const errors = fieldErrors(e);
    if (errors) return reviewPage(c, f, errors);
    if (e instanceof UserError) return c.html(<MessagePage c={c} title="Lien déjà utilisé" text={e.message} />, 410);
    throw e;
  }
  return c.html(<MessagePage c={c} title="Merci !" text="Votre avis est publié sur la page de l’entrepreneur·e." />);
});
