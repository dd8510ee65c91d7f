// `radieuse bench`: loads the demo network into a fresh embedded database (or the configured
// PostgreSQL when it is empty) and measures what the issues ask for: demo load time, Factur-X
// PDF generation rate, FEC export rate, trial balance time, memory. Results are written as JSON.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { type Command, optString, out, UsageError } from '../core/cli.ts';
import { openDatabase } from '../core/db/index.ts';
import { migrate } from '../core/migrations.ts';
import { allMigrations } from '../app/modules.ts';
import { withTenant } from '../core/db/tenant.ts';
import { systemActor } from '../core/actor.ts';
import { loadDemo, demoExists } from '../app/demo.ts';
import { listCooperatives } from '../modules/directory/index.ts';
import { loadInvoiceDocument } from '../modules/sales/index.ts';
import { renderInvoicePdf } from '../modules/sales/index.ts';
import { writeFec, trialBalance } from '../modules/ledger/index.ts';

const ms = (t0: number) => Math.round(performance.now() - t0);

export const benchCommand: Command = {
  name: 'bench',
  summary: 'génère des données et mesure les performances (résultats JSON)',
  usage: 'bench [--scale small|network] [--out FILE]',
  options: { scale: { type: 'string' }, out: { type: 'string' } },
  async run({ values, config }) {
    const scale = optString(values, 'scale', 'small');
    if (!['small', 'network'].includes(scale)) throw new UsageError('--scale doit valoir small ou network');
    const file =
      optString(values, 'out') ??
      join('bench', 'results', `bench-${scale}-${new Date().toISOString().slice(0, 10)}.json`);
    const odb = config.DATABASE_URL
      ? await openDatabase({ databaseUrl: config.DATABASE_URL })
      : await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'radieuse-bench-')) });
    const results: Record<string, unknown> = {
      scale,
      backend: odb.kind,
      node: process.version,
      date: new Date().toISOString(),
    };
    try {
      let t0 = performance.now();
      await migrate(odb.db, allMigrations);
      results.migrateMs = ms(t0);
      if (await demoExists(odb))
        throw new UsageError('la base contient déjà la démonstration : utilisez une base vide');
      t0 = performance.now();
      await loadDemo(odb, { log: (m) => out(`  ${m}`), fileKey: config.fileKey });
      results.demoLoadMs = ms(t0);
      const coops = await listCooperatives(odb.db);
      const coop = coops[0];
      const actor = systemActor(coop.id, 'bench');
      const ids = await withTenant(odb.db, coop.id, (trx) =>
        trx
          .selectFrom('invoice')
          .select('id')
          .where('cooperative_id', '=', coop.id)
          .where('number', 'is not', null)
          .limit(60)
          .execute(),
      );
      const docs = await withTenant(odb.db, coop.id, async (trx) => {
        const r = [];
        for (const i of ids) r.push(await loadInvoiceDocument(trx, actor, i.id));
        return r;
      });
      await renderInvoicePdf(docs[0]); // fonts loaded once
      t0 = performance.now();
      for (const d of docs) await renderInvoicePdf(d);
      const pdfMs = performance.now() - t0;
      results.pdf = {
        invoices: docs.length,
        totalMs: Math.round(pdfMs),
        perSecond: Math.round((docs.length / pdfMs) * 1000),
      };
      const year = Number(new Date().toISOString().slice(0, 4));
      const dir = mkdtempSync(join(tmpdir(), 'radieuse-bench-fec-'));
      const fec: unknown[] = [];
      for (const c of coops) {
        t0 = performance.now();
        const r = await withTenant(odb.db, c.id, (trx) => writeFec(trx, systemActor(c.id, 'bench'), year, dir));
        const el = performance.now() - t0;
        fec.push({
          cooperative: c.slug,
          lines: r.lines,
          ms: Math.round(el),
          linesPerSecond: Math.round((r.lines / el) * 1000),
        });
      }
      results.fec = fec;
      t0 = performance.now();
      await withTenant(odb.db, coop.id, (trx) => trialBalance(trx, actor, `${year}-01-01`, `${year}-12-31`));
      results.trialBalanceMs = ms(t0);
      results.rssMb = Math.round(process.memoryUsage().rss / 1048576);
    } finally {
      await odb.close();
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(results, null, 2));
    out(JSON.stringify(results, null, 2));
    out(`Résultats écrits dans ${file}`);
  },
};
