// Fixtures for the marketplace's tests: the sample offers published under the test cooperatives'
// activities, one group of offers per cooperative.
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { marketDb } from './db.ts';
import type { Actor } from '../../core/actor.ts';
import { saveOffer, saveProfile } from './profile.service.ts';
import { confirmRequest, requestFillToken, submitRequest } from './requests.service.ts';
import { addPhoto } from './photos.service.ts';
import { SAMPLE_OFFERS, SAMPLE_PROFILES, SAMPLE_QUERIES } from './samples.ts';

/** What the fixtures need of a test cooperative (the assembly's TestCoop fits). */
export interface MarketTestCoop {
  coop: { id: string; slug: string };
  activityId: string;
  actor(role: 'entrepreneur'): Actor;
}

export const RELEVANCE_OFFERS = SAMPLE_OFFERS;
export const RELEVANCE_QUERIES = SAMPLE_QUERIES;

/** Publishes a profile per cooperative (at the given postcode) and its group of sample offers. */
export async function seedRelevanceSet(odb: OpenDb, coops: [MarketTestCoop, string][]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [i, [c, postcode]] of coops.entries()) {
    const p = SAMPLE_PROFILES[i % SAMPLE_PROFILES.length];
    const ent = c.actor('entrepreneur');
    await withTenant(odb.db, c.coop.id, async (tx) => {
      await saveProfile(tx, ent, c.activityId, {
        displayName: `Activité ${c.coop.slug}`,
        headline: p.headline,
        description: p.description,
        category: p.category,
        postcode,
        radiusKm: 50,
        published: true,
      });
      for (const o of SAMPLE_OFFERS.filter((x) => x.group === i)) {
        const r = await saveOffer(tx, ent, c.activityId, {
          title: o.title,
          description: o.description,
          category: o.category,
          price: o.priceCents,
          published: true,
        });
        ids.set(o.title, r.id);
      }
    });
  }
  return ids;
}

/** A quote request from the public, its e-mail confirmed (the request form's spam guard passed as
 *  a person passes it: the form shown ten seconds before). Returns the request's id. */
export async function confirmedRequest(
  odb: OpenDb,
  key: Buffer,
  to: { cooperativeId: string; activityId: string; activityName: string },
  who: { name: string; email: string; message: string; phone?: string; ip?: string },
): Promise<string> {
  return withTenant(odb.db, to.cooperativeId, async (tx) => {
    await submitRequest(tx, key, {
      ...to,
      fields: { ...who, t: requestFillToken(key, Date.now() - 10_000), website: '' },
      ip: who.ip ?? '192.0.2.1',
      publicUrl: 'http://localhost',
    });
    const r = await marketDb(tx)
      .selectFrom('market_request')
      .select('id')
      .where('cooperative_id', '=', to.cooperativeId)
      .where('email', '=', who.email)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    await confirmRequest(tx, to.cooperativeId, r.id);
    return r.id;
  });
}

/** A photo on the shop window of an activity that already has a profile (made by its owner). */
export async function photoOnProfile(odb: OpenDb, key: Buffer, owner: Actor, activityId: string, content: Buffer) {
  return withTenant(odb.db, owner.cooperativeId, async (tx) => {
    const photo = await addPhoto(tx, owner, key, activityId, {
      offerId: null,
      name: 'atelier.png',
      content,
      alt: 'L’atelier',
    });
    return photo.id;
  });
}
