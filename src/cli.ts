// The `radieuse` command (contract: ../shared/design/CLI.md).
import { runCli, type Command } from './cli/framework.ts';
import { coreCommands } from './cli/core-commands.ts';
import { moduleCommands } from './modules/commands.ts';
import { openAndMigrate } from './server.ts';
import './modules/wiring.ts';

const commands: Command[] = [...coreCommands, ...moduleCommands];
const code = await runCli(commands, process.argv.slice(2), (config) => openAndMigrate(config));
// `serve` never returns; everything else exits with its code once the database is closed.
process.exit(code);
