import type { DemoSeeder } from '../../demo/seeders.ts';
export const journeysDemoSeeder: DemoSeeder = { name: 'journeys', seed: async () => {} };
