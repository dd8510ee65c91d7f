// Demo campus knowledge: resource persons with expertise tags and endorsements from peers of
// other cooperatives in every demo cooperative (some designated, one for the whole network, one
// offering a slot), articles written in the cooperatives (two promoted to the network this week,
// one published locally, one in review, one drafted from an accepted answer) and ideas in every
// status, with votes and comments.
import type { DemoContext, DemoCoop, DemoPerson } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { findUserByEmail } from '../../core/auth/users.ts';
import { designateResourcePerson, offerResourceSlot, setExpertise, toggleEndorsement } from './experts.service.ts';
import { articleFromAnswer, createArticle, promoteArticle, reviewArticle, submitArticle } from './articles.service.ts';
import { commentIdea, proposeIdea, setIdeaStatus, toggleIdeaVote } from './ideas.service.ts';
import { searchQuestions } from './search.service.ts';

const actorOf = (coopId: string, p: Pick<DemoPerson, 'userId' | 'role' | 'name'>): Actor => ({
  userId: p.userId as UserId,
  cooperativeId: coopId as Actor['cooperativeId'],
  roles: [p.role],
  label: p.name,
});

const TAGS = [
  ['signature-electronique', 'devis', 'juridique'],
  ['facturation', 'reforme-2026', 'tva'],
  ['assurance', 'rc-pro'],
  ['prix', 'formation', 'negociation'],
  ['rgpd', 'donnees', 'securite'],
  ['communication', 'reseaux-sociaux'],
];

const ARTICLES = [
  {
    kind: 'howto' as const,
    title: 'Faire signer un devis à distance, pas à pas',
    body: '## En bref\n\n1. Envoyez le devis en PDF depuis Radieuse.\n2. Le client signe avec le lien reçu par e-mail.\n3. Le devis signé revient dans la fiche client.\n\nUne **signature simple** suffit pour un devis ; gardez la preuve d’envoi.',
    tags: ['signature-electronique', 'devis'],
    promote: true,
  },
  {
    kind: 'legal' as const,
    title: 'Facturation électronique : ce qui change en 2026',
    body: 'À partir de septembre 2026, toutes les entreprises doivent **recevoir** des factures électroniques ; l’émission suit en 2027 pour les petites entreprises.\n\n- La coopérative choisit la plateforme agréée.\n- Radieuse produit déjà des factures Factur-X.',
    tags: ['facturation', 'reforme-2026'],
    promote: true,
  },
  {
    kind: 'template' as const,
    title: 'Modèle de conditions générales de prestation',
    body: '**Article 1 — Objet**\n\nLes présentes conditions régissent…\n\n**Article 2 — Prix et paiement**\n\nPaiement à 30 jours, pénalités de retard au taux légal, indemnité forfaitaire de 40 €.',
    tags: ['juridique', 'devis'],
    promote: false,
  },
];

const IDEAS = [
  { title: 'Un atelier mensuel « facturation sans stress »', status: 'done' as const },
  { title: 'Un annuaire des compétences entre coopératives', status: 'adopted' as const },
  { title: 'Des binômes de nouveaux et d’anciens entrepreneurs', status: 'adopted' as const },
  { title: 'Une mutuelle de groupe négociée par le réseau', status: 'studied' as const },
  { title: 'Un espace de coworking partagé le vendredi', status: 'new' as const },
  { title: 'Un modèle de devis commun à tout le réseau', status: 'new' as const },
];

export async function seedKnowledgeDemo(ctx: DemoContext): Promise<void> {
  const coops = ctx.coops;
  const inCoop = <T>(dc: DemoCoop, fn: (tx: Tx) => Promise<T>) => withTenant(ctx.odb.db, dc.coop.id, fn);
  const netAdminUser = await findUserByEmail(ctx.odb.db, `network_admin@${coops[0].coop.slug}.demo`);
  const netAdmin = (dc: DemoCoop): Actor | null =>
    netAdminUser
      ? actorOf(dc.coop.id, { userId: netAdminUser.id, role: 'network_admin', name: netAdminUser.display_name })
      : null;

  // Resource persons: three entrepreneurs per cooperative declare tags; peers endorse them.
  let people = 0;
  for (const [ci, dc] of coops.entries()) {
    const experts = dc.entrepreneurs.slice(0, 3);
    for (const [i, p] of experts.entries()) {
      await inCoop(dc, (tx) => setExpertise(tx, actorOf(dc.coop.id, p), TAGS[(ci * 2 + i) % TAGS.length]));
      people++;
    }
    await inCoop(dc, (tx) =>
      designateResourcePerson(tx, actorOf(dc.coop.id, dc.staff.support), experts[0].userId, 'cooperative'),
    );
    for (const [i, p] of experts.entries()) {
      const tags = TAGS[(ci * 2 + i) % TAGS.length];
      for (const [k, peerCoop] of coops.entries()) {
        const peer = peerCoop.entrepreneurs[(i + k + 4) % peerCoop.entrepreneurs.length];
        if (peer.userId === p.userId) continue;
        await inCoop(peerCoop, (tx) =>
          toggleEndorsement(tx, actorOf(peerCoop.coop.id, peer), dc.coop.id, p.userId, tags[k % tags.length]),
        );
      }
      await inCoop(dc, (tx) =>
        toggleEndorsement(tx, actorOf(dc.coop.id, dc.staff.support), dc.coop.id, p.userId, tags[0]),
      );
    }
  }
  const first = coops[0];
  const admin0 = netAdmin(first);
  const star = first.entrepreneurs[0];
  if (admin0)
    await withTenant(ctx.odb.db, first.coop.id, (tx) => designateResourcePerson(tx, admin0, star.userId, 'network'));
  await inCoop(first, (tx) =>
    offerResourceSlot(tx, actorOf(first.coop.id, star), {
      date: addDays(todayParis(), 6),
      start: '12:30',
      end: '13:15',
      videoUrl: 'https://visio.example.org/signature',
    }),
  );

  // Knowledge base.
  for (const [i, art] of ARTICLES.entries()) {
    const dc = coops[i % coops.length];
    const author = actorOf(dc.coop.id, dc.entrepreneurs[(i + 1) % dc.entrepreneurs.length]);
    const { id } = await inCoop(dc, (tx) => createArticle(tx, author, art));
    await inCoop(dc, (tx) => submitArticle(tx, author, id));
    await inCoop(dc, (tx) => reviewArticle(tx, actorOf(dc.coop.id, dc.staff.support), id, 'publish'));
    const admin = netAdmin(dc);
    if (art.promote && admin) await inCoop(dc, (tx) => promoteArticle(tx, admin, id));
  }
  const reviewer = coops[1 % coops.length];
  const inReview = await inCoop(reviewer, (tx) =>
    createArticle(tx, actorOf(reviewer.coop.id, reviewer.entrepreneurs[0]), {
      kind: 'howto',
      title: 'Préparer son premier rendez-vous bancaire',
      body: 'Apportez votre prévisionnel et votre dernier compte d’activité.',
      tags: ['banque'],
    }),
  );
  await inCoop(reviewer, (tx) => submitArticle(tx, actorOf(reviewer.coop.id, reviewer.entrepreneurs[0]), inReview.id));
  const answered = await inCoop(first, (tx) =>
    searchQuestions(tx, actorOf(first.coop.id, first.staff.support), { page: 1, status: 'answered' }),
  );
  if (answered.rows[0])
    await inCoop(first, (tx) =>
      articleFromAnswer(tx, actorOf(first.coop.id, first.staff.support), answered.rows[0].id),
    );

  // Ideas, shared with the network, in every status.
  for (const [i, idea] of IDEAS.entries()) {
    const dc = coops[i % coops.length];
    const author = dc.entrepreneurs[(i + 2) % dc.entrepreneurs.length];
    const { id } = await inCoop(dc, (tx) =>
      proposeIdea(tx, actorOf(dc.coop.id, author), {
        title: idea.title,
        body: 'Proposée lors de la dernière réunion des entrepreneur·es ; qu’en pensez-vous ?',
        visibility: 'network',
      }),
    );
    for (const [k, vc] of coops.entries())
      for (const voter of vc.entrepreneurs.slice(k, k + 1 + ((i + k) % 3)))
        if (voter.userId !== author.userId)
          await inCoop(vc, (tx) => toggleIdeaVote(tx, actorOf(vc.coop.id, voter), id));
    const commenter = coops[(i + 1) % coops.length];
    await inCoop(commenter, (tx) =>
      commentIdea(
        tx,
        actorOf(commenter.coop.id, commenter.staff.support),
        id,
        'Nous avons essayé quelque chose de proche : volontiers pour en parler.',
      ),
    );
    if (idea.status !== 'new')
      await inCoop(dc, (tx) => setIdeaStatus(tx, actorOf(dc.coop.id, dc.staff.director), id, idea.status));
  }
  ctx.log(`campus : ${people} personnes ressources, ${ARTICLES.length + 2} articles, ${IDEAS.length} idées`);
}
