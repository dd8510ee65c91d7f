import type { NavItem } from '../../web/nav.ts';
export const salesNav: NavItem[] = [
  { href: '/factures', label: 'Factures', roles: 'all', order: 10 },
  { href: '/factures/a-valider', label: 'À valider', roles: ['support', 'director', 'accountant'], order: 11 },
  { href: '/clients', label: 'Clients', roles: 'all', order: 12 },
];
