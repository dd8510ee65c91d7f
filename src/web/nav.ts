import type { Role } from '../core/actor.ts';
export interface NavItem { href: string; label: string; roles: Role[] | 'all'; order: number }
const ALL_STAFF: Role[] = ['support', 'accountant', 'director', 'network_admin'];
export const coreNav: NavItem[] = [
  { href: '/', label: 'Accueil', roles: 'all', order: 0 },
  { href: '/membres', label: 'Membres', roles: ALL_STAFF, order: 80 },
  { href: '/activites', label: 'Activités', roles: ALL_STAFF, order: 81 },
  { href: '/cooperative', label: 'Coopérative', roles: ['director', 'network_admin', 'accountant'], order: 90 },
  { href: '/audit', label: "Journal d'audit", roles: ['director', 'network_admin'], order: 95 },
];
