// One thread of the PDF pool (pdf-pool.ts): renders the documents it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import type { InvoiceDocument } from '../types.ts';
import { renderInvoicePdf } from './pdf.ts';

export type PdfRequest = { id: number; doc: InvoiceDocument };
export type PdfReply = { id: number; pdf: Uint8Array } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('pdf-worker.ts runs as a worker thread of pdf-pool.ts');
port.on('message', async ({ id, doc }: PdfRequest) => {
  try {
    // A Buffer (the logo) arrives as a plain Uint8Array, which pdfkit takes as well.
    const pdf = await renderInvoicePdf(doc);
    port.postMessage({ id, pdf } satisfies PdfReply);
  } catch (e) {
    port.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies PdfReply);
  }
});
