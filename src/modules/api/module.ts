// The API as the assembly mounts it: the REST API under /api/v1 (bearer tokens), the tokens
// page of the profile, the webhooks page, the `token create` command and the delivery job.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { apiCommands } from './commands.ts';
import { tokenRoutes } from './routes/tokens.tsx';
import { apiV1Routes } from './routes/v1.ts';
import { apiMigrations } from './schema.ts';

export const apiModule: ModuleDefinition = {
  name: 'api',
  migrations: apiMigrations,
  routes: [apiV1Routes, tokenRoutes],
  commands: apiCommands,
};
