// Sign-in, second factor, passkeys, password and profile pages over the core's identity.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { authRoutes } from './routes.tsx';

export const accountModule: ModuleDefinition = {
  name: 'account',
  routes: [authRoutes],
};
