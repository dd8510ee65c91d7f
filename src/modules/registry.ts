// The modules the app is made of: their routes and navigation. Other modules reach a module
// through its index.ts only; its routes.tsx is mounted here and nowhere else (keeps imports acyclic).
import type { Hono } from 'hono';
import type { AppEnv } from '../web/context.ts';
import { coreNav, type NavItem } from '../web/nav.ts';
import { directoryRoutes } from './directory/routes.tsx';
import { salesRoutes } from './sales/routes.tsx';
import { salesNav } from './sales/nav.ts';
import { ledgerRoutes } from './ledger/routes.tsx';
import { ledgerNav } from './ledger/nav.ts';
import { salaryRoutes } from './ledger/salary/index.ts';
import { journeysRoutes } from './journeys/routes.tsx';
import { journeysNav } from './journeys/nav.ts';
import { inboxRoutes } from './inbox/routes.tsx';
import { inboxNav } from './inbox/nav.ts';
import { purchasesRoutes } from './purchases/routes.tsx';
import { purchasesNav } from './purchases/nav.ts';
import { bankRoutes } from './bank/routes.tsx';
import { bankNav } from './bank/nav.ts';
import './wiring.ts';

export interface WebModule {
  name: string;
  routes: Hono<AppEnv>;
  nav?: NavItem[];
}

// A function, not a constant: modules import the layout, which reads this list, so it must be
// evaluated after every module has loaded (no import-order trap).
export function webModules(): WebModule[] {
  return [
    { name: 'directory', routes: directoryRoutes },
    { name: 'sales', routes: salesRoutes, nav: salesNav },
    { name: 'ledger', routes: ledgerRoutes, nav: ledgerNav },
    {
      name: 'salary',
      routes: salaryRoutes,
      nav: [
        { href: '/salaire/simulation', label: 'Mon salaire', roles: ['entrepreneur', 'cape', 'support'], order: 40 },
      ],
    },
    { name: 'journeys', routes: journeysRoutes, nav: journeysNav },
    { name: 'inbox', routes: inboxRoutes, nav: inboxNav },
    { name: 'purchases', routes: purchasesRoutes, nav: purchasesNav },
    { name: 'bank', routes: bankRoutes, nav: bankNav },
  ];
}

let nav: NavItem[] | null = null;
export function navItems(): NavItem[] {
  nav ??= [...coreNav, ...webModules().flatMap((m) => m.nav ?? [])].sort((a, b) => a.order - b.order);
  return nav;
}
