import type { NavItem } from '../../web/nav.ts';
export const ledgerNav: NavItem[] = [
  {
    href: '/compte-activite',
    label: "Compte d'activité",
    roles: ['entrepreneur', 'cape', 'support', 'accountant', 'director'],
    order: 20,
  },
  { href: '/comptabilite', label: 'Comptabilité', roles: ['accountant', 'director'], order: 60 },
  { href: '/salaire', label: 'Demandes de salaire', roles: ['support', 'accountant', 'director'], order: 41 },
  { href: '/salaire/parametres', label: 'Paramètres de paie', roles: ['director'], order: 43 },
  { href: '/absences', label: 'Absences', roles: ['support', 'accountant', 'director'], order: 42 },
  { href: '/direction', label: 'Pilotage', roles: ['director'], order: 15 },
];
