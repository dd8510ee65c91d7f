// Scheduled jobs contributed by modules (reminders, digests, document expiry…).
import type { OpenDb } from '../core/db/index.ts';
import type { Config } from '../core/config.ts';
import type { Schedule } from '../core/jobs.ts';
export function jobSchedules(_odb: OpenDb, _config: Config): Schedule[] {
  return [];
}
