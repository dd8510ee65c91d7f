import type { NavItem } from '../../web/nav.ts';
export const impactNav: NavItem[] = [
  { href: '/impact', label: 'Impact', roles: ['director', 'network_admin'], order: 70, more: true },
  { href: '/impact/sroi', label: 'Calcul SROI', roles: ['support'], order: 71, more: true },
  {
    href: '/impact/enquetes',
    label: 'Enquêtes',
    roles: ['support', 'director', 'network_admin'],
    order: 72,
    more: true,
  },
  { href: '/impact/enquetes-reseau', label: 'Enquêtes du réseau', roles: ['network_admin'], order: 72.5, more: true },
  {
    href: '/impact/qvt',
    label: 'Qualité de vie au travail',
    roles: ['director', 'network_admin'],
    order: 73,
    more: true,
  },
  {
    href: '/impact/referentiel',
    label: 'Référentiel d’indicateurs',
    roles: ['director', 'network_admin'],
    order: 75,
    more: true,
  },
  {
    href: '/impact/mes-enquetes',
    label: 'Mes enquêtes',
    roles: ['entrepreneur', 'cape', 'support', 'director', 'accountant'],
    order: 76,
    more: true,
  },
  { href: '/impact/rapports', label: 'Rapports d’impact', roles: ['director', 'network_admin'], order: 74, more: true },
];
