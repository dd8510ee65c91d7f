// The master keys of file encryption (core/file-keys.ts): the current one (RADIEUSE_FILE_KEY)
// and, during a rotation, the previous ones (RADIEUSE_FILE_KEY_PREVIOUS). Kept apart from
// file-keys.ts so that config.ts can register them without importing the database layer.
import { createHmac } from 'node:crypto';

/** Names a master key without revealing it: 16 hex of an HMAC-SHA-256 keyed by it (one-way). */
export function masterKeyFingerprint(masterKey: Buffer): string {
  return createHmac('sha256', masterKey).update('radieuse master key fingerprint v1').digest('hex').slice(0, 16);
}

// The previous master keys that go with a current one (RADIEUSE_FILE_KEY_PREVIOUS), set by
// loadConfig. Keyed by the current key's fingerprint: storeFile and readFile keep receiving
// only the current key, and a key that is not the configured current one brings no other
// (an old key alone opens only what it wrapped itself). The last configuration loaded for a
// current key wins, so a configuration without RADIEUSE_FILE_KEY_PREVIOUS drops them.
const previousByCurrent = new Map<string, Buffer[]>();

export function registerPreviousMasterKeys(current: Buffer, previous: Buffer[]): void {
  const fp = masterKeyFingerprint(current);
  const list: Buffer[] = [];
  for (const p of previous) if (!p.equals(current) && !list.some((k) => k.equals(p))) list.push(Buffer.from(p));
  if (list.length) previousByCurrent.set(fp, list);
  else previousByCurrent.delete(fp);
}

/** The master keys usable with `current`, by fingerprint, the current one first. */
export function masterKeyring(current: Buffer): Map<string, Buffer> {
  const ring = new Map([[masterKeyFingerprint(current), current]]);
  for (const p of previousByCurrent.get(masterKeyFingerprint(current)) ?? []) ring.set(masterKeyFingerprint(p), p);
  return ring;
}
