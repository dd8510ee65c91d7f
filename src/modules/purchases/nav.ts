import type { NavItem } from '../../web/nav.ts';
export const purchasesNav: NavItem[] = [
  { href: '/notes-de-frais', label: 'Notes de frais', roles: 'all', order: 20 },
  {
    href: '/notes-de-frais/a-valider',
    label: 'Notes à valider',
    roles: ['support', 'accountant', 'director'],
    order: 21,
  },
  {
    href: '/indemnites-kilometriques',
    label: 'Indemnités km',
    roles: ['entrepreneur', 'cape', 'support'],
    order: 22,
    more: true,
  },
  { href: '/factures-fournisseurs', label: 'Factures fournisseurs', roles: 'all', order: 23 },
  { href: '/notes-de-frais/plafonds', label: 'Plafonds de frais', roles: ['director'], order: 25, more: true },
  { href: '/fournisseurs', label: 'Fournisseurs', roles: 'all', order: 24, more: true },
];
