// Demo learning: three network courses written by Soleil Coop's direction — "Facturer dans une
// CAE" and "Comprendre son compte d'activité" open to the network, "Se protéger en ligne" a public
// MOOC — each with lessons and a quiz, and learners of every cooperative at every stage: not
// started, a few lessons read, quiz failed, completed with a certificate (one revoked).
import type { DemoContext, DemoPerson, DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import {
  addLesson,
  addQuestion,
  addQuiz,
  addSection,
  createCourse,
  setPublished,
  type QuestionInput,
} from './courses.service.ts';
import { enrol, getAttempt, startAttempt, submitAttempt, viewLesson } from './progress.service.ts';
import { listCertificates, revokeCertificate } from './certificates.service.ts';

const actorOf = (coopId: string, p: DemoPerson): Actor => ({
  userId: p.userId as UserId,
  cooperativeId: coopId as Actor['cooperativeId'],
  roles: [p.role],
  label: p.name,
});

interface DemoCourse {
  title: string;
  summary: string;
  minutes: number;
  /** Who pays for it (the bilan pédagogique et financier counts hours per funding source). */
  fundingSource: string;
  visibility: 'network' | 'public';
  sections: { title: string; lessons: { title: string; body: string; video?: string }[] }[];
  quiz: { title: string; pass: number; attempts: number | null; draw: number | null; questions: QuestionInput[] };
}

export const DEMO_COURSES: DemoCourse[] = [
  {
    title: 'Facturer dans une CAE',
    summary:
      'De la proposition commerciale au paiement : devis, factures, mentions obligatoires et relances, **au nom de la coopérative**.',
    minutes: 150,
    fundingSource: 'OPCO Atlas',
    visibility: 'network',
    sections: [
      {
        title: 'Avant de facturer',
        lessons: [
          {
            title: 'Qui facture ?',
            body: 'Dans une CAE, c’est **la coopérative** qui facture vos clients, avec son numéro SIREN et son numéro de TVA. Votre activité apparaît dans l’en-tête et le code analytique.\n\n- Vos clients paient la coopérative ;\n- le chiffre d’affaires alimente **votre compte d’activité**.',
          },
          {
            title: 'Le devis',
            body: 'Un devis signé engage les deux parties. Indiquez la durée de validité, les conditions de paiement et, pour les particuliers, le droit de rétractation le cas échéant.',
            video: 'https://peertube.example.org/w/facturer-devis',
          },
        ],
      },
      {
        title: 'La facture',
        lessons: [
          {
            title: 'Les mentions obligatoires',
            body: 'Numéro unique et chronologique, date, identité du client, désignation, prix unitaire HT, taux et montant de TVA, total TTC, date d’échéance, pénalités de retard et **indemnité forfaitaire de 40 €** pour les professionnels.',
          },
          {
            title: 'Relancer sans se fâcher',
            body: 'Une relance aimable à J+7, une seconde à J+20, puis la mise en demeure. Radieuse prépare les relances depuis la page **Relances**.',
          },
        ],
      },
    ],
    quiz: {
      title: 'Vérifier ses acquis : facturer',
      pass: 70,
      attempts: 3,
      draw: null,
      questions: [
        {
          kind: 'single',
          prompt: 'Qui émet la facture au client ?',
          choices:
            '*La coopérative | Oui : la CAE facture, votre activité est identifiée.\nL’entrepreneur·e en son nom propre | Non : vous n’avez pas de SIREN à vous dans la CAE.\nLe comptable | Non.',
        },
        {
          kind: 'multiple',
          prompt: 'Quelles mentions sont obligatoires sur une facture à un professionnel ?',
          choices:
            '*Le numéro de facture\n*L’indemnité forfaitaire de recouvrement de 40 €\nLe numéro de téléphone de l’entrepreneur·e | Utile, mais pas obligatoire.\n*La date d’échéance',
        },
        {
          kind: 'true_false',
          prompt: 'Une facture peut être numérotée librement, sans suite chronologique.',
          truth: 'false',
          feedback: 'La numérotation est unique et continue.',
        },
        {
          kind: 'numeric',
          prompt: 'Une prestation de 1 000 € HT avec 20 % de TVA : montant TTC (en euros) ?',
          numericValue: '1200',
          feedback: '1 000 × 1,20 = 1 200 €.',
        },
      ],
    },
  },
  {
    title: 'Comprendre son compte d’activité',
    summary:
      'Lire son compte d’activité comme un tableau de bord : recettes, charges, contribution coopérative, salaire et trésorerie disponible.',
    minutes: 90,
    fundingSource: 'Fonds propres du réseau',
    visibility: 'network',
    sections: [
      {
        title: 'Lire son compte',
        lessons: [
          {
            title: 'Recettes et charges',
            body: 'Les **recettes** sont les factures encaissées ; les **charges** vos achats et notes de frais. La différence finance votre salaire.',
          },
          {
            title: 'La contribution coopérative',
            body: 'Un pourcentage du chiffre d’affaires finance l’accompagnement, la comptabilité et l’assurance. Son mode de calcul dépend de votre coopérative.',
          },
          {
            title: 'Du solde au salaire',
            body: 'Le salaire brut chargé est prélevé sur le solde. Gardez une réserve pour les mois creux.',
          },
        ],
      },
    ],
    quiz: {
      title: 'Quiz : le compte d’activité',
      pass: 60,
      attempts: 2,
      draw: 3,
      questions: [
        {
          kind: 'true_false',
          prompt: 'Une facture émise mais non encaissée augmente déjà la trésorerie disponible.',
          truth: 'false',
        },
        {
          kind: 'single',
          prompt: 'Que finance la contribution coopérative ?',
          choices: '*Les services mutualisés (accompagnement, comptabilité…)\nVotre salaire\nLa TVA',
        },
        {
          kind: 'short',
          prompt: 'Comment s’appelle le document qui retrace recettes et charges de votre activité ?',
          accepted: "compte d’activité\ncompte d'activité\ncompte activité",
        },
        {
          kind: 'numeric',
          prompt: 'Recettes 5 000 €, charges 1 200 €, contribution 10 % des recettes : solde en euros ?',
          numericValue: '3300',
          feedback: '5 000 − 1 200 − 500 = 3 300 €.',
        },
      ],
    },
  },
  {
    title: 'Se protéger en ligne : mots de passe, double authentification, sauvegardes',
    summary: 'Un MOOC ouvert à tous : trois gestes simples pour protéger son activité des pertes et des piratages.',
    minutes: 60,
    fundingSource: 'Région (Pass numérique)',
    visibility: 'public',
    sections: [
      {
        title: 'Les trois gestes',
        lessons: [
          {
            title: 'Des mots de passe longs et uniques',
            body: 'Une phrase de passe longue vaut mieux qu’un mot court compliqué. **Un mot de passe par service**, rangés dans un gestionnaire.',
          },
          {
            title: 'La double authentification',
            body: 'Un second facteur (application, clé de sécurité) bloque la plupart des piratages de comptes. Activez-la d’abord sur votre messagerie.',
          },
          {
            title: 'Les sauvegardes 3-2-1',
            body: '3 copies, sur 2 supports différents, dont 1 hors de chez vous. Testez la restauration une fois par an.',
          },
        ],
      },
    ],
    quiz: {
      title: 'Quiz : sécurité numérique',
      pass: 75,
      attempts: null,
      draw: null,
      questions: [
        {
          kind: 'single',
          prompt: 'Quel mot de passe est le plus solide ?',
          choices:
            '*cheval-agrafe-batterie-correcte | Long et facile à retenir.\nP@ssw0rd! | Court et dans tous les dictionnaires d’attaque.\nSoleil2026',
        },
        {
          kind: 'true_false',
          prompt: 'La double authentification protège même si le mot de passe a fuité.',
          truth: 'true',
        },
        { kind: 'numeric', prompt: 'Dans la règle 3-2-1, combien de copies hors site ?', numericValue: '1' },
        {
          kind: 'multiple',
          prompt: 'Quels sont de bons seconds facteurs ?',
          choices:
            '*Une application d’authentification\n*Une clé de sécurité\nLa date de naissance | Ce n’est pas un facteur : elle se devine.',
        },
      ],
    },
  },
];

/** Right answers for a question (the demo's good learners), wrong ones for the others. */
function answerFor(
  q: { kind: string; choices: { correct: boolean }[]; accepted: string[]; numericValue: number | null },
  good: boolean,
): string[] {
  if (q.kind === 'short') return [good ? q.accepted[0] : 'je ne sais pas'];
  if (q.kind === 'numeric') return [String(good ? q.numericValue : (q.numericValue ?? 0) + 7)];
  const right = q.choices.flatMap((c, i) => (c.correct ? [String(i)] : []));
  const wrong = q.choices.flatMap((c, i) => (c.correct ? [] : [String(i)]));
  return good ? right : wrong.slice(0, 1);
}

export const learningDemoSeeder: DemoSeeder = {
  name: 'learning',
  seed: async (ctx: DemoContext) => {
    const owner = ctx.coops[0];
    const author = actorOf(owner.coop.id, owner.staff.director);
    const courses: { id: string; lessons: string[]; quiz: string }[] = [];
    for (const dc of DEMO_COURSES)
      courses.push(
        await withTenant(ctx.odb.db, owner.coop.id, async (tx) => {
          const id = await createCourse(tx, author, {
            title: dc.title,
            summary: dc.summary,
            durationMinutes: dc.minutes,
            fundingSource: dc.fundingSource,
            visibility: dc.visibility,
          });
          const lessons: string[] = [];
          for (const s of dc.sections) {
            const sid = await addSection(tx, author, id, { title: s.title });
            for (const l of s.lessons)
              lessons.push(
                await addLesson(tx, author, id, { sectionId: sid, title: l.title, body: l.body, videoUrl: l.video }),
              );
          }
          const quiz = await addQuiz(tx, author, id, {
            title: dc.quiz.title,
            passPercent: dc.quiz.pass,
            maxAttempts: dc.quiz.attempts ?? '',
            drawCount: dc.quiz.draw ?? '',
          });
          for (const q of dc.quiz.questions) await addQuestion(tx, author, id, quiz, q);
          await setPublished(tx, author, id, true);
          return { id, lessons, quiz };
        }),
      );
    // Learners at every stage, in every cooperative: 0 not enrolled, 1 enrolled, 2 two lessons read,
    // 3 every lesson read and the quiz failed, 4 and 5 completed (certificate).
    let completed = 0;
    for (const dc of ctx.coops)
      for (const [ci, course] of courses.entries()) {
        const people = [...dc.entrepreneurs.slice(ci * 6, ci * 6 + 6), ...dc.capes.slice(0, 1)];
        for (const [i, p] of people.entries()) {
          const stage = i % 6;
          if (stage === 0) continue;
          const me = actorOf(dc.coop.id, p);
          await withTenant(ctx.odb.db, dc.coop.id, async (tx) => {
            await enrol(tx, me, course.id);
            const read = stage === 1 ? 0 : stage === 2 ? 2 : course.lessons.length;
            for (const l of course.lessons.slice(0, read)) await viewLesson(tx, me, course.id, l);
            if (stage < 3) return;
            const att = await startAttempt(tx, me, course.id, course.quiz, { seed: ctx.rng.int(1, 1_000_000) });
            const a = await getAttempt(tx, me, course.id, att);
            const answers = Object.fromEntries(a.questions.map((q) => [q.id, answerFor(q, stage >= 4)]));
            const s = await submitAttempt(tx, me, course.id, att, answers);
            if (s.passed) completed++;
          });
        }
      }
    // One certificate revoked, to show it on the verification page.
    await withTenant(ctx.odb.db, owner.coop.id, async (tx) => {
      const dir = actorOf(owner.coop.id, owner.staff.director);
      const [first] = await listCertificates(tx, dir);
      if (first) await revokeCertificate(tx, dir, first.id, 'Quiz passé par une autre personne (démonstration)');
    });
    ctx.log(`formations : ${courses.length} formations, ${completed} attestations`);
  },
};
