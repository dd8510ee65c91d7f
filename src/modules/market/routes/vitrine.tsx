// "Ma vitrine": the entrepreneur publishes a profile and offers, reads the quote requests and
// turns one into a draft quote, replies to reviews; moderators hide abusive reviews. Services
// authorize every action and check the activity is the actor's.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Actor } from '../../../core/actor.ts';
import { can } from '../../../core/authz.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';
import { uploadBodyLimit } from '../../../web/request-guards.ts';
import { fileResponse } from '../../../web/files.ts';
import { MAX_PHOTO_BYTES, addPhoto, listPhotos, ownPhoto, removePhoto } from '../photos.service.ts';
import { MARKET } from '../permissions.ts';
import type { TenantTx } from '../db.ts';
import {
  getProfile,
  listOffers,
  myMarketActivities,
  profileOwner,
  saveOffer,
  saveProfile,
} from '../profile.service.ts';
import { closeRequest, convertRequest, getRequest, listRequests } from '../requests.service.ts';
import { postEntrepreneurMessage, requestThread } from '../messages.service.ts';
import { activityReviews, moderateReview, replyToReview } from '../reviews.service.ts';
import { RequestPage, VitrineActivity, VitrineHome } from '../views/vitrine.tsx';

export const vitrineRoutes = new Hono<AppEnv>();
vitrineRoutes.use('/ma-vitrine', requireActor);
vitrineRoutes.use('/ma-vitrine/*', requireActor);

function tenant<T>(c: Ctx, fn: (tx: TenantTx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(c.get('app').odb.db, actor.cooperativeId, (tx) => fn(tx, actor));
}

vitrineRoutes.get('/ma-vitrine', async (c) => {
  const data = await tenant(c, async (tx, actor) => ({
    activities: await myMarketActivities(tx, actor),
    requests: await listRequests(tx, actor),
  }));
  return c.html(<VitrineHome c={c} {...data} />);
});

// --- requests (before /:activity so that "demandes" is not taken for an activity) -----------
async function requestPage(
  c: Ctx,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
  messageError?: string,
) {
  const id = idParam(c, 'id', 'Demande');
  const { r, thread } = await tenant(c, async (tx, actor) => ({
    r: await getRequest(tx, actor, id),
    thread: await requestThread(tx, actor, id),
  }));
  return c.html(
    <RequestPage c={c} r={r} thread={thread} values={values} errors={errors} messageError={messageError} />,
    errors || messageError ? 400 : 200,
  );
}
vitrineRoutes.get('/ma-vitrine/demandes/:id', (c) => requestPage(c));
vitrineRoutes.post('/ma-vitrine/demandes/:id/message', async (c) => {
  const id = idParam(c, 'id', 'Demande');
  const f = await formValues(c);
  try {
    const publicUrl = c.get('app').config.publicUrl.replace(/\/$/, '');
    await tenant(c, (tx, actor) => postEntrepreneurMessage(tx, actor, c.get('app').config.fileKey, id, f, publicUrl));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return requestPage(c, { messageBody: f.body ?? '' }, null, fieldErrors(e)?.body ?? e.message);
  }
  setFlash(c, { kind: 'success', text: 'Message envoyé au client par e-mail.' });
  return c.redirect(`/ma-vitrine/demandes/${id}`, 303);
});
vitrineRoutes.post('/ma-vitrine/demandes/:id/devis', async (c) => {
  const id = idParam(c, 'id', 'Demande');
  const f = await formValues(c);
  try {
    const r = await tenant(c, (tx, actor) => convertRequest(tx, actor, id, f));
    setFlash(c, { kind: 'success', text: 'Client et devis brouillon créés : complétez le devis puis envoyez-le.' });
    return c.redirect(`/devis/${r.quoteId}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return requestPage(c, f, errors);
  }
});
vitrineRoutes.post('/ma-vitrine/demandes/:id/classer', async (c) => {
  const id = idParam(c, 'id', 'Demande');
  await tenant(c, (tx, actor) => closeRequest(tx, actor, id));
  setFlash(c, { kind: 'success', text: 'Demande classée.' });
  return c.redirect('/ma-vitrine', 303);
});

// --- reviews ---------------------------------------------------------------------------------
vitrineRoutes.post('/ma-vitrine/avis/:id/reponse', async (c) => {
  const id = idParam(c, 'id', 'Avis');
  const f = await formValues(c);
  await tenant(c, (tx, actor) => replyToReview(tx, actor, id, f.reply ?? ''));
  setFlash(c, { kind: 'success', text: 'Réponse publiée.' });
  return c.redirect('/ma-vitrine', 303);
});
vitrineRoutes.post('/ma-vitrine/avis/:id/moderation', async (c) => {
  const id = idParam(c, 'id', 'Avis');
  const f = await formValues(c);
  await tenant(c, (tx, actor) => moderateReview(tx, actor, id, f.hide === '1', f.reason ?? ''));
  setFlash(c, { kind: 'success', text: f.hide === '1' ? 'Avis masqué.' : 'Avis rétabli.' });
  return c.redirect('/ma-vitrine', 303);
});

// --- profile and offers ----------------------------------------------------------------------
async function activityPage(c: Ctx, values: Record<string, string> = {}, errors: Record<string, string> | null = null) {
  const activityId = idParam(c, 'activity', 'Activité');
  const data = await tenant(c, async (tx, actor) => {
    const act = await profileOwner(tx, actor, activityId);
    const profile = await getProfile(tx, actor, activityId);
    return {
      name: act.name,
      profile,
      offers: profile ? await listOffers(tx, actor, activityId) : [],
      photos: profile ? await listPhotos(tx, actor, activityId) : [],
      // Independents outside the cooperative get no review (no invoice of the cooperative).
      reviews: profile && !profile.external ? await activityReviews(tx, actor, activityId) : [],
      canModerate: can(actor, MARKET.reviewModerate),
    };
  });
  return c.html(
    <VitrineActivity c={c} activityId={activityId} {...data} values={values} errors={errors} />,
    errors ? 400 : 200,
  );
}
vitrineRoutes.get('/ma-vitrine/:activity', (c) => activityPage(c));
vitrineRoutes.post('/ma-vitrine/:activity', async (c) => {
  const activityId = idParam(c, 'activity', 'Activité');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => saveProfile(tx, actor, activityId, { ...f, published: f.published ?? '' }));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return activityPage(c, { ...f, published: f.published ?? '' }, errors);
  }
  setFlash(c, { kind: 'success', text: 'Vitrine enregistrée.' });
  return c.redirect(`/ma-vitrine/${activityId}`, 303);
});
vitrineRoutes.post('/ma-vitrine/:activity/offres', async (c) => {
  const activityId = idParam(c, 'activity', 'Activité');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => saveOffer(tx, actor, activityId, { ...f, published: f.published ?? '' }));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return activityPage(c, { offerTitle: f.title ?? '' }, errors);
  }
  setFlash(c, { kind: 'success', text: 'Offre ajoutée.' });
  return c.redirect(`/ma-vitrine/${activityId}`, 303);
});
// --- photos ----------------------------------------------------------------------------------
vitrineRoutes.post('/ma-vitrine/:activity/photos', uploadBodyLimit(MAX_PHOTO_BYTES + 64 * 1024), async (c) => {
  const activityId = idParam(c, 'activity', 'Activité');
  await tenant(c, (tx, actor) => profileOwner(tx, actor, activityId)); // not one's own: 404 first
  const body = await c.req.parseBody();
  const file = body.photo;
  const offerId = typeof body.offer === 'string' && body.offer ? body.offer : null;
  try {
    if (!(file instanceof File) || file.size === 0) throw new UserError('Choisissez une photo.', 'photo');
    if (file.size > MAX_PHOTO_BYTES)
      throw new UserError(`Une photo fait au plus ${MAX_PHOTO_BYTES / 1024 / 1024} Mo.`, 'photo');
    const content = Buffer.from(await file.arrayBuffer());
    await tenant(c, (tx, actor) =>
      addPhoto(tx, actor, c.get('app').config.fileKey, activityId, {
        offerId,
        name: file.name,
        content,
        alt: typeof body.alt === 'string' ? body.alt : '',
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return activityPage(c, { photoFor: offerId ?? '' }, errors);
  }
  setFlash(c, { kind: 'success', text: 'Photo ajoutée.' });
  return c.redirect(`/ma-vitrine/${activityId}`, 303);
});
vitrineRoutes.get('/ma-vitrine/:activity/photos/:photo', async (c) => {
  const activityId = idParam(c, 'activity', 'Activité');
  const photoId = idParam(c, 'photo', 'Photo');
  const f = await tenant(c, (tx, actor) => ownPhoto(tx, actor, c.get('app').config.fileKey, activityId, photoId));
  return fileResponse(f, { inline: true });
});
vitrineRoutes.post('/ma-vitrine/:activity/photos/:photo/supprimer', async (c) => {
  const activityId = idParam(c, 'activity', 'Activité');
  const photoId = idParam(c, 'photo', 'Photo');
  await tenant(c, (tx, actor) => removePhoto(tx, actor, activityId, photoId));
  setFlash(c, { kind: 'success', text: 'Photo retirée.' });
  return c.redirect(`/ma-vitrine/${activityId}`, 303);
});

vitrineRoutes.post('/ma-vitrine/:activity/offres/:offer', async (c) => {
  const activityId = idParam(c, 'activity', 'Activité');
  const offerId = idParam(c, 'offer', 'Offre');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => saveOffer(tx, actor, activityId, { ...f, published: f.published ?? '' }, offerId));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return activityPage(c, {}, errors);
  }
  setFlash(c, { kind: 'success', text: 'Offre enregistrée.' });
  return c.redirect(`/ma-vitrine/${activityId}`, 303);
});
