// The ledger as the assembly mounts it: accounting pages, salary pages, commands, demo data.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { ledgerCommands } from './commands.ts';
import './inbox.ts'; // to-do items (registered with the inbox)
import { ledgerNav } from './nav.ts';
import { registerPurchaseHandlers } from './purchase-postings.ts';
import { ledgerRoutes } from './routes.tsx';
import { salaryRoutes } from './salary/salary-routes.tsx';
import { absenceRoutes } from './salary/absence-routes.tsx';
import { registerSalesHandlers } from './sales-postings.ts';
import { ledgerMigrations } from './schema.ts';

// Sales and purchases events are posted in the emitting transaction (decision 0003).
registerSalesHandlers();
registerPurchaseHandlers();

export { ledgerAfterSalesDemoSeeder, ledgerDemoSeeder } from './demo.ts';
export const ledgerModule: ModuleDefinition = {
  name: 'ledger',
  migrations: ledgerMigrations,
  routes: [ledgerRoutes, salaryRoutes, absenceRoutes],
  nav: [
    ...ledgerNav,
    { href: '/salaire/simulation', label: 'Mon salaire', roles: ['entrepreneur', 'cape', 'support'], order: 40 },
  ],
  commands: ledgerCommands,
};
