import type { Command } from '../../cli/framework.ts';
export const bankCommands: Command[] = [];
