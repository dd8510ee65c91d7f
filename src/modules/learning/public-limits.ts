// Rate limits of the module's public pages (MOOC sign-up, certificate verification): hits counted
// per hashed client address in `learning_public_hit` (no cooperative's data; kept a day).
import { createHmac } from 'node:crypto';
import type { Tx } from '../../core/db/handles.ts';
import { learningDb } from './db.ts';

export const publicIpHash = (key: Buffer, ip: string | null | undefined) =>
  createHmac('sha256', key)
    .update(`learning-ip:${ip ?? 'unknown'}`)
    .digest('base64url')
    .slice(0, 22);

/** Counts one hit of a public page from this address; true (and not counted) when the address
 *  already made `limit` hits within `windowMs`. Hits older than a day are dropped on the way. */
export async function overPublicLimit(
  tx: Tx,
  key: Buffer,
  action: 'mooc_signup' | 'certificate_verify',
  ip: string | null | undefined,
  limit: number,
  windowMs: number,
  now = Date.now(),
): Promise<boolean> {
  const db = learningDb(tx);
  const ipHash = publicIpHash(key, ip);
  await db
    .deleteFrom('learning_public_hit')
    .where('action', '=', action)
    .where('at', '<', new Date(now - 24 * 3600_000))
    .execute();
  const n = await db
    .selectFrom('learning_public_hit')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('action', '=', action)
    .where('ip_hash', '=', ipHash)
    .where('at', '>', new Date(now - windowMs))
    .executeTakeFirstOrThrow();
  if (Number(n.n) >= limit) return true;
  await db
    .insertInto('learning_public_hit')
    .values({ action, ip_hash: ipHash, at: new Date(now) })
    .execute();
  return false;
}
