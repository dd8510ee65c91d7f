// The metadata stripper on real image bytes: a tiny JPEG, PNG and WebP, each given the blocks a
// phone adds (EXIF with a GPS position, XMP, text chunks); stripping gives back the original
// picture byte for byte, and malformed files are refused instead of being looped on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripImageMetadata } from './image-metadata.ts';
import { UserError } from './errors.ts';
import { detectFileType } from './files.ts';

const GPS = 'GPSLatitude 45.7640 N GPSLongitude 4.8357 E Owner Camille Martin';

// A minimal baseline JPEG: SOI, APP0 (JFIF), DQT, SOF0, DHT, SOS + scan data, EOI.
const seg = (marker: number, payload: Buffer) => {
  const h = Buffer.from([0xff, marker, 0, 0]);
  h.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([h, payload]);
};
const SOI = Buffer.from([0xff, 0xd8]);
const APP0 = seg(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'));
const DQT = seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
const SOF0 = seg(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
const DHT = seg(0xc4, Buffer.concat([Buffer.from([0]), Buffer.from([0, 1]), Buffer.alloc(14), Buffer.from([0])]));
const SOS = Buffer.concat([seg(0xda, Buffer.from([1, 1, 0, 0, 63, 0])), Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56])]);
const EOI = Buffer.from([0xff, 0xd9]);
const JPEG = Buffer.concat([SOI, APP0, DQT, SOF0, DHT, SOS, EOI]);

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const pngChunk = (type: string, data: Buffer) => {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(data.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, data, Buffer.alloc(4)]); // the CRC is not checked by the stripper
};
// A real 1×1 lossy WebP (RIFF, 'VP8 ' chunk).
const WEBP = Buffer.from('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA', 'base64');

test('a JPEG loses its EXIF, XMP, IPTC and comments and keeps every picture byte', async () => {
  const exif = seg(0xe1, Buffer.from(`Exif\0\0${GPS}`, 'latin1'));
  const xmp = seg(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>${GPS}</x:xmpmeta>`, 'latin1'));
  const iptc = seg(0xed, Buffer.from(`Photoshop 3.0\0${GPS}`, 'latin1'));
  const comment = seg(0xfe, Buffer.from(GPS, 'latin1'));
  const phone = Buffer.concat([SOI, APP0, exif, xmp, DQT, iptc, comment, SOF0, DHT, SOS, EOI]);
  const out = stripImageMetadata(phone, 'image/jpeg');
  assert.ok(!out.toString('latin1').includes('GPSLatitude'));
  assert.deepEqual(out, JPEG);
  assert.equal(await detectFileType(out), 'image/jpeg');
});

test('a PNG loses its text, EXIF and time chunks; the picture chunks are untouched', async () => {
  const ihdrEnd = 8 + 12 + 13;
  const phone = Buffer.concat([
    PNG.subarray(0, ihdrEnd),
    pngChunk('eXIf', Buffer.from(GPS, 'latin1')),
    pngChunk('tEXt', Buffer.from(`Author\0${GPS}`, 'latin1')),
    pngChunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${GPS}`, 'latin1')),
    pngChunk('tIME', Buffer.alloc(7)),
    PNG.subarray(ihdrEnd),
  ]);
  const out = stripImageMetadata(phone, 'image/png');
  assert.ok(!out.toString('latin1').includes('GPSLatitude'));
  assert.deepEqual(out, PNG);
  assert.equal(await detectFileType(out), 'image/png');
});

test('a WebP loses its EXIF and XMP chunks, their VP8X flags and keeps a correct RIFF size', async () => {
  const chunk = (type: string, data: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'latin1');
    h.writeUInt32LE(data.length, 4);
    return Buffer.concat([h, data, Buffer.alloc(data.length % 2)]);
  };
  const vp8x = Buffer.alloc(10); // flags byte first, then canvas size − 1 (0 × 0 → 1 × 1)
  vp8x[0] = 0x08 | 0x04;
  const body = Buffer.concat([
    chunk('VP8X', vp8x),
    WEBP.subarray(12),
    chunk('EXIF', Buffer.from(`Exif\0\0${GPS}`, 'latin1')),
    chunk('XMP ', Buffer.from(`<x:xmpmeta>${GPS}</x:xmpmeta>!`, 'latin1')),
  ]);
  const riff = Buffer.from('RIFF0000WEBP', 'latin1');
  riff.writeUInt32LE(body.length + 4, 4);
  const out = stripImageMetadata(Buffer.concat([riff, body]), 'image/webp');
  assert.ok(!out.toString('latin1').includes('GPSLatitude'));
  assert.equal(out.readUInt32LE(4), out.length - 8);
  assert.equal(out.toString('latin1', 12, 16), 'VP8X');
  assert.equal(out[20], 0, 'EXIF and XMP flags cleared');
  assert.deepEqual(out.subarray(30), WEBP.subarray(12), 'the picture chunk is unchanged');
  assert.deepEqual(stripImageMetadata(WEBP, 'image/webp'), WEBP);
  assert.equal(await detectFileType(out), 'image/webp');
});

test('truncated or lying lengths are refused with a French message, never read past the end', () => {
  const bad = [
    ['image/jpeg', Buffer.concat([SOI, Buffer.from([0xff, 0xe1, 0xff, 0xff, 0, 0])])],
    ['image/jpeg', Buffer.concat([SOI, APP0])], // no scan
    ['image/jpeg', Buffer.concat([SOI, Buffer.from([0xff, 0xe1, 0, 1])])], // length below 2
    ['image/png', Buffer.concat([PNG.subarray(0, 8), Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.from('IDAT')])],
    ['image/webp', Buffer.concat([WEBP.subarray(0, 16), Buffer.from([0xff, 0xff, 0xff, 0x7f])])],
  ] as const;
  for (const [type, content] of bad)
    assert.throws(
      () => stripImageMetadata(Buffer.from(content), type),
      (e) => e instanceof UserError && /illisible/.test(e.message),
    );
});
