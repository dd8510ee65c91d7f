// PDF generation rate: `node --import tsx src/modules/sales/pdf-rate.bench.ts [N]` renders N
// (default 200) Factur-X PDF/A-3 invoices in a row, then N on the pool of worker threads, and
// prints the rates and the CPU time a PDF (steadier than wall time on a shared machine). A
// script, not a test.
import { loadavg } from 'node:os';
import { createPdfPool, renderInvoicePdf } from './facturx/index.ts';
import { fixtures } from './testing.ts';

const N = Number(process.argv[2] ?? 200);
const doc = fixtures.standard;

async function rate(label: string, render: () => Promise<Buffer>, inFlight: number) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let done = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (done < N) {
        done++;
        const pdf = await render();
        bytes += pdf.length;
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  console.log(
    `${label} : ${N} PDF Factur-X (${doc.lines.length} lignes, ~${Math.round(bytes / N / 1024)} Ko) en ${ms.toFixed(0)} ms : ${(N / (ms / 1000)).toFixed(1)} PDF/s, ${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms de CPU par PDF, charge machine ${loadavg()[0].toFixed(2)}`,
  );
}

for (let i = 0; i < 5; i++) await renderInvoicePdf(doc); // warm-up: fonts parsed once per process
await rate('un thread', () => renderInvoicePdf(doc), 1);
const pool = createPdfPool();
await Promise.all(Array.from({ length: pool.size * 2 }, () => pool.render(doc))); // warm-up of each thread
await rate(`pool de ${pool.size} threads`, () => pool.render(doc), pool.size * 2);
await pool.close();
