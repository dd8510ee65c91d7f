// Demo marketplace: in every demo cooperative, eight entrepreneurs publish a profile (at the
// cooperative's postcode) with offers from the sample catalogue; customers whose invoices are
// paid leave reviews (through the same single-use links as in real life, one with a reply); the
// demo entrepreneur has two confirmed quote requests waiting. Deterministic: no randomness beyond
// the order of the demo network.
import type { DemoContext, DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import { listInvoices } from '../sales/index.ts';
import { saveOffer, saveProfile } from './profile.service.ts';
import { confirmRequest, requestFillToken, submitRequest } from './requests.service.ts';
import { issueReviewLink, parseReviewToken, replyToReview, submitReview } from './reviews.service.ts';
import { SAMPLE_OFFERS, SAMPLE_PROFILES } from './samples.ts';
import { marketDb } from './db.ts';

const PUBLISHED_PER_COOP = 8;
const REVIEWS: [number, string, string][] = [
  [5, 'Travail soigné, à l’écoute, délais tenus.', 'Claire'],
  [4, 'Très bon résultat, un peu de retard au démarrage.', 'Marc'],
  [5, 'Je recommande sans hésiter.', 'Nadia'],
  [3, 'Correct, mais la communication pourrait être plus rapide.', 'Paul'],
  [2, 'Résultat moyen, il a fallu reprendre une partie.', 'Sophie'],
];

export const marketDemoSeeder: DemoSeeder = {
  name: 'market',
  seed: async (ctx: DemoContext) => {
    let profiles = 0;
    let offers = 0;
    let reviews = 0;
    for (const [n, dc] of ctx.coops.entries()) {
      const people = [...dc.entrepreneurs, ...dc.capes].filter((p) => p.activityId).slice(0, PUBLISHED_PER_COOP);
      for (const [i, p] of people.entries()) {
        const actor: Actor = {
          userId: p.userId as UserId,
          cooperativeId: dc.coop.id,
          roles: [p.role],
          label: p.name,
        };
        const group = ((n + i) % 3) as 0 | 1 | 2;
        const sp = SAMPLE_PROFILES[group];
        const mine = SAMPLE_OFFERS.filter((o) => o.group === group).filter((_, k) => (k + i) % 3 !== 2);
        await withTenant(ctx.odb.db, dc.coop.id, async (tx) => {
          await saveProfile(tx, actor, p.activityId!, {
            displayName: p.name,
            headline: sp.headline,
            description: `${sp.description} Entrepreneur·e de ${dc.coop.name}.`,
            category: mine[0]?.category ?? sp.category,
            postcode: dc.coop.postalCode,
            radiusKm: 30 + 10 * (i % 4),
            publicPhone: i % 4 === 0 ? `06 00 0${n} 0${i} 00` : '',
            published: i !== PUBLISHED_PER_COOP - 1, // one profile left unpublished
          });
          profiles++;
          for (const o of mine) {
            await saveOffer(tx, actor, p.activityId!, {
              title: o.title,
              description: o.description,
              category: o.category,
              price: o.priceCents,
              published: true,
            });
            offers++;
          }
          // Paid invoices of the activity: their customers review it.
          const support = { ...actor, roles: ['support' as const] };
          const paid = (await listInvoices(tx, support, { status: 'paid', activityId: p.activityId, pageSize: 2 }))
            .items;
          for (const [k, inv] of paid.entries()) {
            const token = await issueReviewLink(tx, dc.coop.id, {
              invoiceId: inv.id,
              activityId: p.activityId!,
              customerId: inv.customerId,
            });
            if (!token) continue;
            const [rating, body, author] = REVIEWS[(n * 3 + i + k) % REVIEWS.length];
            const id = await submitReview(tx, dc.coop.id, parseReviewToken(token)!.secret, {
              rating,
              body,
              authorLabel: author,
            });
            if (rating <= 3) await replyToReview(tx, actor, id, 'Merci pour votre retour, nous en tenons compte.');
            reviews++;
          }
        });
      }
      // Two confirmed requests waiting for the demo entrepreneur.
      const demo = dc.entrepreneurs[0];
      if (demo?.activityId)
        for (const [k, who] of ['Jeanne Roux', 'Hugo Bernard'].entries()) {
          await withTenant(ctx.odb.db, dc.coop.id, async (tx) => {
            const at = Date.parse(`${ctx.today}T09:0${k}:00Z`);
            await submitRequest(tx, ctx.fileKey, {
              cooperativeId: dc.coop.id,
              activityId: demo.activityId!,
              activityName: demo.name,
              fields: {
                name: who,
                email: `${who.split(' ')[0].toLowerCase()}.${dc.coop.slug}@client.demo`,
                postcode: dc.coop.postalCode,
                message:
                  k === 0
                    ? 'Bonjour, pouvez-vous me faire un devis pour la fin du mois ?'
                    : 'Quel serait votre tarif pour une intervention le samedi ?',
                website: '',
                t: requestFillToken(ctx.fileKey, at - 60_000),
              },
              ip: `demo-${k}`,
              publicUrl: 'http://localhost:3000',
              now: at,
            });
          });
        }
      await withTenant(ctx.odb.db, dc.coop.id, async (tx) => {
        const rows = await marketDb(tx)
          .selectFrom('market_request')
          .select('id')
          .where('cooperative_id', '=', dc.coop.id)
          .execute();
        for (const r of rows) await confirmRequest(tx, dc.coop.id, r.id);
      });
    }
    ctx.log(`place de marché : ${profiles} profils, ${offers} offres, ${reviews} avis`);
  },
};
