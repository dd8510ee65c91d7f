// The directory as the assembly mounts it.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { directoryRoutes } from './routes.ts';
import { directoryMigrations } from './schema.ts';

export const directoryModule: ModuleDefinition = {
  name: 'directory',
  migrations: directoryMigrations,
  routes: [directoryRoutes],
  // Support's queue of identity documents to check (identity-verification.service.ts).
  nav: [
    {
      href: '/identites',
      label: "Vérifications d'identité",
      roles: ['support', 'director', 'network_admin'],
      order: 82,
      more: true,
    },
  ],
};
