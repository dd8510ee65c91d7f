// Reading a document's text (OCR of a photo, text layer of a PDF) in a bounded pool of separate
// processes: at most READERS at once, each with a memory cap and a time limit. A corrupt image
// or a hostile PDF can crash or exhaust only its reader; the server answers a French message.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/errors.ts';

const require = createRequire(import.meta.url);
/** Folder of the French trained data shipped by @tesseract.js-data/fra (LSTM "best_int", small and accurate). */
export const FRENCH_LANG_PATH = join(dirname(require.resolve('@tesseract.js-data/fra/package.json')), '4.0.0_best_int');
const READER = join(dirname(fileURLToPath(import.meta.url)), 'document-reader.mjs');

/** The one pool of reader processes of this server (requests and the receipt-reading job share it). */
const READERS = 2;
const TIME_LIMIT_MS = 90_000;
const MEMORY_MB = 768;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= READERS) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const UNREADABLE = {
  ocr: 'Cette image est illisible ou abîmée : reprenez la photo, ou saisissez les montants vous-même.',
  'pdf-text': 'Ce PDF est illisible ou protégé : saisissez les montants vous-même.',
} as const;

/** What a reader process answers: the text, and whether it came from OCR of a scanned PDF. */
export interface ReadText {
  text: string;
  scanned: boolean;
}

/**
 * The text of a photo (OCR, French) or of a PDF — its text layer, or for a scan without one the
 * OCR of its pictures (unless `ocr: false`: then a scan gives an empty text) — read in a separate process.
 */
export async function readDocumentText(
  kind: 'ocr' | 'pdf-text',
  content: Buffer,
  opts: { ocr?: boolean } = {},
): Promise<string> {
  return (await readDocument(kind, content, opts)).text;
}

export function readDocument(
  kind: 'ocr' | 'pdf-text',
  content: Buffer,
  opts: { ocr?: boolean } = {},
): Promise<ReadText> {
  return slot(
    () =>
      new Promise<ReadText>((resolve, reject) => {
        const args = [`--max-old-space-size=${MEMORY_MB}`, READER, kind, FRENCH_LANG_PATH];
        if (opts.ocr === false) args.push('no-ocr');
        const child = spawn(process.execPath, args, {
          stdio: ['pipe', 'pipe', 'pipe'],
          env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
        });
        const out: Buffer[] = [];
        let size = 0;
        const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
        child.stdout.on('data', (d: Buffer) => {
          size += d.length;
          if (size > 4 * 1024 * 1024) child.kill('SIGKILL');
          else out.push(d);
        });
        child.stderr.resume();
        child.stdin.on('error', () => {}); // the reader may die before reading everything
        child.stdin.end(content);
        child.on('error', () => reject(new UserError(UNREADABLE[kind], 'file')));
        child.on('close', (code) => {
          clearTimeout(timer);
          if (code !== 0) return reject(new UserError(UNREADABLE[kind], 'file'));
          try {
            const r = JSON.parse(Buffer.concat(out).toString('utf8'));
            resolve({ text: String(r.text ?? ''), scanned: r.scanned === true });
          } catch {
            reject(new UserError(UNREADABLE[kind], 'file'));
          }
        });
      }),
  );
}
