import type { Command } from '../../cli/framework.ts';
export const ledgerCommands: Command[] = [];
