// Each module adds its demo data here, in dependency order (sales before ledger postings read them…).
import type { DemoContext } from './demo.ts';
import { journeysDemoSeeder } from '../modules/journeys/demo.ts';
import { salesDemoSeeder } from '../modules/sales/demo.ts';
import { ledgerDemoSeeder, ledgerAfterSalesDemoSeeder } from '../modules/ledger/demo.ts';
import { purchasesDemoSeeder } from '../modules/purchases/demo.ts';
import { bankDemoSeeder } from '../modules/bank/demo.ts';
import { inboxDemoSeeder } from '../modules/inbox/demo.ts';
export interface DemoSeeder {
  name: string;
  seed(ctx: DemoContext): Promise<void>;
}
export const demoSeeders: DemoSeeder[] = [
  journeysDemoSeeder,
  ledgerDemoSeeder,
  salesDemoSeeder,
  purchasesDemoSeeder,
  bankDemoSeeder,
  ledgerAfterSalesDemoSeeder,
  inboxDemoSeeder,
];
