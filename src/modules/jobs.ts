// Scheduled jobs contributed by modules (reminders, digests, document expiry…).
import type { OpenDb } from '../core/db/index.ts';
import type { Config } from '../core/config.ts';
import type { Schedule } from '../core/jobs.ts';
import { inboxSchedules } from './inbox/jobs.ts';
import { salesSchedules } from './sales/index.ts';
import { journeysSchedules } from './journeys/index.ts';

export function jobSchedules(odb: OpenDb, config: Config): Schedule[] {
  return [
    ...inboxSchedules(odb, { publicUrl: config.publicUrl }),
    ...salesSchedules(odb),
    ...journeysSchedules(odb, { publicUrl: config.publicUrl }),
  ];
}
