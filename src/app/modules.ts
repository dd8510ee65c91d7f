// The assembly: every module of the app, in one list. From it come the migrations the runner
// applies, the pages mounted, the navigation, the commands and the scheduled jobs. Importing a
// module's module.ts also registers its event handlers, inbox providers and checks, so the
// server, the CLI and the test databases are wired the same way.
import type { Config } from '../core/config.ts';
import type { OpenDb } from '../core/db/index.ts';
import type { Queue, Schedule } from '../core/jobs.ts';
import type { SqlMigration } from '../core/migrations.ts';
import { coreMigrations } from '../core/schema.ts';
import type { Command } from '../core/cli.ts';
import { accountModule } from '../modules/account/module.ts';
import { apiModule } from '../modules/api/module.ts';
import { bankModule } from '../modules/bank/module.ts';
import { campusModule } from '../modules/campus/module.ts';
import { directoryModule } from '../modules/directory/module.ts';
import { einvoicingModule } from '../modules/einvoicing/module.ts';
import { impactModule } from '../modules/impact/module.ts';
import { inboxModule } from '../modules/inbox/module.ts';
import { journeysModule } from '../modules/journeys/module.ts';
import { learningModule } from '../modules/learning/module.ts';
import { migrationModule } from '../modules/migration/module.ts';
import { ledgerModule } from '../modules/ledger/module.ts';
import { marketModule } from '../modules/market/module.ts';
import { purchasesModule } from '../modules/purchases/module.ts';
import { salesModule } from '../modules/sales/module.ts';
import { vaultModule } from '../modules/vault/module.ts';
import { signaturesModule } from '../modules/signatures/module.ts';
import type { ModuleDefinition } from '../web/module-definition.ts';
import { coreNav, type NavItem } from '../web/nav.ts';

export const modules: ModuleDefinition[] = [
  directoryModule,
  accountModule,
  inboxModule,
  salesModule,
  ledgerModule,
  journeysModule,
  purchasesModule,
  bankModule,
  einvoicingModule,
  impactModule,
  campusModule,
  learningModule,
  marketModule,
  migrationModule,
  apiModule,
  vaultModule,
  signaturesModule,
];

export const allMigrations: SqlMigration[] = [...coreMigrations, ...modules.flatMap((m) => m.migrations ?? [])].sort(
  (a, b) => a.name.localeCompare(b.name),
);

export const moduleCommands: Command[] = modules.flatMap((m) => m.commands ?? []);

export function jobSchedules(odb: OpenDb, config: Config): Schedule[] {
  return modules.flatMap((m) => m.schedules?.(odb, config) ?? []);
}

export function jobQueues(odb: OpenDb, config: Config): Queue[] {
  return modules.flatMap((m) => m.queues?.(odb, config) ?? []);
}

export const navItems: NavItem[] = [
  ...coreNav,
  ...modules.flatMap((m) => (m.nav ?? []).map((n) => ({ ...n, module: m.name }))),
].sort((a, b) => a.order - b.order);
