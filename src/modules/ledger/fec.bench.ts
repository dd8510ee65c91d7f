// FEC export rate (lines per second) on the current backend, for a generated set (the generator
// of fec.test.ts: N entries of 2 lines in one fiscal year). A script, not a test:
//   node --import tsx src/modules/ledger/fec.bench.ts [ENTRIES]            (PGlite)
//   DATABASE_URL=postgres://… node --import tsx src/modules/ledger/fec.bench.ts [ENTRIES]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDb, backendName, seedTestCooperatives } from '../../app/testing.ts';
import { withTenant, type Tx } from '../../core/db/tenant.ts';

import { ensureChart } from './chart.ts';
import { writeFec } from './fec.ts';
import { ledgerDb } from './db.ts';

const entries = Number(process.argv[2] ?? 50000);
const odb = await createTestDb();
const [A] = await seedTestCooperatives(odb, { withPasswords: false });
const dir = mkdtempSync(join(tmpdir(), 'radieuse-fec-bench-'));
try {
  await withTenant(odb.db, A.coop.id, async (trx) => {
    await ensureChart(trx, A.coop.id);
    await sql`insert into journal_entry (cooperative_id, id, journal_code, fiscal_year, entry_number, entry_date, label, piece_ref, piece_date, source_type, source_id)
      select ${A.coop.id}::uuid, gen_random_uuid(), (array['VT','BQ','OD'])[1 + g % 3], 2026, g, date '2026-01-01' + (g % 365), 'Écriture générée ' || g, 'G' || g, date '2026-01-01' + (g % 365), 'bench', g::text
      from generate_series(1, ${entries}) g`.execute(ledgerDb(trx));
    await sql`insert into entry_line (cooperative_id, entry_id, line_no, account, label, debit_cents, credit_cents, analytic_code)
      select e.cooperative_id, e.id, v.k, case v.k when 1 then '512' else '467' end, e.label,
        case v.k when 1 then 100 + e.entry_number else 0 end, case v.k when 2 then 100 + e.entry_number else 0 end, 'GEN'
      from journal_entry e cross join (values (1), (2)) v(k) where e.cooperative_id = ${A.coop.id} and e.source_type = 'bench'`.execute(
      ledgerDb(trx),
    );
  });
  // As autovacuum would after such a load: without statistics the planner takes the cooperative
  // for a few hundred lines and reads all of them for each page (177 s for a million lines).
  await sql`analyze journal_entry`.execute(ledgerDb(odb.db as never));
  await sql`analyze entry_line`.execute(ledgerDb(odb.db as never));
  const runs: number[] = [];
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  console.log(`before the runs: rss ${mb(process.memoryUsage.rss())} MB`);
  for (let i = 0; i < 3; i++) {
    // Wall time is noisy on a shared machine: the CPU seconds of this process (and, on PostgreSQL,
    // of the server process that answers) say where the work goes; the peak resident memory is
    // sampled while the file is written.
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 100);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let server = 0;
    const r = await withTenant(odb.db, A.coop.id, async (trx) => {
      const s0 = await serverCpuSeconds(trx);
      const out = await writeFec(trx, A.actor('accountant'), 2026, dir);
      server = (await serverCpuSeconds(trx)) - s0;
      return out;
    });
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    runs.push(r.lines / s);
    console.log(
      `${backendName()} run ${i + 1}: ${r.lines} lines in ${s.toFixed(2)} s → ${Math.round(r.lines / s)} lines/s; ` +
        `process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s` +
        (backendName() === 'postgres' ? `, server CPU ${server.toFixed(2)} s` : '') +
        `, peak rss ${mb(peak)} MB`,
    );
  }
  console.log(
    `${backendName()} FEC export: median ${Math.round(runs.sort((a, b) => a - b)[1])} lines/s (${entries} entries, ${entries * 2} lines)`,
  );
} finally {
  await odb.close();
  rmSync(dir, { recursive: true, force: true });
}

/** CPU seconds used so far by the PostgreSQL process serving this transaction (Linux, same
 *  machine); 0 on PGlite, which runs inside this process. */
async function serverCpuSeconds(trx: Tx): Promise<number> {
  if (backendName() !== 'postgres') return 0;
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(ledgerDb(trx));
  try {
    const stat = readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}
