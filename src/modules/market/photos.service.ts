// Photos of a profile and of its offers. The image is checked before anything reads it: size
// first, then its type from its bytes (JPEG, PNG or WebP only; the name and the declared type are
// never trusted); it is stored through the core file store (encrypted, hashed). A photo is public
// when its profile, and its offer if it has one, are published (RLS policy `market_photo_public`).
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { checkFileFor, deleteFile, readFile, storeFile } from '../../core/files.ts';
import { stripImageMetadata } from '../../core/image-metadata.ts';
import { audit } from '../../core/audit.ts';
import { marketDb } from './db.ts';
import { profileOwner } from './profile.service.ts';

/** Largest photo accepted (checked before the type is read). */
export const MAX_PHOTO_BYTES = 3 * 1024 * 1024;
/** Photos per offer, and on the profile itself. */
export const PHOTOS_PER_OFFER = 4;

export interface Photo {
  id: string;
  activityId: string;
  offerId: string | null;
  mimeType: string;
  alt: string;
}
const toPhoto = (r: { id: string; activity_id: string; offer_id: string | null; mime_type: string; alt: string }) => ({
  id: r.id,
  activityId: r.activity_id,
  offerId: r.offer_id,
  mimeType: r.mime_type,
  alt: r.alt,
});

const AltInput = z.string().trim().max(200, 'Description de 200 caractères au plus.').default('');

/** Adds a photo to the profile (offerId null) or to one of its offers. */
export async function addPhoto(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  activityId: string,
  input: { offerId: string | null; name: string; content: Buffer; alt?: string },
): Promise<Photo> {
  await profileOwner(tx, actor, activityId);
  if (input.content.length === 0) throw new UserError('Choisissez une photo.', 'photo');
  if (input.content.length > MAX_PHOTO_BYTES)
    throw new UserError(`Une photo fait au plus ${MAX_PHOTO_BYTES / 1024 / 1024} Mo.`, 'photo');
  const alt = AltInput.safeParse(input.alt ?? '');
  if (!alt.success) throw new UserError(alt.error.issues[0].message, 'alt');
  const trx = marketDb(tx);
  const profile = await trx
    .selectFrom('market_profile')
    .select('activity_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .executeTakeFirst();
  if (!profile) throw new UserError('Enregistrez d’abord le profil de l’activité.', 'photo');
  if (input.offerId) {
    const offer = isUuid(input.offerId)
      ? await trx
          .selectFrom('market_offer')
          .select('id')
          .where('cooperative_id', '=', actor.cooperativeId)
          .where('activity_id', '=', activityId)
          .where('id', '=', input.offerId)
          .executeTakeFirst()
      : undefined;
    if (!offer) throw new NotFoundError('Offre');
  }
  let count = trx
    .selectFrom('market_photo')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId);
  count = input.offerId ? count.where('offer_id', '=', input.offerId) : count.where('offer_id', 'is', null);
  if (Number((await count.executeTakeFirstOrThrow()).n) >= PHOTOS_PER_OFFER)
    throw new UserError(`${PHOTOS_PER_OFFER} photos au plus par offre (et sur le profil).`, 'photo');
  // Public pages show it: its GPS position, device and author blocks go before it is stored.
  const type = await checkFileFor('market-photo', input.content, 'photo');
  const stored = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: input.name || 'photo',
    purpose: 'market-photo',
    content: stripImageMetadata(input.content, type),
    createdBy: actor.userId,
    field: 'photo',
  });
  const id = uuidv7();
  await trx
    .insertInto('market_photo')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      activity_id: activityId,
      offer_id: input.offerId,
      file_id: stored.id,
      mime_type: stored.mimeType,
      alt: alt.data,
    })
    .execute();
  await audit(tx, actor, { action: 'market.photo.added', targetType: 'market_photo', targetId: id, data: {} });
  return { id, activityId, offerId: input.offerId, mimeType: stored.mimeType, alt: alt.data };
}

/** The photos of a profile and its offers (its owner's view: published or not). */
export async function listPhotos(tx: Tx, actor: Actor, activityId: string): Promise<Photo[]> {
  await profileOwner(tx, actor, activityId);
  const rows = await marketDb(tx)
    .selectFrom('market_photo')
    .select(['id', 'activity_id', 'offer_id', 'mime_type', 'alt'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toPhoto);
}

/** A photo as its owner sees it (published or not), for the "Ma vitrine" preview. */
export async function ownPhoto(tx: Tx, actor: Actor, key: Buffer, activityId: string, photoId: string) {
  await profileOwner(tx, actor, activityId);
  const r = isUuid(photoId)
    ? await marketDb(tx)
        .selectFrom('market_photo')
        .select('file_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('activity_id', '=', activityId)
        .where('id', '=', photoId)
        .executeTakeFirst()
    : undefined;
  const f = r ? await photoContent(tx, key, actor.cooperativeId, r.file_id) : null;
  if (!f) throw new NotFoundError('Photo');
  return f;
}

export async function removePhoto(tx: Tx, actor: Actor, activityId: string, photoId: string): Promise<void> {
  await profileOwner(tx, actor, activityId);
  if (!isUuid(photoId)) throw new NotFoundError('Photo');
  const trx = marketDb(tx);
  const r = await trx
    .deleteFrom('market_photo')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .where('id', '=', photoId)
    .returning('file_id')
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Photo');
  await deleteFile(tx, actor.cooperativeId, r.file_id);
  await audit(tx, actor, { action: 'market.photo.removed', targetType: 'market_photo', targetId: photoId, data: {} });
}

/** Public photos of a profile (in the public transaction: only published ones are visible). */
export async function publicPhotos(tx: Tx, coopId: string, activityId: string): Promise<Photo[]> {
  const rows = await marketDb(tx)
    .selectFrom('market_photo')
    .select(['id', 'activity_id', 'offer_id', 'mime_type', 'alt'])
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', activityId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toPhoto);
}

/** Is this photo public? Run in the public transaction (RLS answers for the published state). */
export async function publicPhotoFile(tx: Tx, coopId: string, activityId: string, photoId: string) {
  if (!isUuid(photoId)) return null;
  return (
    (await marketDb(tx)
      .selectFrom('market_photo')
      .select(['file_id', 'mime_type'])
      .where('cooperative_id', '=', coopId)
      .where('activity_id', '=', activityId)
      .where('id', '=', photoId)
      .executeTakeFirst()) ?? null
  );
}

/** The image bytes of a public photo (read in its cooperative's transaction, after publicPhotoFile);
 *  anything not an image is refused, whatever was stored. */
export async function photoContent(tx: Tx, key: Buffer, coopId: string, fileId: string) {
  const f = await readFile(tx, key, coopId, fileId);
  if (!['image/jpeg', 'image/png', 'image/webp'].includes(f.mimeType)) return null;
  return f;
}
