// Demo campus: questions in every demo cooperative, some shared with the whole network, answers
// from peers of other cooperatives, votes, an accepted answer, tags.
import type { DemoContext, DemoPerson, DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import { askQuestion, answerQuestion, acceptAnswer, toggleVote } from './questions.service.ts';
import { seedKnowledgeDemo } from './demo-knowledge.ts';

const actorOf = (coopId: string, p: DemoPerson): Actor => ({
  userId: p.userId as UserId,
  cooperativeId: coopId as Actor['cooperativeId'],
  roles: [p.role],
  label: p.name,
});

const QUESTIONS: {
  title: string;
  body: string;
  tags: string[];
  network: boolean;
  answers: string[];
  accept?: number;
}[] = [
  {
    title: 'Comment faire signer électroniquement un devis ?',
    body: 'Mon client est à distance. Quel outil de **signature électronique** utilisez-vous, et est-ce valable juridiquement ?',
    tags: ['signature', 'devis'],
    network: true,
    answers: [
      'Un prestataire qualifié **eIDAS** suffit ; la signature simple est valable pour un devis.',
      'Nous utilisons l’outil proposé par la coopérative, demandez à votre chargé·e d’accompagnement.',
    ],
    accept: 0,
  },
  {
    title: 'Facturation électronique 2026 : que dois-je préparer ?',
    body: 'La réforme arrive : faut-il changer de logiciel ?\n\n- factures clients\n- factures fournisseurs',
    tags: ['facturation', 'reforme'],
    network: true,
    answers: ['Radieuse produit déjà des factures Factur-X ; la coopérative choisit la plateforme agréée.'],
  },
  {
    title: 'Quelle assurance RC pro pour une activité de conseil ?',
    body: 'La coopérative couvre-t-elle déjà la responsabilité civile professionnelle ?',
    tags: ['assurance'],
    network: false,
    answers: ['Le contrat groupe couvre la RC pro ; vérifiez les plafonds pour votre métier.'],
    accept: 0,
  },
  {
    title: 'Protéger les données de mes clients (RGPD)',
    body: 'Où stocker mon fichier clients ? Faut-il un registre des traitements ?',
    tags: ['rgpd', 'donnees'],
    network: true,
    answers: [],
  },
  {
    title: 'Comment fixer le prix d’une journée de formation ?',
    body: 'Entre 400 et 900 € la journée selon les sites, comment choisir ?',
    tags: ['prix', 'formation'],
    network: false,
    answers: ['Partez de votre salaire visé et du nombre de jours facturables par an.'],
  },
];

export const campusDemoSeeder: DemoSeeder = {
  name: 'campus',
  seed: async (ctx: DemoContext) => {
    const coops = ctx.coops;
    for (const [i, q] of QUESTIONS.entries()) {
      const dc = coops[i % coops.length];
      const author = dc.entrepreneurs[i % dc.entrepreneurs.length];
      const asker = actorOf(dc.coop.id, author);
      const { id } = await withTenant(ctx.odb.db, dc.coop.id, (tx) =>
        askQuestion(tx, asker, {
          title: q.title,
          body: q.body,
          tags: q.tags,
          visibility: q.network ? 'network' : 'cooperative',
        }),
      );
      const answerIds: string[] = [];
      for (const [j, body] of q.answers.entries()) {
        // Network questions are answered by peers of another cooperative; others by the support team.
        const other = q.network ? coops[(i + j + 1) % coops.length] : dc;
        const who = q.network ? other.entrepreneurs[(j + 2) % other.entrepreneurs.length] : dc.staff.support;
        const r = await withTenant(ctx.odb.db, other.coop.id, (tx) =>
          answerQuestion(tx, actorOf(other.coop.id, who), id, body),
        );
        answerIds.push(r.id);
        const voter = dc.entrepreneurs[(i + j + 3) % dc.entrepreneurs.length];
        if (voter.userId !== author.userId)
          await withTenant(ctx.odb.db, dc.coop.id, (tx) => toggleVote(tx, actorOf(dc.coop.id, voter), id, r.id));
      }
      if (q.accept !== undefined)
        await withTenant(ctx.odb.db, dc.coop.id, (tx) => acceptAnswer(tx, asker, id, answerIds[q.accept!]));
    }
    ctx.log(`campus : ${QUESTIONS.length} questions`);
    await seedKnowledgeDemo(ctx); // resource persons, articles, ideas
  },
};
