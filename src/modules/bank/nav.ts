import type { NavItem } from '../../web/nav.ts';
export const bankNav: NavItem[] = [];
