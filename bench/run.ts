// The benchmarks of `radieuse bench` (issue 17), on the demo network loaded into an empty
// database (the "small" scale: three cooperatives, two years). Each figure follows the JSON
// contract of ../shared/design/CLI.md. Pages are measured through the real application (HTTP
// handling, sessions, tenancy, rendering) without a socket; queries also as raw SQL.
import { cpus, totalmem } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../src/app/app.tsx';
import { DEMO_PASSWORD, loadDemo } from '../src/app/demo.ts';
import { TestClient } from '../src/app/testing-web.ts';
import { systemActor } from '../src/core/actor.ts';
import type { Config } from '../src/core/config.ts';
import { coreDb } from '../src/core/db/handles.ts';
import type { OpenDb } from '../src/core/db/index.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { listCooperatives } from '../src/modules/directory/index.ts';
import { searchOffers, withPublic } from '../src/modules/market/index.ts';
import { networkIndicators } from '../src/modules/impact/index.ts';
import { trialBalance, writeFec } from '../src/modules/ledger/index.ts';
import {
  createDraft,
  getLines,
  listInvoices,
  loadInvoiceDocument,
  renderInvoicePdf,
  submitInvoice,
  validateInvoice,
} from '../src/modules/sales/index.ts';
import { measureBankMatching } from './bank-matching.ts';
import { generateNetwork } from './generate/network.ts';
import { type BenchResult, measure } from './measure.ts';

/** The network scale: 75 cooperatives, ten years, each demo sale twenty times, each entrepreneur
 *  who has an activity five times (about 7,000 entrepreneurs: the demo's 20 per cooperative, of
 *  whom those with an activity copied). */
export const NETWORK_SIZE = { cooperatives: 75, years: 10, salesDensity: 20, people: 5 };

/** `[#######.............]  7/20`: the generator's progress on the terminal. */
export function progressBar(done: number, total: number, width = 20): string {
  const full = total > 0 ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(done).padStart(String(total).length)}/${total}`;
}

export interface BenchReport {
  machine: { cpus: number; cpu_model: string; memory_gb: number; node: string; platform: string };
  backend: 'pglite' | 'postgres';
  scale: 'small' | 'network';
  results: BenchResult[];
}

export async function runBenchmarks(
  odb: OpenDb,
  config: Config,
  opts: { scale: 'small' | 'network'; log: (m: string) => void },
): Promise<BenchReport> {
  const { log } = opts;
  log('chargement du jeu de données (réseau de démonstration)…');
  await loadDemo(odb, { log: () => {}, fileKey: config.fileKey });
  if (opts.scale === 'network') {
    log(
      `réseau : ${NETWORK_SIZE.cooperatives} coopératives, ${NETWORK_SIZE.years} ans, ventes × ${NETWORK_SIZE.salesDensity}, entrepreneur·es × ${NETWORK_SIZE.people}…`,
    );
    const counts = await generateNetwork(odb, {
      ...NETWORK_SIZE,
      fileKey: config.fileKey,
      progress: (done, total, what) => log(`${progressBar(done, total)} ${what}`),
    });
    log(
      `réseau généré en ${counts.seconds} s : ${counts.cooperatives} coopératives, ${counts.entrepreneurs} entrepreneur·es, ${counts.invoices} factures, ${counts.entryLines} lignes d’écritures`,
    );
  }
  const app = createApp({ odb, config });
  const coops = await listCooperatives(odb.db);
  const coop = coops.find((c) => c.slug === 'canopee') ?? coops[0];
  const actor = systemActor(coop.id, 'bench');
  const year = Number(new Date().toISOString().slice(0, 4));
  const results: BenchResult[] = [];
  const run = async (r: Promise<BenchResult>) => {
    const x = await r;
    log(`${x.name} : p95 ${x.p95_ms} ms`);
    results.push(x);
  };
  const page = (c: TestClient, path: string) => async () => {
    const { res } = await c.get(path);
    if (res.status !== 200) throw new Error(`${path} a répondu ${res.status}`);
  };

  await run(
    measure('sign-in', 10, async () => {
      const c = new TestClient(app);
      const r = await c.signIn(`entrepreneur@${coop.slug}.demo`, DEMO_PASSWORD);
      if (r.res.status !== 302) throw new Error('connexion refusée');
    }),
  );
  const ent = new TestClient(app);
  await ent.signIn(`entrepreneur@${coop.slug}.demo`, DEMO_PASSWORD);
  const director = new TestClient(app);
  await director.signIn(`director@${coop.slug}.demo`, DEMO_PASSWORD);

  await run(measure('home', 40, page(ent, '/')));
  const inTenant = <T>(fn: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
    withTenant(odb.db, coop.id, fn);
  await run(
    measure('invoice list', 40, page(director, '/factures?statut=all'), {
      raw: () =>
        inTenant((trx) =>
          sql`select i.number, i.issue_date, c.name, i.total_excl_cents, i.total_incl_cents, i.status
            from invoice i join customer c on c.cooperative_id = i.cooperative_id and c.id = i.customer_id
            where i.cooperative_id = ${coop.id} order by i.issue_date desc, i.id desc limit 25`.execute(coreDb(trx)),
        ),
    }),
  );
  await run(measure('activity account', 30, page(ent, '/compte-activite')));

  // Validation: numbering and postings, each in its own transaction as on the page.
  const sample = await inTenant(async (trx) => {
    const [first] = (await listInvoices(trx, actor, { pageSize: 1, status: 'paid', typeCode: '380' })).items;
    if (!first) return null;
    return {
      invoice: first,
      lines: await getLines(trx, actor, first.id),
      doc: await loadInvoiceDocument(trx, actor, first.id),
    };
  });
  if (sample) {
    const staff = systemActor(coop.id, 'bench');
    await run(
      measure('invoice validation', 20, () =>
        inTenant(async (trx) => {
          const d = await createDraft(trx, staff, {
            activityId: sample.invoice.activityId,
            customerId: sample.invoice.customerId,
            lines: sample.lines,
          });
          await submitInvoice(trx, staff, d.id);
          await validateInvoice(trx, staff, d.id);
        }),
      ),
    );
    await run(measure('factur-x pdf', 20, () => renderInvoicePdf(sample.doc)));
  }

  const fecDir = mkdtempSync(join(tmpdir(), 'radieuse-bench-fec-'));
  const lines = (await inTenant((trx) => writeFec(trx, actor, year, fecDir))).lines;
  await run(
    measure('fec export', 5, () => inTenant((trx) => writeFec(trx, actor, year, fecDir)), { unitsPerCall: lines }),
  );
  await run(
    measure('trial balance', 30, () => inTenant((trx) => trialBalance(trx, actor, `${year}-01-01`, `${year}-12-31`)), {
      raw: () =>
        inTenant((trx) =>
          sql`select l.account, sum(l.debit_cents), sum(l.credit_cents) from entry_line l
            join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
            where l.cooperative_id = ${coop.id} and e.entry_date between ${`${year}-01-01`} and ${`${year}-12-31`}
            group by l.account order by l.account`.execute(coreDb(trx)),
        ),
    }),
  );
  // Bank matching: 10,000 lines imported and matched in one transaction, rolled back (bank-matching.ts).
  await run(measureBankMatching(odb, actor, year));
  // The network's consolidated impact indicators (every cooperative, computed from the data).
  await run(
    measure('impact consolidation', 3, () =>
      networkIndicators(odb.db, { ...systemActor(coop.id, 'bench'), roles: ['network_admin'] }, year),
    ),
  );
  // The campus search page (French full text, accents and typos forgiven).
  await run(measure('campus search', 30, page(ent, '/campus?q=signature+electronique')));
  // The public marketplace search, anonymous, with a distance filter (the page, then the query).
  const visitor = new TestClient(app);
  await run(
    measure('marketplace search', 40, page(visitor, '/marche?q=plombier+fuite&cp=69003&rayon=200'), {
      raw: () =>
        withPublic(odb.db, (tx) => searchOffers(tx, { text: 'plombier fuite', postcode: '69003', radiusKm: 200 })),
    }),
  );
  return {
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'inconnu',
      memory_gb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      platform: process.platform,
    },
    backend: odb.kind === 'pglite' ? 'pglite' : 'postgres',
    scale: opts.scale,
    results,
  };
}
