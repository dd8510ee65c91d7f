// The directory as the assembly mounts it.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { directoryRoutes } from './routes.ts';
import { directoryMigrations } from './schema.ts';

export const directoryModule: ModuleDefinition = {
  name: 'directory',
  migrations: directoryMigrations,
  routes: [directoryRoutes],
};
