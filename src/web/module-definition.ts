// What a module gives the assembly (src/app): its tables, pages, navigation, commands and jobs.
// Each module exports one ModuleDefinition from its module.ts; only src/app imports it, so a
// module's pages never become another module's dependency.
import type { Hono } from 'hono';
import type { Command } from '../core/cli.ts';
import type { Config } from '../core/config.ts';
import type { OpenDb } from '../core/db/index.ts';
import type { Queue, Schedule } from '../core/jobs.ts';
import type { SqlMigration } from '../core/migrations.ts';
import type { AppEnv } from './context.ts';
import type { NavItem } from './nav.ts';

export interface ModuleDefinition {
  name: string;
  migrations?: SqlMigration[];
  /** Mounted at the root: a module's paths are French words of its own ("/factures"). */
  routes?: Hono<AppEnv>[];
  nav?: NavItem[];
  commands?: Command[];
  schedules?(odb: OpenDb, config: Config): Schedule[];
  /** Queues worked on demand (`requestJob` in core/jobs.ts). */
  queues?(odb: OpenDb, config: Config): Queue[];
}
