import type { NavItem } from '../../web/nav.ts';
export const inboxNav: NavItem[] = [
  { href: '/validation', label: 'Validation', roles: ['support', 'director', 'accountant'], order: 5 },
  { href: '/calendrier-admin', label: 'Échéances', roles: ['entrepreneur', 'cape', 'support'], order: 45, more: true },
];
