// `radieuse bench [--scale small|network] [--out FILE] [--reuse]`: loads the data set into an
// empty database (a fresh embedded one, or the configured PostgreSQL when it is empty), runs the
// benchmarks of bench/ and writes the JSON of the CLI contract (../shared/design/CLI.md).
// `--reuse` (our extension) measures again on the configured database that an earlier run of the
// same scale filled, without generating it again.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { demoExists } from '../app/demo.ts';
import { allMigrations } from '../app/modules.ts';
import { type Command, err, optString, out, UsageError } from '../core/cli.ts';
import { openDatabase } from '../core/db/index.ts';
import { migrate } from '../core/migrations.ts';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'génère des données et mesure les performances (résultats JSON)',
  usage: 'bench [--scale small|network] [--out FILE] [--reuse]',
  options: { scale: { type: 'string' }, out: { type: 'string' }, reuse: { type: 'boolean' } },
  async run({ values, config }) {
    const scale = optString(values, 'scale', 'small');
    if (scale !== 'small' && scale !== 'network') throw new UsageError('--scale doit valoir small ou network');
    const file =
      optString(values, 'out') ??
      join('bench', 'results', `bench-${scale}-${new Date().toISOString().slice(0, 10)}.json`);
    const odb = config.DATABASE_URL
      ? await openDatabase({ databaseUrl: config.DATABASE_URL })
      : await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'radieuse-bench-')) });
    let report: unknown;
    try {
      await migrate(odb.db, allMigrations);
      const reuse = values.reuse === true;
      if (reuse && !config.DATABASE_URL)
        throw new UsageError('--reuse mesure une base PostgreSQL déjà remplie (DATABASE_URL)');
      const filled = await demoExists(odb);
      if (filled && !reuse)
        throw new UsageError('la base contient déjà des données : utilisez une base vide (ou --reuse)');
      if (!filled && reuse) throw new UsageError('--reuse : la base est vide, rien à mesurer de nouveau');
      const { runBenchmarks } = await import('../../bench/run.ts');
      report = await runBenchmarks(odb, config, { scale, reuse, log: (m) => err(`  ${m}`) });
    } finally {
      await odb.close();
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    out(JSON.stringify(report));
    err(`Résultats écrits dans ${file}`);
  },
};
