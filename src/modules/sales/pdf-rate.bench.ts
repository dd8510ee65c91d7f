// PDF generation rate: `node --import tsx src/modules/sales/pdf-rate.bench.ts [N]` renders N
// (default 50) Factur-X PDF/A-3 invoices in a row and prints the rate. A script, not a test.
import { loadavg } from 'node:os';
import { renderInvoicePdf } from './facturx/index.ts';
import { fixtures } from './testing.ts';

const N = Number(process.argv[2] ?? 50);
const doc = Object.values(fixtures)[0];
await renderInvoicePdf(doc); // warm-up: fonts read once per process
const t0 = process.hrtime.bigint();
let bytes = 0;
for (let i = 0; i < N; i++) bytes += (await renderInvoicePdf(doc)).length;
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(
  `${N} PDF Factur-X (${doc.lines.length} lignes, ~${Math.round(bytes / N / 1024)} Ko) en ${ms.toFixed(0)} ms : ${(N / (ms / 1000)).toFixed(1)} PDF/s (${(ms / N).toFixed(1)} ms/PDF), charge machine ${loadavg()[0].toFixed(2)}`,
);
