import type { NavItem } from '../../web/nav.ts';
export const bankNav: NavItem[] = [
  { href: '/banque', label: 'Banque', roles: ['accountant', 'director', 'support'], order: 40 },
];
