import type { NavItem } from '../../web/nav.ts';
export const journeysNav: NavItem[] = [
  { href: '/accompagnement', label: 'Accompagnement', roles: ['support', 'director', 'network_admin'], order: 20 },
  { href: '/mon-parcours', label: 'Mon parcours', roles: ['entrepreneur', 'cape'], order: 20 },
  {
    href: '/rendez-vous',
    label: 'Rendez-vous',
    roles: ['entrepreneur', 'cape', 'support', 'director', 'network_admin'],
    order: 21,
  },
  { href: '/ateliers', label: 'Ateliers', roles: 'all', order: 22 },
];
