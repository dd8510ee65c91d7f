// Each module adds its demo data here, in dependency order (sales before ledger, …).
import type { DemoContext } from './demo.ts';
export interface DemoSeeder { name: string; seed(ctx: DemoContext): Promise<void> }
export const demoSeeders: DemoSeeder[] = [];
