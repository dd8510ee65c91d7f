// Background jobs with pg-boss 10 on both backends. On PGlite its SQL goes through the same
// mutex as Kysely (PGlite has one connection), multi-statement scripts through `exec`.
// Two kinds: schedules (cron) and queues (work asked for by a request, e.g. reading receipts,
// so that slow work never runs inside the HTTP request).
import PgBoss from 'pg-boss';
import type { OpenDb } from './db/index.ts';

export type JobHandler = (data: unknown) => Promise<void>;
export interface Schedule {
  name: string;
  cron: string;
  handler: JobHandler;
}
/** A queue worked on demand (`requestJob`); one job at a time per queue in this process. */
export interface Queue {
  name: string;
  handler: JobHandler;
}

let boss: PgBoss | null = null;
const localQueues = new Map<string, JobHandler>();
const localRuns = new Set<Promise<void>>();

/**
 * Asks for a queued job after the caller's transaction committed. With pg-boss running, the job
 * goes through it (any server process may take it); without (RADIEUSE_JOBS=off, the CLI, tests
 * of pages), the handler runs in this process after the current request, never inside it.
 */
export async function requestJob(name: string, data: Record<string, unknown>): Promise<void> {
  if (boss) {
    await boss.send(name, data, { retryLimit: 2, retryDelay: 5 });
    return;
  }
  const handler = localQueues.get(name);
  if (!handler) return; // no worker at all: a schedule of the module picks the work up later
  const run = new Promise<void>((r) => setImmediate(r))
    .then(() => handler(data))
    .catch(() => {})
    .finally(() => localRuns.delete(run));
  localRuns.add(run);
}

/** Queues served in this process when pg-boss is not started (see requestJob). */
export function serveQueuesLocally(queues: Queue[]): void {
  for (const q of queues) localQueues.set(q.name, q.handler);
}

/** Waits for the jobs run in this process (tests, shutdown). */
export async function settleLocalJobs(): Promise<void> {
  while (localRuns.size) await Promise.all([...localRuns]);
}

export async function startJobs(
  odb: OpenDb,
  schedules: Schedule[],
  log: (m: string) => void,
  queues: Queue[] = [],
): Promise<PgBoss> {
  const b =
    odb.kind === 'postgres'
      ? new PgBoss({ connectionString: odb.connectionString!, max: 2 })
      : // pg-boss's own client is replaced by PGlite's single connection (typed loosely upstream).
        new PgBoss({
          db: { executeSql: (text: string, values?: unknown[]) => odb.raw(text, values) },
        } as unknown as PgBoss.ConstructorOptions);
  b.on('error', (e) => log(`jobs: ${e.message}`));
  await b.start();
  for (const s of schedules) {
    await b.createQueue(s.name);
    await b.schedule(s.name, s.cron, {}, { tz: 'Europe/Paris' });
    await b.work(s.name, async (jobs) => {
      for (const j of jobs) await s.handler(j.data);
    });
  }
  for (const q of queues) {
    await b.createQueue(q.name);
    // batchSize 1 and one poller: the work is bounded by the queue, not only by its pool.
    await b.work(q.name, { batchSize: 1, pollingIntervalSeconds: 1 }, async (jobs) => {
      for (const j of jobs) await q.handler(j.data);
    });
  }
  boss = b;
  const stop = b.stop.bind(b);
  b.stop = async (opts) => {
    if (boss === b) boss = null;
    return stop(opts);
  };
  return b;
}
