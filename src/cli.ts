// The `radieuse` command (contract: ../shared/design/CLI.md).
import { runCli, type Command } from './core/cli.ts';
import { benchCommand } from './cli/bench.ts';
import { checkCommand } from './cli/check-command.ts';
import { coreCommands } from './cli/core-commands.ts';
import { keyCommands } from './cli/key-commands.ts';
import { oidcCommands } from './cli/oidc-commands.ts';
import { personCommands } from './cli/person-commands.ts';
import { moduleCommands } from './app/modules.ts';
import { openAndMigrate } from './app/server.ts';

const commands: Command[] = [
  ...coreCommands,
  checkCommand,
  ...personCommands,
  ...oidcCommands,
  ...keyCommands,
  ...moduleCommands,
  benchCommand,
];
const code = await runCli(commands, process.argv.slice(2), (config) => openAndMigrate(config));
// `serve` never returns; everything else exits with its code once the database is closed.
process.exit(code);
