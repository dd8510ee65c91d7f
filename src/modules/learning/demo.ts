import type { DemoSeeder } from '../directory/index.ts';
export const learningDemoSeeder: DemoSeeder = { name: 'learning', seed: async () => {} };
