import type { DemoSeeder } from '../../demo/seeders.ts';
export const bankDemoSeeder: DemoSeeder = { name: 'bank', seed: async () => {} };
