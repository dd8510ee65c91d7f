// Search of published offers, the one ranking of the public page and `radieuse market search`:
// 2 × French full-text rank (stems, accents ignored; any word of the query) over title,
// description and the profile's headline, + trigram similarity of the accent-free title and
// headline (typos, half-typed words). Filters: category, price range (offers "sur devis" drop out
// when a price bound is set), distance from a postcode's centre (earth_distance). Reads only
// what the public policies let through.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import { marketDb } from './db.ts';
import type { Category } from './categories.ts';
import { placeOf, postcodesOfRegion } from './geo.ts';
import { UserError } from '../../core/errors.ts';

export const PAGE_SIZE = 20;
/** Below this score an offer does not match the words typed. */
export const MIN_SCORE = 0.15;
/** Default radius around a postcode when none is given. */
export const DEFAULT_RADIUS_KM = 50;

export interface SearchQuery {
  text?: string;
  category?: Category;
  minPriceCents?: number;
  maxPriceCents?: number;
  postcode?: string;
  radiusKm?: number;
  /** A region's code (INSEE, e.g. '84' Auvergne-Rhône-Alpes): offers whose profile is placed there. */
  region?: string;
  page?: number;
  pageSize?: number;
}
export interface SearchHit {
  offerId: string;
  cooperativeId: string;
  activityId: string;
  profileSlug: string;
  activity: string;
  title: string;
  description: string;
  category: Category;
  priceCents: number | null;
  commune: string;
  score: number;
  distanceKm: number | null;
}

const scoreSql = (text: string) => sql<number>`(
  2 * coalesce(ts_rank(
    setweight(to_tsvector('fr', o.title), 'A') || setweight(to_tsvector('fr', p.headline), 'B')
      || setweight(to_tsvector('fr', o.description), 'C'),
    cast(nullif(replace(cast(plainto_tsquery('fr', ${text}) as text), '&', '|'), '') as tsquery)), 0)
  + greatest(similarity(search_key(o.title), search_key(${text})),
             word_similarity(search_key(${text}), search_key(o.title)),
             0.6 * word_similarity(search_key(${text}), search_key(p.headline)))
)`;

export async function searchOffers(tx: Tx, q: SearchQuery): Promise<{ hits: SearchHit[]; more: boolean }> {
  const text = (q.text ?? '').trim().slice(0, 200);
  const pageSize = Math.min(Math.max(q.pageSize ?? PAGE_SIZE, 1), 100);
  const page = Math.max(q.page ?? 1, 1);
  let origin: { lat: number; lon: number } | null = null;
  if (q.postcode) {
    const p = placeOf(q.postcode);
    if (!p) throw new UserError('Code postal inconnu.', 'cp');
    origin = p;
  }
  let regionPostcodes: string[] | null = null;
  if (q.region) {
    regionPostcodes = postcodesOfRegion(q.region);
    if (!regionPostcodes) throw new UserError('Région inconnue.', 'region');
    if (regionPostcodes.length === 0) return { hits: [], more: false };
  }
  const radius = q.radiusKm ?? DEFAULT_RADIUS_KM;
  const distance = origin
    ? sql<number>`earth_distance(ll_to_earth(p.lat, p.lon), ll_to_earth(${origin.lat}, ${origin.lon})) / 1000`
    : sql<number | null>`null::float8`;
  const score = text ? scoreSql(text) : sql<number>`0`;
  const r = await sql<{
    id: string;
    cooperative_id: string;
    activity_id: string;
    slug: string;
    display_name: string;
    title: string;
    description: string;
    category: string;
    price_cents: string | number | null;
    commune: string;
    score: number;
    distance_km: number | null;
  }>`
    select * from (
      select o.id, o.cooperative_id, o.activity_id, p.slug, p.display_name, o.title, o.description, o.category,
        o.price_cents, p.commune, ${score} as score, ${distance} as distance_km, o.created_at
      from market_offer o
      join market_profile p on p.cooperative_id = o.cooperative_id and p.activity_id = o.activity_id
      where o.published and o.profile_published and p.published
        ${q.category ? sql`and o.category = ${q.category}` : sql``}
        ${regionPostcodes ? sql`and p.postcode in (${sql.join(regionPostcodes)})` : sql``}
        ${q.minPriceCents !== undefined ? sql`and o.price_cents >= ${q.minPriceCents}` : sql``}
        ${q.maxPriceCents !== undefined ? sql`and o.price_cents <= ${q.maxPriceCents}` : sql``}
    ) s
    where true
      ${text ? sql`and s.score >= ${MIN_SCORE}` : sql``}
      ${origin ? sql`and s.distance_km <= ${radius}` : sql``}
    order by s.score desc, ${origin ? sql`s.distance_km asc,` : sql``} s.created_at desc, s.id
    limit ${pageSize + 1} offset ${(page - 1) * pageSize}`.execute(marketDb(tx));
  const hits = r.rows.slice(0, pageSize).map((x) => ({
    offerId: x.id,
    cooperativeId: x.cooperative_id,
    activityId: x.activity_id,
    profileSlug: x.slug,
    activity: x.display_name,
    title: x.title,
    description: x.description,
    category: x.category as Category,
    priceCents: x.price_cents === null ? null : Number(x.price_cents),
    commune: x.commune,
    score: Math.round(Number(x.score) * 1000) / 1000,
    distanceKm: x.distance_km === null ? null : Math.round(Number(x.distance_km) * 10) / 10,
  }));
  return { hits, more: r.rows.length > pageSize };
}
