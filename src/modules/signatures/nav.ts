import type { NavItem } from '../../web/nav.ts';
export const signaturesNav: NavItem[] = [
  { href: '/signatures', label: 'Signatures', roles: 'all', order: 66, more: true },
];
