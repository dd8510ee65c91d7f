// Factur-X PDFs rendered on several threads, for bulk work (the benchmark, batches of invoices).
// A PDF is about 17 ms of CPU, all of it synchronous pdfkit/fontkit work in one thread, so one
// process renders at most ~60 a second whatever its other cores do. Each worker thread loads its
// own fonts once (pdf.ts) and renders the documents it is handed, one at a time.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InvoiceDocument } from '../types.ts';
import type { PdfReply, PdfRequest } from './pdf-worker.ts';

export interface PdfPool {
  readonly size: number;
  render(doc: InvoiceDocument): Promise<Buffer>;
  /** Stops the threads; renders still under way are refused. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  doc: InvoiceDocument;
  resolve: (pdf: Buffer) => void;
  reject: (e: Error) => void;
}

// Node 20 gives a worker neither the main thread's tsx hooks nor `--import tsx` from execArgv:
// each worker registers tsx itself, as bin/radieuse.mjs does, then loads its TypeScript entry
// (both by absolute URL, whatever the current directory).
const TSX_API = import.meta.resolve('tsx/esm/api');
const ENTRY = new URL('./pdf-worker.ts', import.meta.url).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}); });`;

/** `size` threads (one per core by default), started now; idle ones do not keep the process alive. */
export function createPdfPool(size = availableParallelism()): PdfPool {
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  let nextId = 0;
  let failure: Error | null = null;
  let closed = false;

  const dispatch = () => {
    while (idle.length && queue.length) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job);
      worker.ref();
      worker.postMessage({ id: job.id, doc: job.doc } satisfies PdfRequest);
    }
  };
  const fail = (e: Error) => {
    failure ??= e;
    for (const job of [...busy.values(), ...queue.splice(0)]) job.reject(e);
    busy.clear();
  };

  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(BOOT, { eval: true });
    worker.on('message', (reply: PdfReply) => {
      const job = busy.get(worker);
      if (!job || job.id !== reply.id) return;
      busy.delete(worker);
      if ('error' in reply) job.reject(new Error(`rendu du PDF Factur-X : ${reply.error}`));
      else job.resolve(Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength));
      worker.unref();
      idle.push(worker);
      dispatch();
    });
    // A thread that dies (out of memory, a bug in the worker) takes the pool with it: failing
    // loudly beats rendering a batch with fewer threads than it was sized for.
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closed) fail(new Error(`un thread de rendu PDF s'est arrêté (code ${code})`));
    });
    worker.unref();
    idle.push(worker);
    return worker;
  });

  return {
    size,
    render(doc) {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error('le pool de rendu PDF est fermé'));
      return new Promise<Buffer>((resolve, reject) => {
        queue.push({ id: nextId++, doc, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      fail(new Error('le pool de rendu PDF est fermé'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
