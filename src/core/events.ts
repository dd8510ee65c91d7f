// Domain events between modules: written to the `domain_event` table in the caller's
// transaction, and handed synchronously to in-process handlers that run in that same
// transaction (the ledger posts an invoice atomically with its validation). A module declares
// the events it emits in its events.ts and registers handlers for the ones it consumes.
import type { Tx } from './db/tenant.ts';
import type { Actor } from './actor.ts';
import { uuidv7 } from './ids.ts';
import { coreDb } from './db/handles.ts';

export type EventHandler<P = unknown> = (trx: Tx, actor: Actor, payload: P) => Promise<void>;
const handlers = new Map<string, EventHandler[]>();

export function onEvent<P>(name: string, handler: EventHandler<P>): void {
  handlers.set(name, [...(handlers.get(name) ?? []), handler as EventHandler<unknown>]);
}

export async function emit<P extends Record<string, unknown>>(
  tx: Tx,
  actor: Actor,
  name: string,
  payload: P,
): Promise<void> {
  const trx = coreDb(tx);
  await trx
    .insertInto('domain_event')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      name,
      payload: JSON.stringify(payload),
      processed_at: new Date(),
    })
    .execute();
  for (const h of handlers.get(name) ?? []) await h(trx, actor, payload);
}
