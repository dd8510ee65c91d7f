// Scheduled work of the inbox: the digests, every morning at 7:00 (Paris). Daily digests go
// out every day, weekly ones on Mondays; reruns are harmless (dedupe key + period mark).
import type { OpenDb } from '../../core/db/index.ts';
import type { Schedule } from '../../core/jobs.ts';
import { sendDigests } from './digest-run.ts';

export function inboxSchedules(odb: OpenDb, opts: { publicUrl?: string } = {}): Schedule[] {
  return [
    {
      name: 'inbox-digests',
      cron: '0 7 * * *',
      handler: async () => {
        await sendDigests(odb.db, new Date(), { publicUrl: opts.publicUrl });
      },
    },
  ];
}
