import type { NavItem } from '../../web/nav.ts';
export const vaultNav: NavItem[] = [
  { href: '/coffre-fort', label: 'Coffre-fort', roles: 'all', order: 60, more: true },
  {
    href: '/coffre-fort/personnes',
    label: 'Coffres-forts',
    roles: ['support', 'accountant', 'director'],
    order: 61,
    more: true,
  },
];
