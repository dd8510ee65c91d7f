// A fixed set of French offers (three activities' worth) and the queries people type for them:
// the demo network publishes these, and the relevance test measures the top-3 hit rate on them.
import type { Category } from './categories.ts';

export interface SampleOffer {
  group: 0 | 1 | 2;
  title: string;
  description: string;
  category: Category;
  priceCents: number | null;
}

export const SAMPLE_PROFILES: { headline: string; category: Category; description: string }[] = [
  {
    headline: 'Artisan du bâtiment et de la création',
    category: 'batiment',
    description: 'Travaux, rénovation et pièces faites main.',
  },
  {
    headline: 'Numérique, communication et formation',
    category: 'numerique',
    description: 'Sites, visuels, formations en entreprise.',
  },
  {
    headline: 'Bien-être, jardin et services',
    category: 'bien-etre',
    description: 'Prendre soin des personnes et des lieux.',
  },
];

export const SAMPLE_OFFERS: SampleOffer[] = [
  {
    group: 0,
    title: 'Plomberie et dépannage de fuites',
    description: 'Intervention rapide sur fuites, robinetterie, chauffe-eau.',
    category: 'batiment',
    priceCents: 9000,
  },
  {
    group: 0,
    title: 'Rénovation de salle de bain',
    description: 'Dépose, plomberie, carrelage et faïence, clés en main.',
    category: 'batiment',
    priceCents: null,
  },
  {
    group: 0,
    title: 'Installation électrique et mise aux normes',
    description: 'Tableau électrique, prises, diagnostic, norme NF C 15-100.',
    category: 'batiment',
    priceCents: 15000,
  },
  {
    group: 0,
    title: 'Peinture intérieure et décoration',
    description: 'Murs, plafonds, boiseries ; conseils couleurs.',
    category: 'batiment',
    priceCents: 2500,
  },
  {
    group: 0,
    title: 'Menuiserie sur mesure',
    description: 'Placards, étagères, escaliers en bois massif.',
    category: 'artisanat',
    priceCents: null,
  },
  {
    group: 0,
    title: 'Pose de parquet',
    description: 'Parquet massif ou flottant, ponçage et vitrification.',
    category: 'batiment',
    priceCents: 4000,
  },
  {
    group: 0,
    title: 'Création de bijoux en argent',
    description: 'Bagues, colliers, pièces uniques faites main.',
    category: 'artisanat',
    priceCents: 8000,
  },
  {
    group: 0,
    title: 'Traiteur pour mariages et événements',
    description: 'Buffets, cocktails, produits locaux et de saison.',
    category: 'alimentation',
    priceCents: null,
  },
  {
    group: 1,
    title: 'Création de site internet vitrine',
    description: 'Site WordPress responsive, référencement naturel, hébergement.',
    category: 'numerique',
    priceCents: 150000,
  },
  {
    group: 1,
    title: 'Boutique en ligne e-commerce',
    description: 'Site marchand, paiement sécurisé, gestion des stocks.',
    category: 'numerique',
    priceCents: 300000,
  },
  {
    group: 1,
    title: 'Formation bureautique Excel',
    description: 'Tableaux croisés dynamiques, formules, macros ; en entreprise.',
    category: 'formation',
    priceCents: 45000,
  },
  {
    group: 1,
    title: 'Formation à la prise de parole en public',
    description: 'Gérer le trac, structurer son discours.',
    category: 'formation',
    priceCents: 60000,
  },
  {
    group: 1,
    title: 'Identité visuelle et logo',
    description: 'Création de logo, charte graphique, cartes de visite.',
    category: 'communication',
    priceCents: 80000,
  },
  {
    group: 1,
    title: 'Community management réseaux sociaux',
    description: 'Animation Instagram, Facebook, LinkedIn ; calendrier éditorial.',
    category: 'communication',
    priceCents: 50000,
  },
  {
    group: 1,
    title: 'Traduction anglais français',
    description: 'Traduction technique et juridique, relecture.',
    category: 'conseil',
    priceCents: null,
  },
  {
    group: 1,
    title: 'Comptabilité et tenue de livres pour TPE',
    description: 'Saisie, déclarations de TVA, bilan.',
    category: 'conseil',
    priceCents: 20000,
  },
  {
    group: 2,
    title: 'Massage bien-être et relaxation',
    description: 'Massage californien, réflexologie plantaire.',
    category: 'bien-etre',
    priceCents: 6000,
  },
  {
    group: 2,
    title: 'Cours de yoga à domicile',
    description: 'Hatha yoga, méditation, tous niveaux.',
    category: 'bien-etre',
    priceCents: 4000,
  },
  {
    group: 2,
    title: 'Entretien de jardin et taille de haies',
    description: 'Tonte, taille, débroussaillage, évacuation des déchets verts.',
    category: 'environnement',
    priceCents: 3500,
  },
  {
    group: 2,
    title: "Garde d'enfants et aide aux devoirs",
    description: "Sortie d'école, accompagnement scolaire.",
    category: 'services-personne',
    priceCents: 2000,
  },
  {
    group: 2,
    title: 'Diagnostic énergétique du logement',
    description: 'Audit thermique, isolation, aides à la rénovation.',
    category: 'environnement',
    priceCents: 35000,
  },
  {
    group: 2,
    title: 'Photographe de mariage',
    description: 'Reportage photo, album, retouches.',
    category: 'communication',
    priceCents: 120000,
  },
  {
    group: 2,
    title: 'Cours de cuisine végétarienne',
    description: 'Ateliers cuisine, recettes de saison.',
    category: 'alimentation',
    priceCents: 5500,
  },
  {
    group: 2,
    title: 'Formation premiers secours',
    description: 'Gestes qui sauvent, PSC1.',
    category: 'formation',
    priceCents: 7000,
  },
];

/** What people type (typos, missing accents, other word forms) and the offer they look for. */
export const SAMPLE_QUERIES: { query: string; expect: string }[] = [
  { query: 'plombier fuite', expect: 'Plomberie et dépannage de fuites' },
  { query: 'salle de bains', expect: 'Rénovation de salle de bain' },
  { query: 'electricien mise aux normes', expect: 'Installation électrique et mise aux normes' },
  { query: 'peintre interieur', expect: 'Peinture intérieure et décoration' },
  { query: 'menuisier', expect: 'Menuiserie sur mesure' },
  { query: 'parquet flottant', expect: 'Pose de parquet' },
  { query: 'bijoux argent', expect: 'Création de bijoux en argent' },
  { query: 'traiteur mariage', expect: 'Traiteur pour mariages et événements' },
  { query: 'site web wordpress', expect: 'Création de site internet vitrine' },
  { query: 'boutique en ligne', expect: 'Boutique en ligne e-commerce' },
  { query: 'formation exel', expect: 'Formation bureautique Excel' },
  { query: 'prise de parole', expect: 'Formation à la prise de parole en public' },
  { query: 'logo charte graphique', expect: 'Identité visuelle et logo' },
  { query: 'reseaux sociaux instagram', expect: 'Community management réseaux sociaux' },
  { query: 'traducteur anglais', expect: 'Traduction anglais français' },
  { query: 'comptable TVA', expect: 'Comptabilité et tenue de livres pour TPE' },
  { query: 'massage relaxant', expect: 'Massage bien-être et relaxation' },
  { query: 'yoga', expect: 'Cours de yoga à domicile' },
  { query: 'jardinier taille haie', expect: 'Entretien de jardin et taille de haies' },
  { query: 'garde enfant', expect: "Garde d'enfants et aide aux devoirs" },
  { query: 'isolation thermique', expect: 'Diagnostic énergétique du logement' },
  { query: 'photographe', expect: 'Photographe de mariage' },
  { query: 'cuisine vegetarienne', expect: 'Cours de cuisine végétarienne' },
  { query: 'secourisme premiers secours', expect: 'Formation premiers secours' },
  { query: 'masage', expect: 'Massage bien-être et relaxation' },
];
