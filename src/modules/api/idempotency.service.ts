// Idempotency keys on creations (Stripe's convention): the first request with a key runs and its
// answer is kept with the hash of its body; the same key again gives back that answer without
// running anything; the same key with another body is refused. The key is taken (a row inserted)
// in the creation's own transaction, so two concurrent requests with one key wait for each
// other, and a failed creation leaves no key behind.
import { createHash } from 'node:crypto';
import type { Tx } from '../../core/db/handles.ts';
import { UserError } from '../../core/errors.ts';
import type { Actor } from '../../core/actor.ts';
import { apiDb } from './db.ts';

export class IdempotencyConflict extends UserError {}

export const requestHash = (method: string, path: string, body: unknown) =>
  createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body)}`)
    .digest('hex');

export async function withIdempotency<T>(
  tx: Tx,
  actor: Actor,
  tokenId: string,
  key: string | undefined,
  hash: string,
  run: () => Promise<{ status: number; body: T }>,
): Promise<{ status: number; body: T; replayed: boolean }> {
  if (key === undefined) return { ...(await run()), replayed: false };
  if (!/^[\x21-\x7e]{1,255}$/.test(key))
    throw new UserError('En-tête Idempotency-Key invalide (1 à 255 caractères visibles).');
  const db = apiDb(tx);
  const taken = await db
    .insertInto('api_idempotency')
    .values({
      cooperative_id: actor.cooperativeId,
      token_id: tokenId,
      key,
      request_hash: hash,
      status_code: null,
      response: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'token_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!taken) {
    const prev = await db
      .selectFrom('api_idempotency')
      .selectAll()
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('token_id', '=', tokenId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (prev.request_hash !== hash)
      throw new IdempotencyConflict('Cette clé d’idempotence a déjà servi pour une autre requête.');
    return { status: prev.status_code ?? 200, body: prev.response as T, replayed: true };
  }
  const r = await run();
  await db
    .updateTable('api_idempotency')
    .set({ status_code: r.status, response: JSON.stringify(r.body) })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('token_id', '=', tokenId)
    .where('key', '=', key)
    .execute();
  return { ...r, replayed: false };
}
