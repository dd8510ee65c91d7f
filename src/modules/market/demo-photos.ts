// The demo's photos, drawn in code (nothing downloaded): small RGB PNGs, a gradient of the
// profile's colour with a few stripes, encoded with node:zlib (deflate and the chunks' CRC-32).
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A `width` × `height` PNG: `rgb` fading to white from left to right, darker stripes every
 *  `stripe` rows. */
export function demoPng(rgb: [number, number, number], width = 64, height = 40, stripe = 8): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0 (none), then RGB
    const dark = y % stripe < 2 ? 0.7 : 1;
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const fade = rgb[c] + ((255 - rgb[c]) * x) / (width - 1);
        row[1 + x * 3 + c] = Math.round(fade * dark);
      }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The three demo pictures: an atelier (terracotta), a garden (green), a studio (blue). */
export const DEMO_PHOTOS: { name: string; alt: string; rgb: [number, number, number] }[] = [
  { name: 'atelier.png', alt: 'L’atelier', rgb: [190, 90, 60] },
  { name: 'jardin.png', alt: 'Un chantier au jardin', rgb: [70, 140, 80] },
  { name: 'studio.png', alt: 'Le studio', rgb: [60, 100, 170] },
];
