// Purchases as the assembly mounts it.
import type { ModuleDefinition } from '../../web/module-definition.ts';
import { purchasesCommands } from './commands.ts';
import './inbox.ts'; // to-do items (registered with the inbox)
import { purchasesNav } from './nav.ts';
import { purchasesRoutes } from './routes/index.ts';
import { receiptRoutes } from './receipt-routes.tsx';
import { limitsRoutes } from './limits-routes.tsx';
import { purchasesMigrations } from './schema.ts';
import { readQueuedReceipts, receiptReadingQueue } from './receipt-reading.ts';

export { purchasesDemoSeeder } from './demo.ts';
export const purchasesModule: ModuleDefinition = {
  name: 'purchases',
  migrations: purchasesMigrations,
  routes: [receiptRoutes, limitsRoutes, purchasesRoutes],
  nav: purchasesNav,
  commands: purchasesCommands,
  queues: (odb, config) => [receiptReadingQueue(odb.db, config.fileKey)],
  // A receipt whose job was lost (a restart between the upload and the queue) is read anyway.
  schedules: (odb, config) => [
    {
      name: 'receipt-reading-sweep',
      cron: '*/5 * * * *',
      handler: async () => {
        await readQueuedReceipts(odb.db, config.fileKey);
      },
    },
  ],
};
