// CLI commands contributed by modules (invoice, export, report, import, bench…).
import type { Command } from '../cli/framework.ts';
export const moduleCommands: Command[] = [];
