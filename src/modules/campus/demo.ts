// Demo campus: questions in every demo cooperative (signature, pricing, insurance, the e-invoicing
// reform, data protection…), half shared with the whole network, answers from peers of other
// cooperatives, votes, accepted answers, comments, follows. The authors of questions whose answers
// they have not read yet find them in their inbox (`campus.answer`, a link to the answer).
import type { DemoContext, DemoPerson, DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import type { Tx } from '../../core/db/handles.ts';
import { askQuestion, answerQuestion, acceptAnswer, getQuestion, toggleVote } from './questions.service.ts';
import { addComment } from './comments.service.ts';
import { autoFollow, markSeen } from './follow.service.ts';
import { seedKnowledgeDemo } from './demo-knowledge.ts';

const actorOf = (coopId: string, p: DemoPerson): Actor => ({
  userId: p.userId as UserId,
  cooperativeId: coopId as Actor['cooperativeId'],
  roles: [p.role],
  label: p.name,
});

type Target = 'question' | number; // the question, or the index of one of its answers

const QUESTIONS: {
  title: string;
  body: string;
  tags: string[];
  network: boolean;
  answers: string[];
  accept?: number;
  comments?: [Target, string][];
  /** Extra votes from peers on the question and on each answer. */
  votes?: number;
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
    comments: [
      [0, 'Merci, et pour un contrat de plusieurs années, faut-il une signature avancée ?'],
      ['question', 'Même question pour les bons de commande.'],
    ],
    votes: 3,
  },
  {
    title: 'Facturation électronique 2026 : que dois-je préparer ?',
    body: 'La réforme arrive : faut-il changer de logiciel ?\n\n- factures clients\n- factures fournisseurs',
    tags: ['facturation', 'reforme'],
    network: true,
    answers: [
      'Radieuse produit déjà des factures Factur-X ; la coopérative choisit la plateforme agréée.',
      'Vérifiez surtout que les SIREN de vos clients sont justes : la plateforme s’en sert pour router les factures.',
    ],
    comments: [[1, 'Bon rappel, j’avais plusieurs clients sans SIREN.']],
    votes: 2,
  },
  {
    title: 'Quelle assurance RC pro pour une activité de conseil ?',
    body: 'La coopérative couvre-t-elle déjà la responsabilité civile professionnelle ?',
    tags: ['assurance'],
    network: false,
    answers: ['Le contrat groupe couvre la RC pro ; vérifiez les plafonds pour votre métier.'],
    accept: 0,
    votes: 1,
  },
  {
    title: 'Protéger les données de mes clients (RGPD)',
    body: 'Où stocker mon fichier clients ? Faut-il un registre des traitements ?',
    tags: ['rgpd', 'donnees'],
    network: true,
    answers: [],
    comments: [['question', 'Je me pose la même question pour les listes d’inscrits à mes ateliers.']],
  },
  {
    title: 'Comment fixer le prix d’une journée de formation ?',
    body: 'Entre 400 et 900 € la journée selon les sites, comment choisir ?',
    tags: ['prix', 'formation'],
    network: false,
    answers: ['Partez de votre salaire visé et du nombre de jours facturables par an.'],
    votes: 2,
  },
  {
    title: 'Augmenter mes tarifs sans perdre mes clients fidèles',
    body: 'Mes prix n’ont pas bougé depuis trois ans. Comment annoncer une **hausse de 8 %** ?',
    tags: ['prix', 'negociation'],
    network: true,
    answers: [
      'Prévenez trois mois avant, par écrit, en expliquant ce qui a changé (charges, temps passé).',
      'J’ai gardé l’ancien tarif six mois pour les clients historiques : aucun départ.',
    ],
    accept: 1,
    comments: [[0, 'Et pour les contrats en cours, on attend l’échéance ?']],
    votes: 3,
  },
  {
    title: 'Assurance décennale : obligatoire pour la rénovation intérieure ?',
    body: 'Je fais de la peinture et de la pose de parquet. Dois-je souscrire une **décennale** ?',
    tags: ['assurance', 'batiment'],
    network: true,
    answers: ['Pour la peinture seule, non ; pour la pose de parquet collé, souvent oui : demandez à la coopérative.'],
    votes: 1,
  },
  {
    title: 'Signer un contrat de sous-traitance avec une autre coopérative',
    body: 'Une entrepreneure d’une coopérative voisine me confie une mission : quel contrat signer ?',
    tags: ['signature', 'juridique'],
    network: true,
    answers: [
      'Un contrat de sous-traitance simple, signé électroniquement des deux côtés ; le modèle est dans la base de connaissances.',
    ],
    accept: 0,
  },
  {
    title: 'Factur-X ou PDF simple pour mes clients particuliers ?',
    body: 'La réforme de la facture électronique concerne-t-elle aussi les **particuliers** ?',
    tags: ['facturation', 'reforme'],
    network: false,
    answers: ['Non : entre entreprises seulement ; pour les particuliers, le PDF reste valable (e-reporting à part).'],
    votes: 1,
  },
  {
    title: 'Sauvegarder mes fichiers clients en sécurité',
    body: 'Ordinateur volé la semaine dernière… Quelle solution de sauvegarde chiffrée conseillez-vous ?',
    tags: ['donnees', 'securite'],
    network: true,
    answers: [
      'Le coffre-fort de Radieuse garde vos justificatifs ; pour le reste, un disque chiffré et une copie hors de chez vous.',
    ],
    comments: [[0, 'Pensez aussi à activer le chiffrement du disque de l’ordinateur.']],
    votes: 2,
  },
  {
    title: 'Devis refusé : faut-il relancer le client ?',
    body: 'Le client ne répond plus depuis trois semaines. Une relance, ou je laisse tomber ?',
    tags: ['devis', 'negociation'],
    network: false,
    answers: ['Une relance courte à deux semaines, une dernière à un mois, puis on passe à autre chose.'],
  },
  {
    title: 'TVA sur une prestation pour un client en Belgique',
    body: 'Facture à une entreprise belge : je facture la TVA française ou pas ?',
    tags: ['tva', 'facturation'],
    network: true,
    answers: [],
  },
];

export const campusDemoSeeder: DemoSeeder = {
  name: 'campus',
  seed: async (ctx: DemoContext) => {
    const coops = ctx.coops;
    const run = <T>(coopId: string, fn: (tx: Tx) => Promise<T>) => withTenant(ctx.odb.db, coopId, fn);
    let answers = 0;
    let comments = 0;
    for (const [i, q] of QUESTIONS.entries()) {
      const dc = coops[i % coops.length];
      const ents = dc.entrepreneurs;
      const author = ents[(2 * i) % ents.length];
      const asker = actorOf(dc.coop.id, author);
      // As on the page: the author follows the question, so later answers reach their inbox.
      const { id } = await run(dc.coop.id, async (tx) => {
        const r = await askQuestion(tx, asker, {
          title: q.title,
          body: q.body,
          tags: q.tags,
          visibility: q.network ? 'network' : 'cooperative',
        });
        await autoFollow(tx, asker, await getQuestion(tx, asker, r.id));
        return r;
      });
      const posts: { id: string; by: string }[] = [];
      for (const [j, body] of q.answers.entries()) {
        // Network questions are answered by peers of another cooperative; others by the support team.
        const other = q.network ? coops[(i + j + 1) % coops.length] : dc;
        const who = q.network ? other.entrepreneurs[(j + 2) % other.entrepreneurs.length] : dc.staff.support;
        const actor = actorOf(other.coop.id, who);
        const r = await run(other.coop.id, async (tx) => {
          const a = await answerQuestion(tx, actor, id, body);
          await autoFollow(tx, actor, await getQuestion(tx, actor, id));
          return a;
        });
        posts.push({ id: r.id, by: who.userId });
        answers++;
      }
      // Votes from peers of the question's cooperative (never on one's own post).
      const voters = ents.filter((p) => p.userId !== author.userId).slice(0, q.votes ?? 0);
      for (const v of voters)
        await run(dc.coop.id, async (tx) => {
          const actor = actorOf(dc.coop.id, v);
          await toggleVote(tx, actor, id, id);
          for (const p of posts) if (p.by !== v.userId) await toggleVote(tx, actor, id, p.id);
        });
      if (q.accept !== undefined)
        await run(dc.coop.id, async (tx) => {
          await acceptAnswer(tx, asker, id, posts[q.accept!].id);
          // Accepting means the author read the answers: they leave the author's inbox.
          await markSeen(tx, asker, await getQuestion(tx, asker, id));
        });
      for (const [k, [target, body]] of (q.comments ?? []).entries()) {
        const who = ents[(2 * i + k + 1) % ents.length];
        const actor = actorOf(dc.coop.id, who);
        await run(dc.coop.id, (tx) => addComment(tx, actor, id, target === 'question' ? id : posts[target].id, body));
        comments++;
      }
    }
    ctx.log(`campus : ${QUESTIONS.length} questions, ${answers} réponses, ${comments} commentaires`);
    await seedKnowledgeDemo(ctx); // resource persons, articles, ideas
  },
};
