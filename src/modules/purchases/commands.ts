import type { Command } from '../../core/cli.ts';
export const purchasesCommands: Command[] = [];
