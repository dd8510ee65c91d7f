// Boot: configuration → database (migrated) → jobs → HTTP server.
import { serve } from '@hono/node-server';
import type { Config } from '../core/config.ts';
import { openDatabase, type OpenDb } from '../core/db/index.ts';
import { migrate } from '../core/migrations.ts';
import { createApp } from './app.tsx';
import { startJobs } from '../core/jobs.ts';
import { deliverOutbox, smtpTransport, setTransport } from '../core/mail.ts';
import { allMigrations, jobQueues, jobSchedules } from './modules.ts';
import { runRetention } from './personal-data.ts';
import { warmUpSalaryEngine } from '../modules/ledger/index.ts';

export async function openAndMigrate(config: Config, log: (m: string) => void = () => {}): Promise<OpenDb> {
  const odb = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.RADIEUSE_DATA });
  try {
    await migrate(odb.db, allMigrations, log);
  } catch (e) {
    await odb.close();
    throw e;
  }
  return odb;
}

export async function startServer(config: Config, port: number, log: (m: string) => void) {
  const t0 = Date.now();
  const odb = await openAndMigrate(config, log);
  const transport = smtpTransport(config.SMTP_URL);
  setTransport(transport);
  const app = createApp({ odb, config, mailTransport: transport });
  let boss: Awaited<ReturnType<typeof startJobs>> | null = null;
  if (config.RADIEUSE_JOBS === 'on') {
    boss = await startJobs(
      odb,
      [
        {
          name: 'mail-outbox',
          cron: '* * * * *',
          handler: async () => {
            await deliverOutbox(odb.db, { from: config.MAIL_FROM });
          },
        },
        {
          name: 'retention',
          cron: '30 3 * * *',
          handler: async () => {
            const done = await runRetention(odb);
            const n = done.reduce((s, d) => s + d.rows, 0);
            if (n)
              log(
                `conservation : ${n} ligne(s) effacée(s) ou anonymisée(s) (${done
                  .filter((d) => d.rows)
                  .map((d) => d.label)
                  .join(' ; ')})`,
              );
          },
        },
        ...jobSchedules(odb, config),
      ],
      log,
      jobQueues(odb, config),
    );
  }
  const server = serve({ fetch: app.fetch, port, hostname: '0.0.0.0' });
  // Build the salary rules engine after the server listens, off the first request's path.
  setTimeout(() => {
    void Promise.resolve()
      .then(() => warmUpSalaryEngine())
      .catch((e) => log(`salaire : ${(e as Error).message}`));
  }, 100);
  log(
    `Radieuse prête sur http://localhost:${port} (base ${odb.kind}, démarrage en ${Date.now() - t0} ms, mémoire ${Math.round(process.memoryUsage().rss / 1048576)} Mo)`,
  );
  const stop = async () => {
    server.close();
    if (boss) await boss.stop({ graceful: false, wait: false }).catch(() => {});
    await odb.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { odb, app, server, stop };
}
