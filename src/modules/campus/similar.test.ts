// Similar questions: 15 French questions, each searched with near-duplicate titles (reworded,
// without accents, with typos); the right one must be in the top 3. Prints the hit rate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { askQuestion } from './questions.service.ts';
import { similarQuestions } from './search.service.ts';

const QUESTIONS: { title: string; body: string; probes: string[] }[] = [
  {
    title: 'Comment signer électroniquement un devis avec mon client ?',
    body: 'Je cherche un outil de signature électronique valable juridiquement.',
    probes: ['signature electronique devis', 'signer un devis en ligne', 'signatrue électronique du devis'],
  },
  {
    title: 'Quelle assurance responsabilité civile professionnelle choisir ?',
    body: 'RC pro pour une activité de conseil.',
    probes: ['assurance rc pro', 'responsabilite civile professionelle', 'quelle assurance choisir pour mon activité'],
  },
  {
    title: 'Facturation électronique obligatoire en 2026 : que faut-il préparer ?',
    body: 'La réforme de la facture électronique arrive.',
    probes: ['réforme facturation electronique', 'facture électronique obligatoire', 'factruation electronique 2026'],
  },
  {
    title: 'Comment fixer le prix de mes prestations de formation ?',
    body: 'Je ne sais pas quel tarif journalier demander.',
    probes: [
      'fixer mes prix formation',
      'tarif des prestations de formation',
      'comment fixer le pris de mes prestations',
    ],
  },
  {
    title: 'Protéger les données personnelles de mes clients (RGPD)',
    body: 'Quelles obligations pour un fichier clients ?',
    probes: ['rgpd données clients', 'protection des donnees personnelles', 'proteger les donées de mes clients'],
  },
  {
    title: 'Sauvegarder mes fichiers professionnels en sécurité',
    body: 'Disque externe ou cloud ?',
    probes: ['sauvegarde des fichiers pro', 'securite de mes fichiers professionnels', 'sauvgarder mes fichiers'],
  },
  {
    title: 'Peut-on déduire les frais kilométriques de son véhicule personnel ?',
    body: 'J’utilise ma voiture pour voir mes clients.',
    probes: [
      'frais kilometriques voiture',
      'indemnités kilométriques véhicule personnel',
      'frais kilométrique vehicule',
    ],
  },
  {
    title: 'Comment relancer un client qui ne paie pas sa facture ?',
    body: 'Facture impayée depuis deux mois.',
    probes: ['relance facture impayée', 'client qui ne paye pas', 'relancer un clien qui ne paie pas'],
  },
  {
    title: 'Ouvrir une boutique en ligne pour vendre mes créations',
    body: 'Quelle plateforme de e-commerce ?',
    probes: ['vendre mes creations en ligne', 'boutique en ligne créations', 'ouvrir une boutiqe en ligne'],
  },
  {
    title: 'Répondre à un appel d’offres public en tant qu’entrepreneur salarié',
    body: 'Marchés publics et CAE.',
    probes: ['appel d offres public', 'répondre aux marchés publics', 'repondre a un appel doffre'],
  },
  {
    title: 'Quel logiciel pour tenir mon agenda et mes rendez-vous clients ?',
    body: 'Prise de rendez-vous en ligne.',
    probes: ['logiciel agenda rendez-vous', 'prise de rendez vous clients', 'logicel pour mon agenda'],
  },
  {
    title: 'TVA sur les ventes à des clients à l’étranger',
    body: 'Autoliquidation, clients européens.',
    probes: ['tva clients etrangers', 'vendre à l étranger tva', 'TVA ventes etranger'],
  },
  {
    title: 'Droit à l’image : photographier des personnes pour un reportage',
    body: 'Autorisation écrite nécessaire ?',
    probes: ['droit a l image photo', 'autorisation photographier des personnes', 'droit à limage reportage'],
  },
  {
    title: 'Comment obtenir la certification Qualiopi pour mes formations ?',
    body: 'La coopérative est-elle certifiée ?',
    probes: ['certification qualiopi', 'qualiopi pour les formations', 'obtenir la certifcation qualiopi'],
  },
  {
    title: 'Choisir un nom commercial et vérifier qu’il est disponible',
    body: 'Recherche INPI.',
    probes: ['nom commercial disponible', 'verifier la disponibilite d un nom', 'choisir un nom comercial'],
  },
];

let odb: OpenDb;
let a: TestCoop;
const ids: string[] = [];
before(async () => {
  odb = await createTestDb();
  [a] = await seedTestCooperatives(odb);
  await withTenant(odb.db, a.coop.id, async (tx) => {
    for (const q of QUESTIONS)
      ids.push(
        (
          await askQuestion(tx, a.actor('entrepreneur'), {
            title: q.title,
            body: q.body,
            tags: [],
            visibility: 'network',
          })
        ).id,
      );
  });
});
after(async () => {
  await odb.close();
});

test('near-duplicate titles find the right question in the top 3', async () => {
  let hits = 0;
  let first = 0;
  let total = 0;
  const misses: string[] = [];
  const times: number[] = [];
  await withTenant(odb.db, a.coop.id, async (tx) => {
    for (const [i, q] of QUESTIONS.entries())
      for (const probe of q.probes) {
        total++;
        const t0 = performance.now();
        const r = await similarQuestions(tx, a.actor('cape'), probe, { limit: 3, minScore: 0 });
        times.push(performance.now() - t0);
        const rank = r.findIndex((x) => x.id === ids[i]);
        if (rank >= 0) hits++;
        else misses.push(`${probe} → ${r.map((x) => x.title).join(' | ')}`);
        if (rank === 0) first++;
      }
  });
  times.sort((x, y) => x - y);
  console.log(
    `# campus similar: top-3 hit rate ${hits}/${total} (${((100 * hits) / total).toFixed(1)} %), first ${first}/${total}`,
  );
  console.log(
    `# campus similar: p95 ${times[Math.floor(times.length * 0.95)].toFixed(1)} ms on ${QUESTIONS.length} questions`,
  );
  for (const m of misses) console.log(`# miss: ${m}`);
  assert.ok(hits / total >= 0.9, `hit rate ${hits}/${total}`);
});

test('a title of stop words only still ranks (no null score first)', async () => {
  const r = await withTenant(odb.db, a.coop.id, (tx) =>
    similarQuestions(tx, a.actor('cape'), 'le la les de', { minScore: 0 }),
  );
  assert.ok(r.every((x) => Number.isFinite(x.score)));
});
