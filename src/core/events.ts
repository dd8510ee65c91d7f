// Domain events between modules: written to the `domain_event` table in the caller's
// transaction, and handed synchronously to in-process handlers that run in that same
// transaction (the ledger posts an invoice atomically with its validation). A module declares
// the events it emits in its events.ts and registers handlers for the ones it consumes.
//
// `emitMany` emits a list of events of one name at once (bank matching records hundreds of
// payments): one insert for the rows, and each handler given the whole list when it has a list
// form (`many`), so that it too works in a few statements; a handler without one gets the
// events one by one, in order.
import type { Tx } from './db/tenant.ts';
import type { Actor } from './actor.ts';
import { uuidv7 } from './ids.ts';
import { coreDb } from './db/handles.ts';

export type EventHandler<P = unknown> = (trx: Tx, actor: Actor, payload: P) => Promise<void>;
/** A handler's list form: the same effect as the handler run on each payload in order. */
export type EventListHandler<P = unknown> = (trx: Tx, actor: Actor, payloads: P[]) => Promise<void>;
interface Registered {
  one: EventHandler;
  many?: EventListHandler;
}
const handlers = new Map<string, Registered[]>();

export function onEvent<P>(name: string, handler: EventHandler<P>, many?: EventListHandler<P>): void {
  handlers.set(name, [
    ...(handlers.get(name) ?? []),
    { one: handler as EventHandler<unknown>, many: many as EventListHandler<unknown> | undefined },
  ]);
}

const eventRow = (actor: Actor, name: string, payload: unknown) => ({
  cooperative_id: actor.cooperativeId,
  id: uuidv7(),
  name,
  payload: JSON.stringify(payload),
  processed_at: new Date(),
});

export async function emit<P extends Record<string, unknown>>(
  tx: Tx,
  actor: Actor,
  name: string,
  payload: P,
): Promise<void> {
  const trx = coreDb(tx);
  await trx
    .insertInto('domain_event')
    .values(eventRow(actor, name, payload))
    .execute();
  for (const h of handlers.get(name) ?? []) await h.one(trx, actor, payload);
}

/** Rows per insert: 5 parameters a row, well under PostgreSQL's 65,535. */
const CHUNK = 1000;

/** Emits several events of one name: what `emit` on each would do, in a few statements. */
export async function emitMany<P extends Record<string, unknown>>(
  tx: Tx,
  actor: Actor,
  name: string,
  payloads: P[],
): Promise<void> {
  if (!payloads.length) return;
  const trx = coreDb(tx);
  const rows = payloads.map((p) => eventRow(actor, name, p));
  for (let i = 0; i < rows.length; i += CHUNK)
    await trx
      .insertInto('domain_event')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  for (const h of handlers.get(name) ?? []) {
    if (h.many) await h.many(trx, actor, payloads);
    else for (const p of payloads) await h.one(trx, actor, p);
  }
}
