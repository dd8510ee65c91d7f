// Background jobs with pg-boss 10 on both backends. On PGlite its SQL goes through the same
// mutex as Kysely (PGlite has one connection), multi-statement scripts through `exec`.
import PgBoss from 'pg-boss';
import type { OpenDb } from './db/index.ts';

export type JobHandler = (data: unknown) => Promise<void>;
export interface Schedule {
  name: string;
  cron: string;
  handler: JobHandler;
}

export async function startJobs(odb: OpenDb, schedules: Schedule[], log: (m: string) => void): Promise<PgBoss> {
  const boss =
    odb.kind === 'postgres'
      ? new PgBoss({ connectionString: odb.connectionString!, max: 2 })
      : // pg-boss's own client is replaced by PGlite's single connection (typed loosely upstream).
        new PgBoss({
          db: { executeSql: (text: string, values?: unknown[]) => odb.raw(text, values) },
        } as unknown as PgBoss.ConstructorOptions);
  boss.on('error', (e) => log(`jobs: ${e.message}`));
  await boss.start();
  for (const s of schedules) {
    await boss.createQueue(s.name);
    await boss.schedule(s.name, s.cron, {}, { tz: 'Europe/Paris' });
    await boss.work(s.name, async (jobs) => {
      for (const j of jobs) await s.handler(j.data);
    });
  }
  return boss;
}
