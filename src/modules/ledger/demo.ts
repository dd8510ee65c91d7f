import type { DemoSeeder } from '../../demo/seeders.ts';
export const ledgerDemoSeeder: DemoSeeder = { name: 'ledger', seed: async () => {} };
