// Test fixtures for OCR: receipts drawn as pixels, deterministically, with no native library
// (no canvas, no ImageMagick, no poppler on the machine): glyph outlines from fontkit (already
// there for pdfkit) filled by a small scanline rasteriser, then degraded like real captures —
// a phone photo (slightly rotated, uneven light), a low-contrast scan, a faded thermal ticket —
// and, for "scanned PDF", the picture wrapped in a PDF without any text layer (pdfkit).
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
// fontkit ships CommonJS; its types are not installed, so the few calls used are typed here.
interface Glyph {
  advanceWidth: number;
  path: { commands: { command: string; args: number[] }[] };
}
interface Font {
  unitsPerEm: number;
  layout(text: string): { glyphs: Glyph[] };
}
const fontkit = require('fontkit') as { openSync(path: string): Font };
// pngjs has no types installed either: the constructor and the writer are all that is used.
const { PNG } = require('pngjs') as {
  PNG: {
    new (o: { width: number; height: number; colorType?: number; inputColorType?: number; bitDepth?: number }): {
      data: Buffer;
    };
    sync: { write(png: unknown, o?: { colorType?: number; inputColorType?: number }): Buffer };
  };
};
const FONT_PATH = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

export interface Gray {
  width: number;
  height: number;
  /** 0 = black, 255 = white. */
  px: Uint8Array;
}

/** What a fixture receipt says, to compare with what the OCR read. */
export interface ReceiptTruth {
  supplier: string;
  date: string; // ISO
  totalCents: number;
  vatCents: number;
  lines: string[];
}

function flatten(commands: Glyph['path']['commands']): [number, number][][] {
  const polys: [number, number][][] = [];
  let cur: [number, number][] = [];
  let x = 0;
  let y = 0;
  for (const { command, args } of commands) {
    if (command === 'moveTo') {
      if (cur.length) polys.push(cur);
      cur = [[args[0], args[1]]];
      [x, y] = args;
    } else if (command === 'lineTo') {
      cur.push([args[0], args[1]]);
      [x, y] = args;
    } else if (command === 'quadraticCurveTo') {
      for (let t = 1; t <= 6; t++) {
        const u = t / 6;
        cur.push([
          (1 - u) ** 2 * x + 2 * (1 - u) * u * args[0] + u * u * args[2],
          (1 - u) ** 2 * y + 2 * (1 - u) * u * args[1] + u * u * args[3],
        ]);
      }
      [x, y] = [args[2], args[3]];
    } else if (command === 'bezierCurveTo') {
      for (let t = 1; t <= 8; t++) {
        const u = t / 8;
        const a = (1 - u) ** 3;
        const b = 3 * (1 - u) ** 2 * u;
        const c = 3 * (1 - u) * u * u;
        const d = u ** 3;
        cur.push([a * x + b * args[0] + c * args[2] + d * args[4], a * y + b * args[1] + c * args[3] + d * args[5]]);
      }
      [x, y] = [args[4], args[5]];
    } else if (command === 'closePath' && cur.length) {
      polys.push(cur);
      cur = [];
    }
  }
  if (cur.length) polys.push(cur);
  return polys;
}

/** Draws text lines (monospace, like a till) onto a white page; 3×3 supersampling for smooth edges. */
export function drawReceipt(lines: string[], opts: { sizePx?: number; margin?: number } = {}): Gray {
  const size = opts.sizePx ?? 30;
  const margin = opts.margin ?? 40;
  const font = fontkit.openSync(FONT_PATH);
  const scale = size / font.unitsPerEm;
  const lineH = Math.round(size * 1.5);
  const maxChars = Math.max(...lines.map((l) => l.length));
  const width = Math.ceil(maxChars * font.layout('M').glyphs[0].advanceWidth * scale + 2 * margin);
  const height = lines.length * lineH + 2 * margin;
  const SS = 3;
  const W = width * SS;
  const H = height * SS;
  const cover = new Uint8Array(W * H);
  lines.forEach((text, li) => {
    let penX = margin;
    const baseline = margin + li * lineH + size;
    for (const g of font.layout(text).glyphs) {
      const polys = flatten(g.path.commands).map((p) =>
        p.map(([gx, gy]) => [(penX + gx * scale) * SS, (baseline - gy * scale) * SS] as [number, number]),
      );
      fillNonZero(polys, cover, W, H);
      penX += g.advanceWidth * scale;
    }
  });
  const px = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let dy = 0; dy < SS; dy++) for (let dx = 0; dx < SS; dx++) s += cover[(y * SS + dy) * W + x * SS + dx];
      px[y * width + x] = 255 - Math.round((255 * s) / (SS * SS));
    }
  return { width, height, px };
}

function fillNonZero(polys: [number, number][][], cover: Uint8Array, W: number, H: number): void {
  if (!polys.length) return;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of polys)
    for (const [, y] of p) {
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  for (let y = Math.max(0, Math.floor(minY)); y <= Math.min(H - 1, Math.ceil(maxY)); y++) {
    const sy = y + 0.5;
    const xs: { x: number; w: number }[] = [];
    for (const p of polys)
      for (let i = 0; i < p.length; i++) {
        const [x1, y1] = p[i];
        const [x2, y2] = p[(i + 1) % p.length];
        if (y1 === y2) continue;
        if ((sy >= y1 && sy < y2) || (sy >= y2 && sy < y1))
          xs.push({ x: x1 + ((sy - y1) * (x2 - x1)) / (y2 - y1), w: y2 > y1 ? 1 : -1 });
      }
    xs.sort((a, b) => a.x - b.x);
    let wind = 0;
    for (let i = 0; i < xs.length - 1; i++) {
      wind += xs[i].w;
      if (wind === 0) continue;
      for (let x = Math.max(0, Math.ceil(xs[i].x - 0.5)); x < Math.min(W, Math.ceil(xs[i + 1].x - 0.5)); x++)
        cover[y * W + x] = 1;
    }
  }
}

/** A seeded generator, so a fixture is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rotates by `degrees` around the centre (bilinear), on a canvas large enough, grey outside. */
export function rotate(img: Gray, degrees: number, outside = 200): Gray {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const width = Math.ceil(Math.abs(img.width * cos) + Math.abs(img.height * sin));
  const height = Math.ceil(Math.abs(img.width * sin) + Math.abs(img.height * cos));
  const px = new Uint8Array(width * height);
  const cx = img.width / 2;
  const cy = img.height / 2;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const dx = x - width / 2;
      const dy = y - height / 2;
      const sx = cos * dx + sin * dy + cx;
      const sy = -sin * dx + cos * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= img.width || y0 + 1 >= img.height) {
        px[y * width + x] = outside;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const p = (xx: number, yy: number) => img.px[yy * img.width + xx];
      px[y * width + x] = Math.round(
        p(x0, y0) * (1 - fx) * (1 - fy) + p(x0 + 1, y0) * fx * (1 - fy) + p(x0, y0 + 1) * (1 - fx) * fy + p(x0 + 1, y0 + 1) * fx * fy,
      );
    }
  return { width, height, px };
}

/** Squeezes the grey range into [low, high] (a washed-out scan) and adds seeded noise. */
export function lowContrast(img: Gray, low: number, high: number, noise: number, seed: number): Gray {
  const r = rng(seed);
  const px = img.px.map((v) =>
    Math.max(0, Math.min(255, Math.round(low + ((high - low) * v) / 255 + (r() - 0.5) * 2 * noise))),
  );
  return { ...img, px };
}

/** Uneven light of a phone photo: darker towards one corner. */
export function shade(img: Gray, strength: number): Gray {
  const px = new Uint8Array(img.px.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const f = 1 - strength * ((x / img.width + y / img.height) / 2);
      px[y * img.width + x] = Math.round(img.px[y * img.width + x] * f);
    }
  return { ...img, px };
}

/** A faded thermal ticket: grey paper, strokes broken by seeded dropouts, light streaks down the roll. */
export function thermal(img: Gray, seed: number): Gray {
  const r = rng(seed);
  const streak = Array.from({ length: img.width }, () => (r() < 0.04 ? 40 : 0));
  const px = new Uint8Array(img.px.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const v = img.px[y * img.width + x];
      const ink = 255 - v; // 0..255
      const faded = ink * (0.55 + 0.2 * r()) * (r() < 0.05 ? 0.3 : 1);
      px[y * img.width + x] = Math.max(0, Math.min(255, Math.round(225 - faded * 0.8 + streak[x] + (r() - 0.5) * 16)));
    }
  return { ...img, px };
}

export function toPng(img: Gray): Buffer {
  const png = new PNG({ width: img.width, height: img.height, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data = Buffer.from(img.px);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
}

/** A "scanned PDF": the picture as the only content of an A4-width page, no text layer at all. */
export function toScannedPdf(png: Buffer, img: Gray): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const width = 420;
    const height = Math.round((img.height * width) / img.width);
    const doc = new PDFDocument({ size: [width, height], margin: 0, info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.image(png, 0, 0, { width, height });
    doc.end();
  });
}

const cents = (c: number) => `${Math.floor(c / 100)},${String(c % 100).padStart(2, '0')}`;

/** The lines a till prints for a receipt. */
export function receiptLines(t: Omit<ReceiptTruth, 'lines'>, items: [string, number][]): ReceiptTruth {
  const [y, m, d] = t.date.split('-');
  const excl = t.totalCents - t.vatCents;
  const lines = [
    t.supplier,
    '12 rue des Lilas 69001 Lyon',
    'SIRET 552 100 554 00025',
    `Date : ${d}/${m}/${y} 12:41`,
    '',
    ...items.map(([label, c]) => `${label.padEnd(20)}${cents(c).padStart(9)}`),
    '',
    `${'Total HT'.padEnd(20)}${cents(excl).padStart(9)}`,
    `${'TVA 10%'.padEnd(20)}${cents(t.vatCents).padStart(9)}`,
    `${'TOTAL TTC'.padEnd(20)}${cents(t.totalCents).padStart(9)}`,
    '',
    'Merci de votre visite',
  ];
  return { ...t, lines };
}
