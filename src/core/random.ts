// A seeded generator so the demo network is the same every time (tests and screenshots rely on it).
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    // mulberry32
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}
export const FIRST_NAMES_F = [
  'Camille',
  'Léa',
  'Manon',
  'Chloé',
  'Inès',
  'Sarah',
  'Julie',
  'Emma',
  'Louise',
  'Alice',
  'Nadia',
  'Fatou',
  'Claire',
  'Sophie',
  'Amina',
  'Élodie',
  'Aurélie',
  'Marion',
  'Hélène',
  'Yasmine',
];
export const FIRST_NAMES_M = [
  'Thomas',
  'Lucas',
  'Hugo',
  'Karim',
  'Nicolas',
  'Julien',
  'Mathieu',
  'Antoine',
  'Yanis',
  'Pierre',
  'Mehdi',
  'Olivier',
  'Romain',
  'Bastien',
  'Samuel',
  'Omar',
  'Vincent',
  'Loïc',
  'Adrien',
  'Baptiste',
];
export const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèbvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
  'Diallo',
  'Nguyen',
  'Benali',
  'Traoré',
  'Rousseau',
  'Blanc',
  'Guérin',
];
export const TRADES = [
  ['Graphisme et identité visuelle', 'GRAPH'],
  ['Menuiserie et agencement', 'MENU'],
  ['Traduction anglais-français', 'TRAD'],
  ['Formation bureautique', 'FORM'],
  ['Développement web', 'WEB'],
  ['Photographie', 'PHOTO'],
  ['Couture et retouches', 'COUT'],
  ['Conseil en communication', 'COMM'],
  ['Paysagisme', 'PAYS'],
  ['Rénovation énergétique', 'RENO'],
  ['Coaching professionnel', 'COACH'],
  ['Cuisine à domicile', 'CUIS'],
  ['Illustration jeunesse', 'ILLU'],
  ['Plomberie', 'PLOMB'],
  ['Comptabilité associative', 'COMPT'],
  ['Rédaction web', 'REDAC'],
  ['Électricité', 'ELEC'],
  ['Sophrologie', 'SOPH'],
  ['Vidéo et montage', 'VIDEO'],
  ['Jardinage', 'JARD'],
] as const;
export function slugify(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}
