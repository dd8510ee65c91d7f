// Demo marketplace: filled in below (profiles and offers across the demo network).
import type { DemoSeeder } from '../directory/index.ts';
export const marketDemoSeeder: DemoSeeder = { name: 'market', seed: async () => {} };
