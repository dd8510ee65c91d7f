// The entrepreneur's side of the marketplace: the public profile of an activity and its offers.
// Only what is typed here is ever published; nothing comes from the ERP (no e-mail, no amounts,
// no customers). A phone number is shown only when the entrepreneur types one in `publicPhone`.
import { z } from 'zod';
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { parseInput } from '../../core/validation.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { slugify } from '../../core/random.ts';
import { activitiesFor, getCooperative } from '../directory/index.ts';
import { marketDb, type MarketTx } from './db.ts';
import { MARKET } from './permissions.ts';
import { CATEGORY_SLUGS, type Category } from './categories.ts';
import { placeOf } from './geo.ts';

const category = z.enum(CATEGORY_SLUGS as [Category, ...Category[]], { message: 'Choisissez une catégorie.' });
const bool = z.union([z.boolean(), z.string()]).transform((v) => v === true || v === 'on' || v === '1' || v === 'true');

export const ProfileInput = z.object({
  displayName: z.string().trim().min(2, 'Indiquez le nom affiché (2 caractères au moins).').max(120),
  headline: z.string().trim().min(3, 'Indiquez une accroche.').max(160, 'Accroche : 160 caractères au plus.'),
  description: z.string().trim().max(5000, 'Présentation : 5 000 caractères au plus.').default(''),
  category,
  postcode: z
    .string()
    .trim()
    .regex(/^\d{5}$/, 'Code postal : 5 chiffres.')
    .refine((p) => !!placeOf(p), 'Code postal inconnu.'),
  radiusKm: z.coerce.number().int('Rayon : un nombre entier de km.').min(0).max(1000, 'Rayon : 1 000 km au plus.'),
  publicPhone: z
    .string()
    .trim()
    .max(30)
    .refine((v) => v === '' || /^[+0-9 .()-]{6,30}$/.test(v), 'Téléphone invalide.')
    .optional()
    .nullable(),
  published: bool.default(false),
});

/** A price: euros typed with a comma or a dot (or cents as a number), empty for "sur devis". */
const PRICE_ERROR = 'Prix : un montant en euros (ex. 450 ou 39,90), ou vide pour « sur devis ».';
const price = z.unknown().transform((raw, ctx): number | null => {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw) && raw >= 0 && raw <= 100_000_000) return raw;
    ctx.addIssue({ code: 'custom', message: PRICE_ERROR });
    return z.NEVER;
  }
  const v = String(raw).trim().replace(/\s|€/g, '');
  if (v === '') return null;
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(v);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: PRICE_ERROR });
    return z.NEVER;
  }
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
});

export const OfferInput = z.object({
  title: z.string().trim().min(3, 'Indiquez un titre.').max(160),
  description: z.string().trim().max(5000).default(''),
  category,
  price,
  published: bool.default(false),
});

export interface Profile {
  cooperativeId: string;
  activityId: string;
  slug: string;
  displayName: string;
  headline: string;
  description: string;
  category: Category;
  postcode: string;
  commune: string;
  radiusKm: number;
  publicPhone: string | null;
  published: boolean;
  /** An independent outside the cooperative (« Indépendant·e partenaire »). */
  external: boolean;
}
export interface Offer {
  id: string;
  activityId: string;
  title: string;
  description: string;
  category: Category;
  priceCents: number | null;
  published: boolean;
}

type ProfileRow = MarketTx extends never ? never : Awaited<ReturnType<typeof profileRows>>[number];
function profileRows(trx: MarketTx, coopId: string) {
  return trx.selectFrom('market_profile').selectAll().where('cooperative_id', '=', coopId).execute();
}
export const toProfile = (r: ProfileRow): Profile => ({
  cooperativeId: r.cooperative_id,
  activityId: r.activity_id,
  slug: r.slug,
  displayName: r.display_name,
  headline: r.headline,
  description: r.description,
  category: r.category as Category,
  postcode: r.postcode,
  commune: r.commune,
  radiusKm: r.radius_km,
  publicPhone: r.public_phone,
  published: r.published,
  external: r.external,
});
export const toOffer = (r: {
  id: string;
  activity_id: string;
  title: string;
  description: string;
  category: string;
  price_cents: number | string | null;
  published: boolean;
}): Offer => ({
  id: r.id,
  activityId: r.activity_id,
  title: r.title,
  description: r.description,
  category: r.category as Category,
  priceCents: r.price_cents === null ? null : Number(r.price_cents),
  published: r.published,
});

/** The activity, checked: an entrepreneur only their own, staff any of the cooperative. */
export async function ownActivity(tx: Tx, actor: Actor, activityId: string, permission = MARKET.profileEdit) {
  authorize(actor, permission);
  if (!isUuid(activityId)) throw new NotFoundError('Activité');
  const a = (await activitiesFor(tx, actor)).find((x) => x.id === activityId);
  if (!a) throw new NotFoundError('Activité');
  return a;
}

/** Whose profile this is: an activity the actor runs (`ownActivity`), or, for the staff who
 *  admit them (`MARKET.externalManage`), an independent outside the cooperative who accepted
 *  its charter. */
export async function profileOwner(tx: Tx, actor: Actor, id: string): Promise<{ id: string; name: string }> {
  try {
    return await ownActivity(tx, actor, id);
  } catch (e) {
    if (!(e instanceof NotFoundError) || !can(actor, MARKET.externalManage)) throw e;
    const x = await marketDb(tx)
      .selectFrom('market_external')
      .select(['id', 'name', 'accepted_at'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!x) throw e;
    if (!x.accepted_at) throw new UserError('Cette personne n’a pas encore accepté la charte de la coopérative.');
    return { id: x.id, name: x.name };
  }
}

/** Activities the actor may publish, with their profile when one exists. */
export async function myMarketActivities(
  tx: Tx,
  actor: Actor,
): Promise<{ activityId: string; name: string; profile: Profile | null }[]> {
  authorize(actor, MARKET.profileEdit);
  const acts = (await activitiesFor(tx, actor)).filter((a) => !a.closedAt);
  const profiles = await profileRows(marketDb(tx), actor.cooperativeId);
  return acts.map((a) => {
    const p = profiles.find((r) => r.activity_id === a.id);
    return { activityId: a.id, name: a.name, profile: p ? toProfile(p) : null };
  });
}

export async function getProfile(tx: Tx, actor: Actor, activityId: string): Promise<Profile | null> {
  await profileOwner(tx, actor, activityId);
  const r = await marketDb(tx)
    .selectFrom('market_profile')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .executeTakeFirst();
  return r ? toProfile(r) : null;
}

export async function saveProfile(tx: Tx, actor: Actor, activityId: string, raw: unknown): Promise<Profile> {
  const act = await profileOwner(tx, actor, activityId);
  const v = parseInput(ProfileInput, raw);
  const place = placeOf(v.postcode)!;
  const trx = marketDb(tx);
  const coop = await getCooperative(tx, actor.cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  const existing = await trx
    .selectFrom('market_profile')
    .select('slug')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .executeTakeFirst();
  let slug = existing?.slug;
  if (!slug) {
    const clean = (x: string) =>
      slugify(x)
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 60)
        .replace(/-+$/, '');
    const base = [clean(v.displayName), clean(act.name), 'activite'].find((x) => x.length >= 2)!;
    slug = base;
    for (let i = 2; ; i++) {
      const taken = await trx
        .selectFrom('market_profile')
        .select('slug')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('slug', '=', slug)
        .executeTakeFirst();
      if (!taken) break;
      slug = `${base}-${i}`;
    }
  }
  const row = {
    display_name: v.displayName,
    headline: v.headline,
    description: v.description,
    category: v.category,
    postcode: v.postcode,
    commune: place.commune,
    lat: place.lat,
    lon: place.lon,
    radius_km: v.radiusKm,
    public_phone: v.publicPhone || null,
    published: v.published,
    updated_at: new Date(),
  };
  if (existing)
    await trx
      .updateTable('market_profile')
      .set(row)
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('activity_id', '=', activityId)
      .execute();
  else
    await trx
      .insertInto('market_profile')
      .values({
        cooperative_id: actor.cooperativeId,
        activity_id: activityId,
        external: act.id === activityId && !(await activitiesFor(tx, actor)).some((a) => a.id === activityId),
        network_id: coop.networkId,
        slug,
        ...row,
      })
      .execute();
  // Offers are public only while their profile is.
  await trx
    .updateTable('market_offer')
    .set({ profile_published: v.published })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .execute();
  return (await getProfile(tx, actor, activityId))!;
}

export async function listOffers(tx: Tx, actor: Actor, activityId: string): Promise<Offer[]> {
  await profileOwner(tx, actor, activityId);
  const rows = await marketDb(tx)
    .selectFrom('market_offer')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .orderBy('created_at')
    .execute();
  return rows.map(toOffer);
}

/** Creates (no offerId) or updates an offer of an activity that has a profile. */
export async function saveOffer(
  tx: Tx,
  actor: Actor,
  activityId: string,
  raw: unknown,
  offerId?: string,
): Promise<Offer> {
  await profileOwner(tx, actor, activityId);
  const v = parseInput(OfferInput, raw);
  const trx = marketDb(tx);
  const profile = await trx
    .selectFrom('market_profile')
    .select(['published', 'network_id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .executeTakeFirst();
  if (!profile) throw new UserError('Enregistrez d’abord le profil de l’activité.');
  const values = {
    title: v.title,
    description: v.description,
    category: v.category,
    price_cents: v.price,
    published: v.published,
    profile_published: profile.published,
    updated_at: new Date(),
  };
  let id = offerId;
  if (id) {
    if (!isUuid(id)) throw new NotFoundError('Offre');
    const r = await trx
      .updateTable('market_offer')
      .set(values)
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('activity_id', '=', activityId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw new NotFoundError('Offre');
  } else {
    id = uuidv7();
    await trx
      .insertInto('market_offer')
      .values({
        cooperative_id: actor.cooperativeId,
        id,
        activity_id: activityId,
        network_id: profile.network_id,
        ...values,
      })
      .execute();
  }
  const r = await trx
    .selectFrom('market_offer')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return toOffer(r);
}

// --- public reads: only through the `public` policies (no cooperative set) --------------------

export interface PublicProfile extends Omit<Profile, 'published'> {
  offers: Offer[];
  rating: { average: number | null; count: number };
}

export async function publicProfile(tx: Tx, coopId: string, slug: string): Promise<PublicProfile | null> {
  const trx = marketDb(tx);
  const r = await trx
    .selectFrom('market_profile')
    .selectAll()
    .where('cooperative_id', '=', coopId)
    .where('slug', '=', slug)
    .where('published', '=', true)
    .executeTakeFirst();
  if (!r) return null;
  const offers = await trx
    .selectFrom('market_offer')
    .selectAll()
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', r.activity_id)
    .where('published', '=', true)
    .where('profile_published', '=', true)
    .orderBy('created_at')
    .execute();
  const { published: _p, ...p } = toProfile(r);
  return { ...p, offers: offers.map(toOffer), rating: await ratingOf(trx, coopId, r.activity_id) };
}

/** The honest average: every visible review counts (none is hidden for its rating), count shown. */
export async function ratingOf(trx: MarketTx, coopId: string, activityId: string) {
  const r = await trx
    .selectFrom('market_review')
    .select((e) => [e.fn.avg<number>('rating').as('avg'), e.fn.countAll<number>().as('n')])
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', activityId)
    .where('hidden_at', 'is', null)
    .executeTakeFirstOrThrow();
  const count = Number(r.n);
  return { average: count ? Math.round(Number(r.avg) * 10) / 10 : null, count };
}

export async function publicProfilesOf(tx: Tx, coopId: string): Promise<Omit<Profile, 'published'>[]> {
  const rows = await marketDb(tx)
    .selectFrom('market_profile')
    .selectAll()
    .where('cooperative_id', '=', coopId)
    .where('published', '=', true)
    .orderBy('display_name')
    .execute();
  return rows.map((r) => {
    const { published: _p, ...p } = toProfile(r);
    return p;
  });
}

export async function publicOffer(
  tx: Tx,
  coopId: string,
  offerId: string,
): Promise<{ offer: Offer; profile: PublicProfile } | null> {
  if (!isUuid(offerId)) return null;
  const trx = marketDb(tx);
  const o = await trx
    .selectFrom('market_offer')
    .selectAll()
    .where('cooperative_id', '=', coopId)
    .where('id', '=', offerId)
    .where('published', '=', true)
    .where('profile_published', '=', true)
    .executeTakeFirst();
  if (!o) return null;
  const slug = await trx
    .selectFrom('market_profile')
    .select('slug')
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', o.activity_id)
    .where('published', '=', true)
    .executeTakeFirst();
  if (!slug) return null;
  const profile = await publicProfile(tx, coopId, slug.slug);
  return profile ? { offer: toOffer(o), profile } : null;
}

/** Every public address, for the sitemap. */
export async function publicEntries(
  tx: Tx,
): Promise<{ cooperativeId: string; slug: string; offerIds: string[]; updatedAt: Date }[]> {
  const r = await sql<{ cooperative_id: string; slug: string; offer_ids: string[] | null; updated_at: Date }>`
    select p.cooperative_id, p.slug, p.updated_at,
      array(select o.id::text from market_offer o where o.cooperative_id = p.cooperative_id
        and o.activity_id = p.activity_id and o.published and o.profile_published order by o.created_at) as offer_ids
    from market_profile p where p.published order by p.cooperative_id, p.slug limit 50000`.execute(marketDb(tx));
  return r.rows.map((x) => ({
    cooperativeId: x.cooperative_id,
    slug: x.slug,
    offerIds: x.offer_ids ?? [],
    updatedAt: new Date(x.updated_at),
  }));
}
