// The bank-matching scenario alone (issue 17), on network-density data without the whole
// network: `node --import tsx bench/bank.ts` (embedded database in a temporary folder, or the
// empty PostgreSQL of DATABASE_URL). The demo's three cooperatives are given the network's
// history (ten years, each sale twenty times), so each holds what one cooperative of the network
// holds (about 5,000 open invoices, a customer with about 1,650 of them), then a 10,000-line
// statement is imported and matched (bank-matching.ts). Prints the figures as JSON.
// `--data-dir=DIR` keeps the embedded database in DIR; `--reuse` measures again on a kept one.
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoExists, loadDemo } from '../src/app/demo.ts';
import { allMigrations } from '../src/app/modules.ts';
import { systemActor } from '../src/core/actor.ts';
import { loadConfig } from '../src/core/config.ts';
import { openDatabase } from '../src/core/db/index.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { migrate } from '../src/core/migrations.ts';
import { listCooperatives } from '../src/modules/directory/index.ts';
import { listInvoices } from '../src/modules/sales/index.ts';
import { measureBankMatching } from './bank-matching.ts';
import { generateNetwork } from './generate/network.ts';
import { NETWORK_SIZE, progressBar } from './run.ts';

const log = (m: string) => process.stderr.write(`  ${m}\n`);
const config = loadConfig();
const reuse = process.argv.includes('--reuse');
const dataDirArg = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
const odb = config.DATABASE_URL
  ? await openDatabase({ databaseUrl: config.DATABASE_URL })
  : await openDatabase({ dataDir: dataDirArg ?? mkdtempSync(join(tmpdir(), 'radieuse-bench-bank-')) });
try {
  await migrate(odb.db, allMigrations);
  if (await demoExists(odb)) {
    // The data set takes long to build: `--reuse` measures again on one this script built before
    // (the matching itself is rolled back, so the data set is left as it was).
    if (!reuse) throw new Error('la base contient déjà des données : utilisez une base vide (ou --reuse)');
    log('données existantes réutilisées');
  } else {
    let t0 = performance.now();
    await loadDemo(odb, { fileKey: config.fileKey });
    log(`démo chargée en ${Math.round((performance.now() - t0) / 1000)} s`);
    t0 = performance.now();
    await generateNetwork(odb, {
      ...NETWORK_SIZE,
      cooperatives: 3, // the demo's own: what one cooperative holds does not depend on how many there are
      people: 1,
      fileKey: config.fileKey,
      progress: (done, total, what) => log(`${progressBar(done, total)} ${what}`),
    });
    log(`historique du réseau généré en ${Math.round((performance.now() - t0) / 1000)} s`);
  }
  const coops = await listCooperatives(odb.db);
  const coop = coops.find((c) => c.slug === 'canopee') ?? coops[0];
  const actor = systemActor(coop.id, 'bench');
  const open = await withTenant(odb.db, coop.id, async (trx) => {
    const { items } = await listInvoices(trx, actor, { status: 'issued', pageSize: 10_000 });
    const perCustomer = new Map<string, number>();
    for (const i of items) perCustomer.set(i.customerId, (perCustomer.get(i.customerId) ?? 0) + 1);
    return { invoices: items.length, largestCustomer: Math.max(0, ...perCustomer.values()) };
  });
  log(`${open.invoices} factures ouvertes, dont ${open.largestCustomer} pour un même client`);
  const year = Number(new Date().toISOString().slice(0, 4));
  const result = await measureBankMatching(odb, actor, year);
  process.stdout.write(
    `${JSON.stringify({
      backend: odb.kind === 'pglite' ? 'pglite' : 'postgres',
      machine: { cpus: cpus().length, load: loadavg().map((x) => Math.round(x * 10) / 10) },
      open_invoices: open.invoices,
      largest_customer_open_invoices: open.largestCustomer,
      result,
    })}\n`,
  );
} finally {
  await odb.close();
}
