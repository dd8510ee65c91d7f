import type { DemoSeeder } from '../../demo/seeders.ts';
export const salesDemoSeeder: DemoSeeder = { name: 'sales', seed: async () => {} };
