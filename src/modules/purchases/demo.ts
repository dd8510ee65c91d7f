import type { DemoSeeder } from '../../demo/seeders.ts';
export const purchasesDemoSeeder: DemoSeeder = { name: 'purchases', seed: async () => {} };
