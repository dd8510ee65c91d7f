import type { Role } from '../core/actor.ts';
/** `more`: a secondary entry, shown under "Plus" so the main bar stays short. */
export interface NavItem {
  href: string;
  label: string;
  roles: Role[] | 'all';
  order: number;
  more?: boolean;
  /** The module that owns the entry (set by the assembly, src/app/modules.ts): an organisation
   *  without the ERP does not see the ERP modules' entries (core/authz.ts `moduleAvailable`). */
  module?: string;
}
const ALL_STAFF: Role[] = ['support', 'accountant', 'director', 'network_admin'];
export const coreNav: NavItem[] = [
  { href: '/', label: 'Accueil', roles: 'all', order: 0 },
  { href: '/membres', label: 'Membres', roles: ALL_STAFF, order: 80 },
  { href: '/activites', label: 'Activités', roles: ALL_STAFF, order: 81, more: true },
  {
    href: '/cooperative',
    label: 'Coopérative',
    roles: ['director', 'network_admin', 'accountant'],
    order: 90,
    more: true,
  },
  { href: '/audit', label: "Journal d'audit", roles: ['director', 'network_admin'], order: 95, more: true },
];

/** The entry of the current page: the longest href that is the path or a parent of it. */
export function currentHref(items: NavItem[], path: string): string | null {
  let best: string | null = null;
  for (const n of items) {
    const hit = n.href === '/' ? path === '/' : path === n.href || path.startsWith(`${n.href}/`);
    if (hit && (!best || n.href.length > best.length)) best = n.href;
  }
  return best;
}
