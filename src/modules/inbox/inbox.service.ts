// The to-do inbox: every module registers a provider that computes, from its own state, what a
// person has to do. Nothing is stored but snoozes: an item disappears as soon as its cause is
// resolved. Items are ordered by urgency, then due date.
import type { Tx } from '../../core/db/handles.ts';
import { inboxDb, type TenantTx } from './db.ts';
import { authorize, moduleAvailable } from '../../core/authz.ts';
import { INBOX } from './permissions.ts';
import type { Actor } from '../../core/actor.ts';
import { UserError } from '../../core/errors.ts';
import { addDays, isIsoDate, type IsoDate } from '../../core/dates.ts';

export type Urgency = 'high' | 'medium' | 'low';
export interface InboxAction {
  label: string;
  href: string;
  method?: 'get' | 'post';
}
export interface InboxItem {
  /** Stable across computations, e.g. 'sales.invoice.submit:<id>' (used to snooze). */
  key: string;
  kind: string;
  /** Plain French: what to do. */
  title: string;
  /** Why it matters. */
  why: string;
  dueDate: IsoDate | null;
  urgency: Urgency;
  /** The one action that resolves the item. */
  action: InboxAction;
  link: string | null;
  /** A piece of advice rather than a task: shown apart on the home page ("Conseil"), not
   *  counted in "À faire", and never the reason for a digest e-mail on its own. */
  nudge?: boolean;
}
export interface InboxProvider {
  name: string;
  items(trx: TenantTx, actor: Actor, today: IsoDate): Promise<InboxItem[]>;
}

const providers = new Map<string, InboxProvider>();
export function registerInboxProvider(p: InboxProvider): void {
  providers.set(p.name, p);
}
export function inboxProviders(): string[] {
  return [...providers.keys()];
}

const RANK: Record<Urgency, number> = { high: 0, medium: 1, low: 2 };
export function sortItems(items: InboxItem[]): InboxItem[] {
  return [...items].sort(
    (a, b) =>
      RANK[a.urgency] - RANK[b.urgency] ||
      (a.dueDate ?? '9999-12-31').localeCompare(b.dueDate ?? '9999-12-31') ||
      a.key.localeCompare(b.key),
  );
}

/** Everything the actor has to do today, snoozed items left out. */
export async function computeInbox(
  tx: TenantTx,
  actor: Actor,
  today: IsoDate,
  opts: { includeSnoozed?: boolean } = {},
): Promise<InboxItem[]> {
  authorize(actor, INBOX.todoRead);
  const trx = inboxDb(tx);
  const all: InboxItem[] = [];
  // An organisation without the ERP (core/authz.ts) hears nothing from the ERP modules.
  for (const p of providers.values())
    if (moduleAvailable(actor, p.name.split('.')[0]!)) all.push(...(await p.items(tx, actor, today)));
  if (!actor.userId || opts.includeSnoozed) return sortItems(all);
  const snoozed = await trx
    .selectFrom('inbox_snooze')
    .select('item_key')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .where('until', '>', today)
    .execute();
  const hidden = new Set(snoozed.map((s) => s.item_key));
  return sortItems(all.filter((i) => !hidden.has(i.key)));
}

export const SNOOZE_CHOICES: [string, string][] = [
  ['1', 'Demain'],
  ['7', 'Dans une semaine'],
  ['30', 'Dans un mois'],
];

/** Hides an item until a date (it comes back that day if it is still to do). */
export async function snoozeItem(tx: Tx, actor: Actor, key: string, until: IsoDate, today: IsoDate): Promise<void> {
  authorize(actor, INBOX.todoSnooze);
  const trx = inboxDb(tx);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  // Keys are made by the providers: printable text, never a control character.
  if (!key || key.length > 300 || [...key].some((ch) => ch.charCodeAt(0) < 32))
    throw new UserError('Élément inconnu.', 'key');
  if (!isIsoDate(until) || until <= today) throw new UserError('Choisissez une date à venir.', 'until');
  if (until > addDays(today, 366)) throw new UserError("Reportez d'un an au plus.", 'until');
  await trx
    .insertInto('inbox_snooze')
    .values({ cooperative_id: actor.cooperativeId, user_id: actor.userId, item_key: key, until })
    .onConflict((oc) => oc.columns(['cooperative_id', 'user_id', 'item_key']).doUpdateSet({ until }))
    .execute();
}
