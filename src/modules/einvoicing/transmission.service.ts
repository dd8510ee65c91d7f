// Invoices through the approved platform: a validated invoice or credit note of a French company
// is queued for the platform (the buyer's directory address taken from the customer); B2C and
// international sales are kept for e-reporting. The jobs send what is due (with retries and
// back-off), read the life-cycle statuses back, and send « encaissée » when a payment is recorded
// (the bank module records it when it matches a transfer). Network calls never run inside a
// database transaction: a claim (next attempt pushed forward) is committed first.
import { sql } from 'kysely';
import type { Db, Tx } from '../../core/db/tenant.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { systemActor, type Actor } from '../../core/actor.ts';
import { authorize, requireModule } from '../../core/authz.ts';
import { emit } from '../../core/events.ts';
import { NotFoundError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { activitiesFor } from '../directory/index.ts';
import {
  buildCii,
  buildUbl,
  getCustomer,
  loadInvoiceDocument,
  renderInvoicePdf,
  type InvoiceValidated,
  type PaymentRecorded,
} from '../sales/index.ts';
import { einvoicingDb } from './db.ts';
import { EINVOICING } from './permissions.ts';
import { EINVOICING_EVENTS, type EInvoiceStatusChanged } from './events.ts';
import { LIFECYCLE, type LifecycleStatus } from './statuses.ts';
import type { OutgoingDocument, StatusReport } from './adapter.ts';
import {
  adapterOf,
  claimWithPlatform,
  platformCooperatives,
  saveCursor,
  type PlatformEnv,
} from './platform.service.ts';
import type { Channel, PlatformFormat, SendState } from './schema.ts';

/** Delays before each new attempt; after the last one the transmission is marked failed. */
export const RETRY_DELAYS_SECONDS = [60, 300, 1800, 7200, 21600];
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** A claim: another worker leaves the row alone until then. */
export const CLAIM_SECONDS = 300;

const SYSTEM_LABEL = 'Plateforme de facturation électronique';
const system = (cooperativeId: string) => systemActor(cooperativeId, SYSTEM_LABEL);

/** The directory address (annuaire) to send to: the customer's electronic address, else its SIREN. */
export function routingAddressOf(c: { electronicAddress: string | null; siren: string | null }): string | null {
  return c.electronicAddress?.trim() || c.siren?.trim() || null;
}

// --- on validation and payment (event handlers, in the sales transaction) ------------------------

export async function recordValidated(tx: Tx, actor: Actor, p: InvoiceValidated): Promise<void> {
  requireModule(actor, 'einvoicing');
  const customer = await getCustomer(tx, system(actor.cooperativeId), p.customerId);
  const country = customer?.address.countryCode ?? 'FR';
  const channel: Channel = country !== 'FR' ? 'international' : customer?.kind === 'company' ? 'platform' : 'b2c';
  await einvoicingDb(tx)
    .insertInto('einvoice_transmission')
    .values({
      cooperative_id: actor.cooperativeId,
      invoice_id: p.invoiceId,
      activity_id: p.activityId,
      number: p.number,
      type_code: p.typeCode,
      issue_date: p.issueDate,
      customer_id: p.customerId,
      customer_name: p.customerName,
      channel,
      routing_address: customer && channel === 'platform' ? routingAddressOf(customer) : null,
      shares: JSON.stringify(p.shares),
      total_excl_cents: p.totalExclCents,
      vat_cents: p.vatCents,
      total_incl_cents: p.totalInclCents,
      state: channel === 'platform' ? 'to_send' : null,
      next_attempt_at: channel === 'platform' ? new Date() : null,
      last_error: null,
      format: null,
      platform_ref: null,
      sent_at: null,
      status: null,
      status_at: null,
      status_reason: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'invoice_id']).doNothing())
    .execute();
}

export async function recordPaymentReceived(tx: Tx, actor: Actor, p: PaymentRecorded): Promise<void> {
  await recordPaymentsReceived(tx, actor, [p]);
}

/** `recordPaymentReceived` for several payments: one read of their invoices' transmissions, one
 *  insert (bank matching records hundreds of payments at once). */
export async function recordPaymentsReceived(tx: Tx, actor: Actor, ps: PaymentRecorded[]): Promise<void> {
  requireModule(actor, 'einvoicing');
  if (!ps.length) return;
  const channels = new Map<string, string>();
  const invoiceIds = [...new Set(ps.map((p) => p.invoiceId))];
  for (let i = 0; i < invoiceIds.length; i += 1000)
    for (const t of await einvoicingDb(tx)
      .selectFrom('einvoice_transmission')
      .select(['invoice_id', 'channel'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('invoice_id', 'in', invoiceIds.slice(i, i + 1000))
      .execute())
      channels.set(t.invoice_id, t.channel);
  const now = new Date();
  // Invoices validated before the module existed have no transmission: nothing to report.
  const rows = ps
    .filter((p) => channels.has(p.invoiceId))
    .map((p) => {
      // Only invoices that went through the platform get the « encaissée » status back.
      const report = channels.get(p.invoiceId) === 'platform' && p.amountCents > 0;
      return {
        cooperative_id: actor.cooperativeId,
        payment_id: p.paymentId,
        invoice_id: p.invoiceId,
        date: p.date,
        amount_cents: p.amountCents,
        shares: JSON.stringify(p.shares),
        state: report ? ('to_send' as const) : null,
        next_attempt_at: report ? now : null,
        last_error: null,
        sent_at: null,
      };
    });
  for (let i = 0; i < rows.length; i += 1000)
    await einvoicingDb(tx)
      .insertInto('einvoice_payment')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['cooperative_id', 'payment_id']).doNothing())
      .execute();
}

// --- reading (the invoice page, the lists) -----------------------------------------------------

export interface Transmission {
  invoiceId: string;
  activityId: string;
  number: string;
  typeCode: string;
  issueDate: string;
  customerName: string;
  channel: Channel;
  routingAddress: string | null;
  totalInclCents: number;
  state: SendState | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  format: PlatformFormat | null;
  platformRef: string | null;
  sentAt: Date | null;
  status: LifecycleStatus | null;
  statusAt: Date | null;
  statusReason: string | null;
}
export interface StatusEntry {
  status: LifecycleStatus;
  occurredAt: Date;
  reason: string | null;
  source: 'platform' | 'radieuse';
}

const COLUMNS = [
  'invoice_id',
  'activity_id',
  'number',
  'type_code',
  'issue_date',
  'customer_name',
  'channel',
  'routing_address',
  'total_incl_cents',
  'state',
  'attempts',
  'next_attempt_at',
  'last_error',
  'format',
  'platform_ref',
  'sent_at',
  'status',
  'status_at',
  'status_reason',
] as const;
type Row = Record<(typeof COLUMNS)[number], unknown>;
const toTransmission = (r: Row): Transmission => ({
  invoiceId: r.invoice_id as string,
  activityId: r.activity_id as string,
  number: r.number as string,
  typeCode: r.type_code as string,
  issueDate: String(r.issue_date).slice(0, 10),
  customerName: r.customer_name as string,
  channel: r.channel as Channel,
  routingAddress: r.routing_address as string | null,
  totalInclCents: Number(r.total_incl_cents),
  state: r.state as SendState | null,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at as Date | null,
  lastError: r.last_error as string | null,
  format: r.format as PlatformFormat | null,
  platformRef: r.platform_ref as string | null,
  sentAt: r.sent_at as Date | null,
  status: r.status as LifecycleStatus | null,
  statusAt: r.status_at as Date | null,
  statusReason: r.status_reason as string | null,
});

/** The activities an actor may see the e-invoicing state of (null: all of the cooperative). */
async function visibleActivities(tx: Tx, actor: Actor, scope: 'all' | 'own'): Promise<string[] | null> {
  if (scope === 'all') return null;
  return (await activitiesFor(tx, actor)).map((a) => a.id);
}

/** The e-invoicing state of one invoice and its history (null: not handled by the module). */
export async function invoiceEInvoicing(
  tx: Tx,
  actor: Actor,
  invoiceId: string,
): Promise<{ transmission: Transmission; history: StatusEntry[] } | null> {
  const scope = authorize(actor, EINVOICING.read);
  const r = await einvoicingDb(tx)
    .selectFrom('einvoice_transmission')
    .select(COLUMNS)
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirst();
  if (!r) return null;
  const mine = await visibleActivities(tx, actor, scope);
  if (mine && !mine.includes(r.activity_id)) return null;
  const history = await einvoicingDb(tx)
    .selectFrom('einvoice_status')
    .select(['status', 'occurred_at', 'reason', 'source'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('invoice_id', '=', invoiceId)
    .orderBy('occurred_at')
    .orderBy('created_at')
    .execute();
  return {
    transmission: toTransmission(r as Row),
    history: history.map((h) => ({
      status: h.status as LifecycleStatus,
      occurredAt: h.occurred_at,
      reason: h.reason,
      source: h.source,
    })),
  };
}

/** Transmissions to the platform (the module's page), most recent first. */
export async function listTransmissions(
  tx: Tx,
  actor: Actor,
  f: { attention?: boolean; limit?: number } = {},
): Promise<Transmission[]> {
  const scope = authorize(actor, EINVOICING.read);
  const mine = await visibleActivities(tx, actor, scope);
  if (mine && !mine.length) return [];
  let q = einvoicingDb(tx)
    .selectFrom('einvoice_transmission')
    .select(COLUMNS)
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('channel', '=', 'platform');
  if (mine) q = q.where('activity_id', 'in', mine);
  if (f.attention)
    q = q.where((eb) => eb.or([eb('state', '=', 'failed'), eb('status', 'in', ['refused', 'disputed'])]));
  const rows = await q
    .orderBy('issue_date', 'desc')
    .orderBy('number', 'desc')
    .limit(f.limit ?? 200)
    .execute();
  return rows.map((r) => toTransmission(r as Row));
}

/** A failed transmission is tried again from now (accountants, direction). */
export async function retryTransmission(tx: Tx, actor: Actor, invoiceId: string): Promise<void> {
  authorize(actor, EINVOICING.operate);
  const r = await einvoicingDb(tx)
    .updateTable('einvoice_transmission')
    .set({ state: 'to_send', attempts: 0, next_attempt_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('invoice_id', '=', invoiceId)
    .where('channel', '=', 'platform')
    .where('state', '=', 'failed')
    .returning('number')
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Transmission en échec');
  await audit(tx, actor, {
    action: 'einvoicing.transmission_retried',
    targetType: 'invoice',
    targetId: invoiceId,
    data: { number: r.number },
  });
}

// --- statuses ----------------------------------------------------------------------------------

/** Stores one status (once: the same status at the same instant is not repeated) and emits it. */
async function storeStatus(
  tx: Tx,
  cooperativeId: string,
  invoiceId: string,
  s: { status: LifecycleStatus; occurredAt: Date; reason: string | null; source: 'platform' | 'radieuse' },
): Promise<boolean> {
  const trx = einvoicingDb(tx);
  const inserted = await trx
    .insertInto('einvoice_status')
    .values({
      cooperative_id: cooperativeId,
      id: uuidv7(),
      invoice_id: invoiceId,
      status: s.status,
      occurred_at: s.occurredAt,
      reason: s.reason,
      source: s.source,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'invoice_id', 'status', 'occurred_at']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  // The current status is the latest in time (statuses may arrive out of order).
  const t = await trx
    .updateTable('einvoice_transmission')
    .set({ status: s.status, status_at: s.occurredAt, status_reason: s.reason })
    .where('cooperative_id', '=', cooperativeId)
    .where('invoice_id', '=', invoiceId)
    .where((eb) => eb.or([eb('status_at', 'is', null), eb('status_at', '<=', s.occurredAt)]))
    .returning(['number', 'activity_id'])
    .executeTakeFirst();
  const info =
    t ??
    (await trx
      .selectFrom('einvoice_transmission')
      .select(['number', 'activity_id'])
      .where('cooperative_id', '=', cooperativeId)
      .where('invoice_id', '=', invoiceId)
      .executeTakeFirstOrThrow());
  await emit<EInvoiceStatusChanged>(tx, system(cooperativeId), EINVOICING_EVENTS.statusChanged, {
    invoiceId,
    number: info.number,
    activityId: info.activity_id,
    status: s.status,
    code: LIFECYCLE[s.status].code,
    label: LIFECYCLE[s.status].label,
    occurredAt: s.occurredAt.toISOString(),
    reason: s.reason,
    source: s.source,
  });
  return true;
}

/** Statuses reported by the platform, stored in one transaction. Unknown references are counted. */
export async function applyStatusReports(
  tx: Tx,
  cooperativeId: string,
  items: StatusReport[],
): Promise<{ stored: number; unknown: number }> {
  let stored = 0;
  let unknown = 0;
  for (const it of items) {
    const t = await einvoicingDb(tx)
      .selectFrom('einvoice_transmission')
      .select('invoice_id')
      .where('cooperative_id', '=', cooperativeId)
      .where('platform_ref', '=', it.platformRef)
      .executeTakeFirst();
    if (!t) {
      unknown++;
      continue;
    }
    if (await storeStatus(tx, cooperativeId, t.invoice_id, { ...it, source: 'platform' })) stored++;
  }
  return { stored, unknown };
}

// --- the jobs ------------------------------------------------------------------------------------

type OpenDbLike = { db: Db };
export interface JobResult {
  sent: number;
  failed: number;
  statuses: number;
  errors: string[];
}

async function buildDocument(
  tx: Tx,
  cooperativeId: string,
  invoiceId: string,
  format: PlatformFormat,
  routing: string | null,
): Promise<OutgoingDocument> {
  const doc = await loadInvoiceDocument(tx, system(cooperativeId), invoiceId);
  const base = doc.number.replace(/[^A-Za-z0-9_-]/g, '_');
  const content =
    format === 'facturx'
      ? await renderInvoicePdf(doc)
      : Buffer.from(format === 'cii' ? buildCii(doc) : buildUbl(doc), 'utf8');
  return {
    invoiceId,
    number: doc.number,
    typeCode: doc.typeCode,
    issueDate: doc.issueDate,
    routingAddress: routing,
    format,
    fileName: `${base}.${format === 'facturx' ? 'pdf' : 'xml'}`,
    contentType: format === 'facturx' ? 'application/pdf' : 'application/xml',
    content,
    totalInclCents: doc.totals.grandTotalCents,
  };
}

export const nextAttempt = (attempts: number, now: Date) =>
  attempts >= MAX_ATTEMPTS ? null : new Date(now.getTime() + (RETRY_DELAYS_SECONDS[attempts - 1] ?? 0) * 1000);

/** Sends the due invoices, credit notes and « encaissée » statuses of every cooperative. */
export async function sendDue(odb: OpenDbLike, env: PlatformEnv, opts: { now?: Date } = {}): Promise<JobResult> {
  const result: JobResult = { sent: 0, failed: 0, statuses: 0, errors: [] };
  const coops = await withSystem(odb.db, (tx) => platformCooperatives(tx));
  for (const coop of coops) {
    const now = opts.now ?? new Date();
    // 1. Claim and build in one transaction (the documents are rendered from the frozen invoice).
    const work = await claimWithPlatform(odb.db, coop, env, result.errors, async (tx, platform) => {
      const trx = einvoicingDb(tx);
      const due = await trx
        .selectFrom('einvoice_transmission')
        .select(['invoice_id', 'routing_address', 'attempts'])
        .where('cooperative_id', '=', coop)
        .where('state', '=', 'to_send')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(20)
        .forUpdate()
        .skipLocked()
        .execute();
      const docs: { doc: OutgoingDocument; attempts: number }[] = [];
      for (const d of due) {
        await trx
          .updateTable('einvoice_transmission')
          .set({ attempts: sql<number>`attempts + 1`, next_attempt_at: new Date(now.getTime() + CLAIM_SECONDS * 1000) })
          .where('cooperative_id', '=', coop)
          .where('invoice_id', '=', d.invoice_id)
          .execute();
        docs.push({
          doc: await buildDocument(tx, coop, d.invoice_id, platform.format, d.routing_address),
          attempts: d.attempts + 1,
        });
      }
      const payments = await trx
        .selectFrom('einvoice_payment')
        .innerJoin('einvoice_transmission as t', (j) =>
          j
            .onRef('t.cooperative_id', '=', 'einvoice_payment.cooperative_id')
            .onRef('t.invoice_id', '=', 'einvoice_payment.invoice_id'),
        )
        .select([
          'einvoice_payment.payment_id',
          'einvoice_payment.invoice_id',
          'einvoice_payment.date',
          'einvoice_payment.amount_cents',
          'einvoice_payment.attempts',
          't.platform_ref',
        ])
        .where('einvoice_payment.cooperative_id', '=', coop)
        .where('einvoice_payment.state', '=', 'to_send')
        .where('einvoice_payment.next_attempt_at', '<=', now)
        .where('t.platform_ref', 'is not', null)
        .limit(50)
        .execute();
      for (const p of payments)
        await trx
          .updateTable('einvoice_payment')
          .set({ attempts: sql<number>`attempts + 1`, next_attempt_at: new Date(now.getTime() + CLAIM_SECONDS * 1000) })
          .where('cooperative_id', '=', coop)
          .where('payment_id', '=', p.payment_id)
          .execute();
      return { platform, docs, payments };
    });
    if (!work) continue;
    // 2. Outside any transaction: the platform.
    for (const { doc, attempts } of work.docs) {
      let ref: string | null = null;
      let error: string | null = null;
      try {
        ref = (await work.platform.adapter.send(doc)).platformRef;
      } catch (e) {
        error = (e as Error).message.slice(0, 500) || 'Erreur inconnue';
      }
      await withTenant(odb.db, coop, async (tx) => {
        const trx = einvoicingDb(tx);
        if (ref) {
          await trx
            .updateTable('einvoice_transmission')
            .set({
              state: 'sent',
              platform_ref: ref,
              format: work.platform.format,
              sent_at: new Date(),
              last_error: null,
              next_attempt_at: null,
            })
            .where('cooperative_id', '=', coop)
            .where('invoice_id', '=', doc.invoiceId)
            .execute();
          // Handing the document over is the first status of its life: « déposée ».
          await storeStatus(tx, coop, doc.invoiceId, {
            status: 'deposited',
            occurredAt: new Date(),
            reason: null,
            source: 'radieuse',
          });
          result.sent++;
        } else {
          const next = nextAttempt(attempts, now);
          await trx
            .updateTable('einvoice_transmission')
            .set({ state: next ? 'to_send' : 'failed', last_error: error, next_attempt_at: next })
            .where('cooperative_id', '=', coop)
            .where('invoice_id', '=', doc.invoiceId)
            .execute();
          result.failed++;
          result.errors.push(`${doc.number} : ${error}`);
        }
      });
    }
    for (const p of work.payments) {
      let error: string | null = null;
      try {
        await work.platform.adapter.sendStatus({
          platformRef: p.platform_ref!,
          status: 'collected',
          occurredOn: String(p.date).slice(0, 10),
          amountCents: Number(p.amount_cents),
        });
      } catch (e) {
        error = (e as Error).message.slice(0, 500) || 'Erreur inconnue';
      }
      await withTenant(odb.db, coop, async (tx) => {
        const trx = einvoicingDb(tx);
        if (!error) {
          await trx
            .updateTable('einvoice_payment')
            .set({ state: 'sent', sent_at: new Date(), last_error: null, next_attempt_at: null })
            .where('cooperative_id', '=', coop)
            .where('payment_id', '=', p.payment_id)
            .execute();
          // In the history at the instant it was reported: the payment's date (a day, told to
          // the platform) would sort before statuses the platform reported earlier that day.
          await storeStatus(tx, coop, p.invoice_id, {
            status: 'collected',
            occurredAt: new Date(),
            reason: null,
            source: 'radieuse',
          });
          result.statuses++;
        } else {
          const next = nextAttempt(p.attempts + 1, now);
          await trx
            .updateTable('einvoice_payment')
            .set({ state: next ? 'to_send' : 'failed', last_error: error, next_attempt_at: next })
            .where('cooperative_id', '=', coop)
            .where('payment_id', '=', p.payment_id)
            .execute();
          result.errors.push(`encaissement : ${error}`);
        }
      });
    }
  }
  return result;
}

/** Reads the statuses the platforms reported since the last time. */
export async function pullStatuses(odb: OpenDbLike, env: PlatformEnv): Promise<JobResult> {
  const result: JobResult = { sent: 0, failed: 0, statuses: 0, errors: [] };
  const coops = await withSystem(odb.db, (tx) => platformCooperatives(tx));
  for (const coop of coops) {
    try {
      const platform = await withTenant(odb.db, coop, (tx) => adapterOf(tx, coop, env));
      if (!platform) continue;
      const pulled = await platform.adapter.pullStatuses(platform.cursor);
      const r = await withTenant(odb.db, coop, async (tx) => {
        const applied = await applyStatusReports(tx, coop, pulled.items);
        await saveCursor(tx, coop, pulled.cursor);
        return applied;
      });
      await pulled.ack();
      result.statuses += r.stored;
      if (r.unknown) result.errors.push(`${r.unknown} statut(s) pour des factures inconnues`);
    } catch (e) {
      result.errors.push((e as Error).message);
    }
  }
  return result;
}
