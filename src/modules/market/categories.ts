// Skill categories of the marketplace (slug in addresses and data, French label on pages).
export const CATEGORIES = {
  batiment: 'Bâtiment et rénovation',
  numerique: 'Numérique et web',
  communication: 'Communication et graphisme',
  formation: 'Formation et accompagnement',
  conseil: 'Conseil et gestion',
  'bien-etre': 'Bien-être et santé',
  artisanat: 'Artisanat et création',
  alimentation: 'Alimentation et traiteur',
  environnement: 'Environnement et jardin',
  'services-personne': 'Services à la personne',
} as const;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_SLUGS = Object.keys(CATEGORIES) as Category[];
export const isCategory = (s: string): s is Category => s in CATEGORIES;

/** The label of an independent outside the cooperative, on their public pages. */
export const EXTERNAL_LABEL = 'Indépendant·e partenaire';
