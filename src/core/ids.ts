// UUIDv7 made in the app: time-ordered (good for B-tree inserts) and independent of the
// database version (uuidv7() exists only from PostgreSQL 18).
import { randomBytes } from 'node:crypto';

export type Brand<T, B extends string> = T & { readonly __brand: B };
export type CooperativeId = Brand<string, 'CooperativeId'>;
export type UserId = Brand<string, 'UserId'>;
export type NetworkId = Brand<string, 'NetworkId'>;
export type ActivityId = Brand<string, 'ActivityId'>;

let lastMs = 0;
let counter = 0;

export function uuidv7<T extends string = string>(now = Date.now()): T {
  // A 12-bit counter in rand_a keeps ids monotonic within the same millisecond.
  if (now <= lastMs) {
    counter = (counter + 1) & 0xfff;
    if (counter === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    counter = randomBytes(2).readUInt16BE(0) & 0x3ff;
  }
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` as T;
}

export const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
