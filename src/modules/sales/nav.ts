import type { NavItem } from '../../web/nav.ts';
export const salesNav: NavItem[] = [
  { href: '/factures', label: 'Factures', roles: 'all', order: 10 },
  { href: '/clients', label: 'Clients', roles: 'all', order: 12 },
  { href: '/devis', label: 'Devis', roles: 'all', order: 13 },
  { href: '/catalogue', label: 'Catalogue', roles: 'all', order: 14, more: true },
  {
    href: '/factures/relances',
    label: 'Relances',
    roles: ['support', 'director', 'accountant'],
    order: 15,
    more: true,
  },
];
