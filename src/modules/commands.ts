// CLI commands contributed by modules (invoice, export, report, import, bench…).
import type { Command } from '../cli/framework.ts';
import { salesCommands } from './sales/commands.ts';
import { ledgerCommands } from './ledger/commands.ts';
import { journeysCommands } from './journeys/commands.ts';
import { benchCommand } from '../cli/bench.ts';
import { inboxCommands } from './inbox/commands.ts';
import { purchasesCommands } from './purchases/commands.ts';
import { bankCommands } from './bank/commands.ts';
export const moduleCommands: Command[] = [
  ...salesCommands,
  ...ledgerCommands,
  ...journeysCommands,
  ...inboxCommands,
  ...purchasesCommands,
  ...bankCommands,
  benchCommand,
];
