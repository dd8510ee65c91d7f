// Sign-in, second factor, passkeys, password and profile pages over the core's identity.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { accountRoutes } from './routes.ts';
import './inbox.ts'; // the security check-up suggested in the inbox until done

export const accountModule: ModuleDefinition = {
  name: 'account',
  routes: [accountRoutes],
};
