// The confidential archive as the assembly mounts it: pages, navigation, commands, the
// timestamp queue (after each archiving) and two schedules: a sweep of entries still without a
// timestamp, and the nightly retention purge.
import { systemActor } from '../../core/actor.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { listCooperatives } from '../directory/index.ts';
import { purgeExpired } from './archive.service.ts';
import { vaultCommands } from './commands.ts';
import { TIMESTAMP_QUEUE } from './events.ts'; // also registers the signatures.completed handler
import { vaultNav } from './nav.ts';
import { timestampAllPending, timestampPending } from './proofs.service.ts';
import { vaultRoutes } from './routes.tsx';
import { vaultMigrations } from './schema.ts';

export { vaultDemoSeeder } from './demo.ts';
export const vaultModule: ModuleDefinition = {
  name: 'vault',
  migrations: vaultMigrations,
  routes: [vaultRoutes],
  nav: vaultNav,
  commands: vaultCommands,
  queues: (odb) => [
    {
      name: TIMESTAMP_QUEUE,
      handler: async (data) => {
        const id = (data as { cooperativeId?: unknown }).cooperativeId;
        if (typeof id === 'string') await timestampPending(odb.db, id);
      },
    },
  ],
  schedules: (odb) => [
    {
      name: 'vault-timestamps-sweep',
      cron: '*/10 * * * *',
      handler: async () => {
        await timestampAllPending(odb.db);
      },
    },
    {
      name: 'vault-retention',
      cron: '30 3 * * *',
      handler: async () => {
        for (const c of await listCooperatives(odb.db))
          await withTenant(odb.db, c.id, (tx) => purgeExpired(tx, systemActor(c.id, 'Conservation')));
      },
    },
  ],
};
