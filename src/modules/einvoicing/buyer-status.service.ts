// The buyer's side of the reform's life cycle: a supplier invoice that reached the cooperative
// through its approved platform, once approved in purchases, is reported « approuvée » (205),
// refused « refusée » (210) or disputed « en litige » (207) with the reform's reason code, and
// each payment of it « paiement transmis » (211, with the amount). Purchases' events queue the
// status in the transaction of the approval or payment; the minute job sends it outside any
// transaction, with the same retries as our invoices. Invoices that did not come through the
// platform (typed in, uploaded) have no platform id: nothing is queued for them.
import { sql } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { authorize, requireModule } from '../../core/authz.ts';
import { todayParis } from '../../core/dates.ts';
import type { Db, Tx } from '../../core/db/tenant.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { SupplierInvoiceApproved, SupplierInvoicePaid, SupplierInvoiceRefused } from '../purchases/index.ts';
import { einvoicingDb } from './db.ts';
import { EINVOICING } from './permissions.ts';
import { claimWithPlatform, platformCooperatives, type PlatformEnv } from './platform.service.ts';
import type { BuyerStatus, SendState } from './schema.ts';
import { CLAIM_SECONDS, type JobResult, nextAttempt } from './transmission.service.ts';

/** Queues a buyer status for the received invoice behind a supplier invoice, if there is one. */
async function queue(
  tx: Tx,
  actor: Actor,
  supplierInvoiceId: string,
  s: {
    status: BuyerStatus;
    sourceKey: string;
    occurredOn: string;
    amountCents: number | null;
    reason?: { code: string; text: string | null };
  },
): Promise<void> {
  requireModule(actor, 'einvoicing');
  const trx = einvoicingDb(tx);
  const incoming = await trx
    .selectFrom('einvoice_incoming')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('supplier_invoice_id', '=', supplierInvoiceId)
    .executeTakeFirst();
  if (!incoming) return;
  await trx
    .insertInto('einvoice_buyer_status')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      incoming_id: incoming.id,
      source_key: s.sourceKey,
      status: s.status,
      occurred_on: s.occurredOn,
      amount_cents: s.amountCents,
      reason_code: s.reason?.code ?? null,
      reason_text: s.reason?.text ?? null,
      state: 'to_send',
      next_attempt_at: new Date(),
      last_error: null,
      sent_at: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'status', 'source_key']).doNothing())
    .execute();
}

export const recordSupplierInvoiceApproved = (tx: Tx, actor: Actor, p: SupplierInvoiceApproved) =>
  queue(tx, actor, p.invoiceId, {
    status: 'approved',
    sourceKey: p.invoiceId,
    occurredOn: todayParis(),
    amountCents: null,
  });

export const recordSupplierInvoicePaid = (tx: Tx, actor: Actor, p: SupplierInvoicePaid) =>
  queue(tx, actor, p.invoiceId, {
    status: 'payment_sent',
    sourceKey: p.paymentId ?? p.invoiceId,
    occurredOn: p.date,
    amountCents: p.amountCents,
  });

/** Refused (210) or disputed (207): the reason code, and as text the note given (else the
 *  reason's label). Disputed then refused are two statuses, each sent once. */
export const recordSupplierInvoiceRefused = (tx: Tx, actor: Actor, p: SupplierInvoiceRefused) =>
  queue(tx, actor, p.invoiceId, {
    status: p.decision,
    sourceKey: p.invoiceId,
    occurredOn: p.date,
    amountCents: null,
    reason: { code: p.reasonCode, text: p.note ?? p.reasonLabel },
  });

/** Sends the due buyer statuses of every cooperative with a platform. */
export async function sendBuyerStatuses(
  odb: { db: Db },
  env: PlatformEnv,
  opts: { now?: Date } = {},
): Promise<JobResult> {
  const result: JobResult = { sent: 0, failed: 0, statuses: 0, errors: [] };
  const coops = await withSystem(odb.db, (tx) => platformCooperatives(tx));
  for (const coop of coops) {
    const now = opts.now ?? new Date();
    // 1. Claimed in one transaction (the next attempt pushed forward), so no other worker sends it.
    const work = await claimWithPlatform(odb.db, coop, env, result.errors, async (tx, platform) => {
      const trx = einvoicingDb(tx);
      const due = await trx
        .selectFrom('einvoice_buyer_status as b')
        .innerJoin('einvoice_incoming as i', (j) =>
          j.onRef('i.cooperative_id', '=', 'b.cooperative_id').onRef('i.id', '=', 'b.incoming_id'),
        )
        .select([
          'b.id',
          'b.status',
          'b.occurred_on',
          'b.amount_cents',
          'b.reason_code',
          'b.reason_text',
          'b.attempts',
          'i.platform_ref',
        ])
        .where('b.cooperative_id', '=', coop)
        .where('b.state', '=', 'to_send')
        .where('b.next_attempt_at', '<=', now)
        .orderBy('b.created_at')
        .limit(50)
        .forUpdate('b')
        .skipLocked()
        .execute();
      for (const d of due)
        await trx
          .updateTable('einvoice_buyer_status')
          .set({ attempts: sql<number>`attempts + 1`, next_attempt_at: new Date(now.getTime() + CLAIM_SECONDS * 1000) })
          .where('cooperative_id', '=', coop)
          .where('id', '=', d.id)
          .execute();
      return { platform, due };
    });
    if (!work) continue;
    // 2. Outside any transaction: the platform; then the outcome, each in its own transaction.
    for (const d of work.due) {
      let error: string | null = null;
      try {
        await work.platform.adapter.sendStatus({
          platformRef: d.platform_ref,
          status: d.status,
          occurredOn: String(d.occurred_on).slice(0, 10),
          amountCents: d.amount_cents === null ? null : Number(d.amount_cents),
          reason: d.reason_code ? { code: d.reason_code, text: d.reason_text } : null,
        });
      } catch (e) {
        error = (e as Error).message.slice(0, 500) || 'Erreur inconnue';
      }
      const next = error ? nextAttempt(d.attempts + 1, now) : null;
      const state: SendState = !error ? 'sent' : next ? 'to_send' : 'failed';
      await withTenant(odb.db, coop, (tx) =>
        einvoicingDb(tx)
          .updateTable('einvoice_buyer_status')
          .set({ state, sent_at: error ? null : new Date(), last_error: error, next_attempt_at: next })
          .where('cooperative_id', '=', coop)
          .where('id', '=', d.id)
          .execute(),
      );
      if (error) {
        result.failed++;
        result.errors.push(`statut acheteur : ${error}`);
      } else result.statuses++;
    }
  }
  return result;
}

export interface BuyerStatusEntry {
  status: BuyerStatus;
  occurredOn: string;
  amountCents: number | null;
  reasonCode: string | null;
  state: SendState;
  lastError: string | null;
}

/** The buyer statuses of received invoices, by received invoice (the overview page). */
export async function buyerStatusesOf(tx: Tx, actor: Actor, incomingIds: string[]) {
  authorize(actor, EINVOICING.operate);
  const out = new Map<string, BuyerStatusEntry[]>();
  if (!incomingIds.length) return out;
  const rows = await einvoicingDb(tx)
    .selectFrom('einvoice_buyer_status')
    .select(['incoming_id', 'status', 'occurred_on', 'amount_cents', 'reason_code', 'state', 'last_error'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('incoming_id', 'in', incomingIds)
    .orderBy('created_at')
    .execute();
  for (const r of rows) {
    const list = out.get(r.incoming_id) ?? [];
    out.set(r.incoming_id, list);
    list.push({
      status: r.status,
      occurredOn: String(r.occurred_on).slice(0, 10),
      amountCents: r.amount_cents === null ? null : Number(r.amount_cents),
      reasonCode: r.reason_code,
      state: r.state,
      lastError: r.last_error,
    });
  }
  return out;
}
