// Demo marketplace: in every demo cooperative, eight entrepreneurs publish a profile (at the
// cooperative's postcode) with offers from the sample catalogue; customers whose invoices are
// paid leave reviews (through the same single-use links as in real life, one with a reply); the
// demo entrepreneur has two confirmed quote requests waiting. Deterministic: no randomness beyond
// the order of the demo network.
import type { DemoContext, DemoCoop, DemoPerson, DemoSeeder } from '../directory/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import { listInvoices } from '../sales/index.ts';
import { saveOffer, saveProfile } from './profile.service.ts';
import { postCustomerMessage, postEntrepreneurMessage } from './messages.service.ts';
import { closeRequest, confirmRequest, convertRequest, requestFillToken, submitRequest } from './requests.service.ts';
import { createJointQuote } from './joint.service.ts';
import { acceptAnswer, acceptWork, answerNeed, postNeed } from './internal.service.ts';
import { acceptCharter, inviteExternal, saveCharter } from './external.service.ts';
import { issueReviewLink, parseReviewToken, replyToReview, submitReview } from './reviews.service.ts';
import { SAMPLE_OFFERS, SAMPLE_PROFILES } from './samples.ts';
import { DEMO_PHOTOS, demoPng } from './demo-photos.ts';
import { addPhoto } from './photos.service.ts';
import { marketDb, type TenantTx } from './db.ts';

const PUBLISHED_PER_COOP = 8;
/** The demo entrepreneur's unpublished offer (the public pages' tests look for it). */
export const DEMO_DRAFT_OFFER = 'Brouillon : atelier d’écriture en préparation';
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
          // A photo on the first three profiles of each cooperative, drawn in code.
          const pic = DEMO_PHOTOS[i];
          if (pic)
            await addPhoto(tx, actor, ctx.fileKey, p.activityId!, {
              offerId: null,
              name: pic.name,
              alt: pic.alt,
              content: demoPng(pic.rgb),
            });
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
      const demo = dc.entrepreneurs[0];
      const partners = people.filter((p) => p.activityId !== demo?.activityId);
      if (demo?.activityId && partners.length >= 2)
        await withTenant(ctx.odb.db, dc.coop.id, (tx) => seedCooperation(tx, ctx, dc, demo, partners));
    }
    ctx.log(
      `place de marché : ${profiles} profils, ${offers} offres, ${reviews} avis ; par coopérative, ` +
        'des demandes de devis, une offre conjointe, deux besoins internes et un·e indépendant·e',
    );
  },
};

const actorOf = (dc: DemoCoop, p: DemoPerson): Actor => ({
  userId: p.userId as UserId,
  cooperativeId: dc.coop.id,
  roles: [p.role],
  label: p.name,
});

// Quote requests in every state, for the demo entrepreneur: two waiting (confirmed), one whose
// e-mail was never confirmed, one turned into a draft quote, one closed.
const REQUESTS: { who: string; message: string; state: 'open' | 'unverified' | 'converted' | 'closed' }[] = [
  { who: 'Jeanne Roux', message: 'Bonjour, pouvez-vous me faire un devis pour la fin du mois ?', state: 'open' },
  { who: 'Hugo Bernard', message: 'Quel serait votre tarif pour une intervention le samedi ?', state: 'open' },
  {
    who: 'Inès Lambert',
    message: 'Je cherche quelqu’un pour un travail en mars, êtes-vous disponible ?',
    state: 'unverified',
  },
  { who: 'Louis Garnier', message: 'Nous aimerions un devis détaillé pour notre association.', state: 'converted' },
  { who: 'Emma Faure', message: 'Pouvez-vous intervenir en urgence la semaine prochaine ?', state: 'closed' },
];

/** Requests, a joint offer, the internal market and an independent, in one cooperative. */
async function seedCooperation(
  tx: Tx,
  ctx: DemoContext,
  dc: DemoCoop,
  demo: DemoPerson,
  partners: DemoPerson[],
): Promise<void> {
  const me = actorOf(dc, demo);
  const trx = marketDb(tx);
  let customerId: string | null = null;
  for (const [k, r] of REQUESTS.entries()) {
    const at = Date.parse(`${ctx.today}T09:0${k}:00Z`);
    const email = `${r.who
      .split(' ')[0]
      .normalize('NFD')
      .replace(/[^a-zA-Z]/g, '')
      .toLowerCase()}.${dc.coop.slug}@client.demo`;
    await submitRequest(tx, ctx.fileKey, {
      cooperativeId: dc.coop.id,
      activityId: demo.activityId!,
      activityName: demo.name,
      fields: {
        name: r.who,
        email,
        postcode: dc.coop.postalCode,
        message: r.message,
        website: '',
        t: requestFillToken(ctx.fileKey, at - 60_000),
      },
      ip: `demo-${k}`,
      publicUrl: 'http://localhost:3000',
      now: at,
    });
    if (r.state === 'unverified') continue;
    const row = await trx
      .selectFrom('market_request')
      .select('id')
      .where('cooperative_id', '=', dc.coop.id)
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    await confirmRequest(tx, dc.coop.id, row.id);
    // The first waiting request has a thread: a question of the entrepreneur, the customer's answer
    // (waiting in the entrepreneur's inbox).
    if (k === 0) {
      await postEntrepreneurMessage(
        tx,
        me,
        ctx.fileKey,
        row.id,
        { body: 'Bonjour, pouvez-vous me préciser la surface et l’adresse du chantier ?' },
        'http://localhost:3000',
      );
      await postCustomerMessage(tx, ctx.fileKey, {
        cooperativeId: dc.coop.id,
        requestId: row.id,
        fields: {
          body: 'Environ 20 m², en centre-ville. Merci !',
          website: '',
          t: requestFillToken(ctx.fileKey, Date.now() - 60_000),
        },
        ip: 'demo-thread',
      });
    }
    if (r.state === 'converted')
      customerId = (
        await convertRequest(tx as TenantTx, me, row.id, {
          addressLine1: '3 place des Tilleuls',
          postalCode: dc.coop.postalCode,
          city: dc.coop.city,
        })
      ).customerId;
    if (r.state === 'closed') await closeRequest(tx, me, row.id);
  }
  // A draft offer, never public.
  await saveOffer(tx, me, demo.activityId!, {
    title: DEMO_DRAFT_OFFER,
    description: 'Offre en préparation, pas encore publiée.',
    category: 'formation',
    price: '350',
    published: false,
  });
  // A joint offer for the converted request's customer: the demo entrepreneur leads, a partner
  // of the cooperative takes a part.
  const [partner, buyer] = partners;
  if (customerId)
    await createJointQuote(tx, me, {
      customerId,
      title: 'Projet commun : identité et site de l’association',
      parts: [
        { activityId: demo.activityId!, description: 'Coordination et première part du travail', amount: '1200' },
        { activityId: partner.activityId!, description: 'Seconde part, réalisée par le partenaire', amount: '800' },
      ],
    });
  // Internal market: a need answered by the demo entrepreneur, accepted, invoiced internally
  // (E2 counts it), and a need still open.
  const other = actorOf(dc, buyer);
  const done = await postNeed(tx, other, buyer.activityId!, {
    title: 'Relecture et mise en page d’un dossier de subvention',
    description: 'Dossier de 20 pages à rendre dans trois semaines.',
    budget: '450',
  });
  const answer = await answerNeed(tx, me, done.id, {
    activityId: demo.activityId!,
    message: 'Je peux m’en charger la semaine prochaine.',
    amount: '420',
  });
  await acceptAnswer(tx, other, done.id, answer.id);
  await acceptWork(tx, other, done.id);
  await postNeed(tx, actorOf(dc, partner), partner.activityId!, {
    title: 'Renfort pour un salon professionnel',
    description: 'Deux jours de présence sur le stand, en avril.',
    budget: '',
  });
  // An independent outside the cooperative, charter accepted, profile and an offer published by
  // the support staff.
  const support = actorOf(dc, dc.staff.support);
  const charter = await saveCharter(tx, support, {
    body: `Charte de la place de marché de ${dc.coop.name} : je travaille avec soin, je respecte les clients et les entrepreneur·es de la coopérative, je facture au juste prix et je signale tout conflit d’intérêts.`,
  });
  const { external } = await inviteExternal(
    tx,
    support,
    { name: 'Atelier Lin & Bois', email: `atelier.${dc.coop.slug}@independant.demo` },
    { key: ctx.fileKey, publicUrl: 'http://localhost:3000' },
  );
  await acceptCharter(tx, dc.coop.id, external.id, { agreed: 'on', version: String(charter.version) });
  await saveProfile(tx, support, external.id, {
    displayName: 'Atelier Lin & Bois',
    headline: 'Menuiserie et agencement sur mesure',
    description: `Indépendant partenaire de ${dc.coop.name} : meubles, agencements et petites réparations.`,
    category: 'artisanat',
    postcode: dc.coop.postalCode,
    radiusKm: 40,
    published: true,
  });
  await saveOffer(tx, support, external.id, {
    title: 'Étagères et rangements sur mesure',
    description: 'Conception et pose d’étagères en bois massif, devis après visite.',
    category: 'artisanat',
    price: null,
    published: true,
  });
}
