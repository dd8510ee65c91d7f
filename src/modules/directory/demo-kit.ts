// The demo network as every module's seeder sees it (the assembly builds it: src/app/demo.ts).
import type { Role } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Rng } from '../../core/random.ts';
import type { Cooperative } from './cooperatives.service.ts';

export interface DemoPerson {
  userId: string;
  email: string;
  name: string;
  gender: 'F' | 'M';
  role: Role;
  activityId?: string;
  analyticCode?: string;
}
export interface DemoCoop {
  coop: Cooperative;
  staff: Record<'support' | 'accountant' | 'director', DemoPerson>;
  entrepreneurs: DemoPerson[];
  capes: DemoPerson[];
}
export interface DemoContext {
  odb: OpenDb;
  rng: Rng;
  coops: DemoCoop[];
  today: string;
  /** The key documents are encrypted with (the server's: the demo's receipts must open there). */
  fileKey: Buffer;
  log: (m: string) => void;
}

/** A module's contribution to the demo, run in the order the assembly gives. */
export interface DemoSeeder {
  name: string;
  seed(ctx: DemoContext): Promise<void>;
}
