// Removes the metadata blocks of a JPEG, PNG or WebP image before it is published: a phone photo
// carries its GPS position, the device and sometimes the owner's name in EXIF/XMP/IPTC blocks,
// and a public page must never give those away. Only whole blocks are dropped (the picture data
// is copied byte for byte, nothing is decoded), so this is fast and cannot alter the image.
// Every length read is checked against the buffer: a malformed file is refused, never looped on.

import { UserError } from './errors.ts';

const BAD = () => new UserError('Cette image est illisible ou abîmée.', 'photo');

/** The image without its metadata, for the three types the photo uploads accept. */
export function stripImageMetadata(content: Buffer, mimeType: string): Buffer {
  if (mimeType === 'image/jpeg') return stripJpeg(content);
  if (mimeType === 'image/png') return stripPng(content);
  if (mimeType === 'image/webp') return stripWebp(content);
  return content;
}

// JPEG: segments FF xx [len16] until SOS (FF DA), after which the entropy-coded data runs to EOI.
// Dropped: APP1 (EXIF, XMP), APP2..APP15 except APP14 (Adobe colour transform, needed to decode
// some CMYK files) and COM. APP0 (JFIF) is kept.
function stripJpeg(b: Buffer): Buffer {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw BAD();
  const kept: Buffer[] = [b.subarray(0, 2)];
  let i = 2;
  for (;;) {
    if (i + 4 > b.length || b[i] !== 0xff) throw BAD();
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    const len = b.readUInt16BE(i + 2);
    if (len < 2 || i + 2 + len > b.length) throw BAD();
    const end = i + 2 + len;
    if (marker === 0xda) {
      kept.push(b.subarray(i)); // start of scan: the rest is picture data
      return Buffer.concat(kept);
    }
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const drop = (isApp && marker !== 0xe0 && marker !== 0xee) || marker === 0xfe;
    if (!drop) kept.push(b.subarray(i, end));
    i = end;
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Text, EXIF and time chunks; everything that draws the picture (IHDR, PLTE, IDAT, tRNS, gAMA…) stays.
const PNG_DROP = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

function stripPng(b: Buffer): Buffer {
  if (b.length < 8 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) throw BAD();
  const kept: Buffer[] = [PNG_SIGNATURE];
  let i = 8;
  while (i < b.length) {
    if (i + 12 > b.length) throw BAD();
    const len = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    const end = i + 12 + len;
    if (end > b.length) throw BAD();
    if (!PNG_DROP.has(type)) kept.push(b.subarray(i, end));
    i = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(kept);
}

// WebP: RIFF 'WEBP' then chunks (fourcc, len32 LE, data padded to even). EXIF and XMP chunks are
// dropped and their presence bits in the VP8X header cleared, then the RIFF size is rewritten.
function stripWebp(b: Buffer): Buffer {
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') throw BAD();
  const kept: Buffer[] = [];
  let i = 12;
  while (i < b.length) {
    if (i + 8 > b.length) throw BAD();
    const type = b.toString('latin1', i, i + 4);
    const len = b.readUInt32LE(i + 4);
    const end = i + 8 + len + (len % 2);
    if (i + 8 + len > b.length) throw BAD();
    if (type === 'EXIF' || type === 'XMP ') {
      i = end;
      continue;
    }
    const chunk = Buffer.from(b.subarray(i, Math.min(end, b.length)));
    if (type === 'VP8X' && len >= 1) chunk[8] &= ~(0x08 | 0x04); // EXIF and XMP flags
    kept.push(chunk);
    i = end;
  }
  const body = Buffer.concat(kept);
  const header = Buffer.from('RIFF0000WEBP', 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  return Buffer.concat([header, body]);
}
