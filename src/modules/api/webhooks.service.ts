// Webhooks (Standard Webhooks convention, https://www.standardwebhooks.com): a cooperative
// subscribes URLs to events; each event of the domain (core/events.ts) that a subscription wants
// becomes a delivery row in the transaction of the action (an outbox: no event is lost, none is
// sent for an action rolled back). A pg-boss job (module.ts) sends the due deliveries: a signed
// POST with `webhook-id` (the delivery's id, the same on every attempt, so a receiver drops
// duplicates), `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
// "id.timestamp.body" under the secret>`. A failed attempt is retried with growing delays; a
// delivery that fails them all is marked failed; a subscription failing too many attempts in a
// row is disabled and shows in the directors' inbox. Deliveries are claimed with a lease
// (`locked_until`): two workers never send the same one at once, and a crashed worker's claim
// expires so the delivery is sent again, with the same id.
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize } from '../../core/authz.ts';
import type { Db, Tx } from '../../core/db/handles.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { checkOutboundUrl, outboundRequest } from '../../core/outbound.ts';
import { apiDb } from './db.ts';
import { API } from './permissions.ts';

/** The events one may subscribe to, with the domain events they come from. */
export const WEBHOOK_EVENTS = {
  'invoice.validated': 'Facture validée (numérotée)',
  'credit_note.validated': 'Avoir validé',
  'payment.recorded': 'Paiement reçu enregistré',
  'invoice.paid': 'Facture entièrement payée',
  'quote.sent': 'Devis envoyé au client',
  'quote.accepted': 'Devis accepté (en ligne ou devis signé)',
  'quote.refused': 'Devis refusé',
  'quote.invoiced': 'Facture (acompte, intermédiaire, solde) créée depuis un devis',
  'supplier_invoice.approved': 'Facture fournisseur approuvée',
  'supplier_invoice.paid': 'Facture fournisseur payée',
  'expense_report.approved': 'Note de frais validée',
  'expense_report.reimbursed': 'Note de frais remboursée',
  'e_invoice.status_changed': 'Facture électronique : nouveau statut (plateforme agréée)',
} as const;
export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;
const isEvent = (e: string): e is WebhookEvent => Object.hasOwn(WEBHOOK_EVENTS, e);

/** Delays before each retry (Standard Webhooks' suggested schedule): 8 attempts over ~28 h. */
export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000];
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** Failed attempts in a row (all deliveries of the subscription) before it is disabled. */
export const DISABLE_AFTER_FAILURES = 15;
export const LEASE_SECONDS = 60;
export const TIMEOUT_MS = 10_000;

export interface Subscription {
  id: string;
  url: string;
  description: string;
  events: WebhookEvent[];
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: Date;
}
export interface Delivery {
  id: string;
  subscriptionId: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

// --- signing ----------------------------------------------------------------------------------

export const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
/** `v1,<base64>`: HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed by the secret's bytes. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

// --- subscriptions ----------------------------------------------------------------------------

const checkUrl = (raw: string) => checkOutboundUrl(raw, 'url');

function toSubscription(r: {
  id: string;
  url: string;
  description: string;
  events: string[];
  secret: string;
  enabled: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: Date;
}): Subscription {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events.filter(isEvent),
    secret: r.secret,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    consecutiveFailures: r.consecutive_failures,
    createdAt: new Date(r.created_at),
  };
}

export async function createSubscription(
  tx: Tx,
  actor: Actor,
  input: { url: string; events: string[]; description?: string },
): Promise<Subscription> {
  authorize(actor, API.webhooks);
  const url = checkUrl(input.url);
  const events = [...new Set(input.events)];
  if (!events.length) throw new UserError('Choisissez au moins un événement.', 'events');
  const bad = events.filter((e) => !isEvent(e));
  if (bad.length) throw new UserError(`Événement inconnu : ${bad.join(', ')}.`, 'events');
  const description = (input.description ?? '').trim().slice(0, 200);
  const id = uuidv7();
  await apiDb(tx)
    .insertInto('webhook_subscription')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      url,
      description,
      events,
      secret: newSecret(),
      enabled: true,
      disabled_reason: null,
      created_by: actor.userId,
    })
    .execute();
  await audit(tx, actor, {
    action: 'api.webhook_created',
    targetType: 'webhook_subscription',
    targetId: id,
    data: { url, events },
  });
  return (await getSubscription(tx, actor, id))!;
}

export async function getSubscription(tx: Tx, actor: Actor, id: string): Promise<Subscription | null> {
  authorize(actor, API.webhooks);
  const r = await apiDb(tx)
    .selectFrom('webhook_subscription')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toSubscription(r) : null;
}

export async function listSubscriptions(tx: Tx, actor: Actor): Promise<Subscription[]> {
  authorize(actor, API.webhooks);
  const rows = await apiDb(tx)
    .selectFrom('webhook_subscription')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('created_at')
    .execute();
  return rows.map(toSubscription);
}

/** Enables (counting failures from zero again) or disables a subscription. */
export async function setSubscriptionEnabled(tx: Tx, actor: Actor, id: string, enabled: boolean): Promise<void> {
  authorize(actor, API.webhooks);
  const r = await apiDb(tx)
    .updateTable('webhook_subscription')
    .set({ enabled, disabled_reason: enabled ? null : 'Désactivé à la main.', consecutive_failures: 0 })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new NotFoundError('Webhook');
  await audit(tx, actor, {
    action: enabled ? 'api.webhook_enabled' : 'api.webhook_disabled',
    targetType: 'webhook_subscription',
    targetId: id,
  });
}

export async function listDeliveries(tx: Tx, actor: Actor, subscriptionId: string, limit = 50): Promise<Delivery[]> {
  authorize(actor, API.webhooks);
  const rows = await apiDb(tx)
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('subscription_id', '=', subscriptionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    event: r.event,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null,
    createdAt: new Date(r.created_at),
  }));
}

/** Sends a delivery again (same webhook-id: a receiver that already has it drops it). */
export async function replayDelivery(tx: Tx, actor: Actor, id: string, now = new Date()): Promise<void> {
  authorize(actor, API.webhooks);
  const r = await apiDb(tx)
    .updateTable('webhook_delivery')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new NotFoundError('Envoi');
  await audit(tx, actor, { action: 'api.webhook_replayed', targetType: 'webhook_delivery', targetId: id });
}

// --- from events to deliveries ----------------------------------------------------------------

/** In the action's transaction: one pending delivery per enabled subscription to this event. */
export async function enqueueEvent(
  tx: Tx,
  actor: Actor,
  event: WebhookEvent,
  data: Record<string, unknown>,
  now = new Date(),
): Promise<number> {
  return enqueueEvents(tx, actor, event, [data], now);
}

/** `enqueueEvent` for several events of one kind: the subscriptions read once, the deliveries
 *  inserted together (in the order of the events). Returns how many were queued. */
export async function enqueueEvents(
  tx: Tx,
  actor: Actor,
  event: WebhookEvent,
  datas: Record<string, unknown>[],
  now = new Date(),
): Promise<number> {
  if (!datas.length) return 0;
  const db = apiDb(tx);
  const subs = await db
    .selectFrom('webhook_subscription')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('enabled', '=', true)
    .where(sql<boolean>`${event} = any(events)`)
    .execute();
  const rows = datas.flatMap((data) =>
    subs.map((s) => ({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      subscription_id: s.id,
      event,
      payload: JSON.stringify({ type: event, timestamp: now.toISOString(), data }),
      status: 'pending' as const,
      next_attempt_at: now,
      locked_until: null,
      last_status_code: null,
      last_error: null,
      delivered_at: null,
    })),
  );
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('webhook_delivery')
      .values(rows.slice(i, i + 1000))
      .execute();
  return rows.length;
}

// --- sending ----------------------------------------------------------------------------------

export interface DeliverOptions {
  now?: Date;
  limit?: number;
  /** Tests and closed networks: allow loopback and private addresses. */
  allowPrivateAddresses?: boolean;
  fetchImpl?: typeof fetch;
}

/** Sends the due deliveries of every cooperative (the job's work). Returns what happened. */
export async function deliverDue(odb: { db: Db }, opts: DeliverOptions = {}) {
  const now = opts.now ?? new Date();
  const db = apiDb(odb.db);
  const lease = new Date(now.getTime() + LEASE_SECONDS * 1000);
  const claimed = await sql<{ cooperative_id: string; id: string }>`
    update webhook_delivery d set locked_until = ${lease}, attempts = d.attempts + 1
    where (d.cooperative_id, d.id) in (
      select cooperative_id, id from webhook_delivery
      where status = 'pending' and next_attempt_at <= ${now} and (locked_until is null or locked_until < ${now})
      order by next_attempt_at limit ${opts.limit ?? 50} for update skip locked)
    returning d.cooperative_id, d.id`.execute(db);
  const result = { sent: 0, failed: 0, disabled: 0 };
  for (const c of claimed.rows) {
    const d = await db
      .selectFrom('webhook_delivery')
      .innerJoin('webhook_subscription as s', (j) =>
        j
          .onRef('s.cooperative_id', '=', 'webhook_delivery.cooperative_id')
          .onRef('s.id', '=', 'webhook_delivery.subscription_id'),
      )
      .select([
        'webhook_delivery.payload',
        'webhook_delivery.attempts',
        'webhook_delivery.subscription_id',
        's.url',
        's.secret',
        's.enabled',
      ])
      .where('webhook_delivery.cooperative_id', '=', c.cooperative_id)
      .where('webhook_delivery.id', '=', c.id)
      .executeTakeFirstOrThrow();
    const body = typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload);
    let status: number | null = null;
    let error: string | null = null;
    if (!d.enabled) error = 'Abonnement désactivé.';
    else
      try {
        const ts = Math.floor(Date.now() / 1000);
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'Radieuse-Webhooks/1',
          'webhook-id': c.id,
          'webhook-timestamp': String(ts),
          'webhook-signature': sign(d.secret, c.id, ts, body),
        };
        if (opts.fetchImpl) {
          const res = await opts.fetchImpl(d.url, { method: 'POST', redirect: 'manual', headers, body });
          status = res.status;
          await res.body?.cancel().catch(() => undefined);
        } else {
          // Private addresses refused at connection time (DNS rebinding included); no redirect.
          const res = await outboundRequest(d.url, {
            method: 'POST',
            headers,
            body,
            timeoutMs: TIMEOUT_MS,
            maxResponseBytes: 64 * 1024,
            trusted: opts.allowPrivateAddresses,
          });
          status = res.status;
        }
        if (status < 200 || status >= 300) error = `Réponse HTTP ${status}`;
      } catch (e) {
        error = (e as Error).message.slice(0, 300) || 'Erreur réseau';
      }
    if (!error) {
      await db
        .updateTable('webhook_delivery')
        .set({
          status: 'delivered',
          delivered_at: new Date(),
          last_status_code: status,
          last_error: null,
          locked_until: null,
        })
        .where('cooperative_id', '=', c.cooperative_id)
        .where('id', '=', c.id)
        .execute();
      await db
        .updateTable('webhook_subscription')
        .set({ consecutive_failures: 0 })
        .where('cooperative_id', '=', c.cooperative_id)
        .where('id', '=', d.subscription_id)
        .execute();
      result.sent++;
      continue;
    }
    result.failed++;
    const last = d.attempts >= MAX_ATTEMPTS || !d.enabled;
    await db
      .updateTable('webhook_delivery')
      .set({
        status: last ? 'failed' : 'pending',
        last_status_code: status,
        last_error: error,
        locked_until: null,
        next_attempt_at: new Date(now.getTime() + (RETRY_DELAYS_SECONDS[d.attempts - 1] ?? 0) * 1000),
      })
      .where('cooperative_id', '=', c.cooperative_id)
      .where('id', '=', c.id)
      .execute();
    if (!d.enabled) continue;
    const sub = await db
      .updateTable('webhook_subscription')
      .set({ consecutive_failures: sql<number>`consecutive_failures + 1` })
      .where('cooperative_id', '=', c.cooperative_id)
      .where('id', '=', d.subscription_id)
      .returning('consecutive_failures')
      .executeTakeFirstOrThrow();
    if (sub.consecutive_failures >= DISABLE_AFTER_FAILURES) {
      await db
        .updateTable('webhook_subscription')
        .set({
          enabled: false,
          disabled_reason: `Désactivé automatiquement après ${sub.consecutive_failures} échecs d’envoi consécutifs (dernier : ${error}).`,
        })
        .where('cooperative_id', '=', c.cooperative_id)
        .where('id', '=', d.subscription_id)
        .where('enabled', '=', true)
        .execute();
      result.disabled++;
    }
  }
  return result;
}

/** Subscriptions disabled automatically, for the directors' inbox. */
export async function autoDisabledSubscriptions(tx: Tx, actor: Actor): Promise<Subscription[]> {
  const rows = await apiDb(tx)
    .selectFrom('webhook_subscription')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('enabled', '=', false)
    .where('disabled_reason', 'like', 'Désactivé automatiquement%')
    .execute();
  return rows.map(toSubscription);
}
