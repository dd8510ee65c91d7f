// Electronic signature as the assembly mounts it: pages, navigation, the certificate command,
// and (by importing inbox.ts) the « À signer » items of each person's inbox.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { signaturesCommands } from './commands.ts';
import './inbox.ts';
import { signaturesNav } from './nav.ts';
import { signaturesRoutes } from './routes.tsx';
import { signaturesMigrations } from './schema.ts';

export { signaturesDemoSeeder } from './demo.ts';

export const signaturesModule: ModuleDefinition = {
  name: 'signatures',
  migrations: signaturesMigrations,
  routes: [signaturesRoutes],
  nav: signaturesNav,
  commands: signaturesCommands,
};
