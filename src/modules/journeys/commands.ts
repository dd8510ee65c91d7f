import type { Command } from '../../cli/framework.ts';
export const journeysCommands: Command[] = [];
