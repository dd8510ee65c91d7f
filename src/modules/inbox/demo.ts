import type { DemoSeeder } from '../../demo/seeders.ts';
export const inboxDemoSeeder: DemoSeeder = { name: 'inbox', seed: async () => {} };
