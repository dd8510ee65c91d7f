import type { Command } from '../../cli/framework.ts';
export const salesCommands: Command[] = [];
