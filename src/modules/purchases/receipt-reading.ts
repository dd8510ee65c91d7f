// Reading receipts in the background. A request only stores the files and queues them
// (`queueReceipts`, then `requestJob`); the pg-boss queue "receipt-reading" runs
// `readQueuedReceipts`, which reads each file in the bounded pool of reader processes
// (document-reading.ts: OCR of photos and scanned PDFs, text layers, Factur-X) and adds one
// expense line per readable receipt for the person who sent it. The expense page polls
// `readingBatch` for progress. A receipt that cannot be read creates nothing and says why.
import { sql } from 'kysely';
import { moduleView, withSystem, withTenant, type Db, type Tx } from '../../core/db/tenant.ts';
import type { PurchasesTables } from './schema.ts';
import type { Actor, Role } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { readFile, storeFile } from '../../core/files.ts';
import { todayParis } from '../../core/dates.ts';
import type { Queue } from '../../core/jobs.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { NotFoundError } from '../../core/errors.ts';
import { activitiesFor } from '../directory/index.ts';
import { readIncomingDocument, type ParsedInvoice } from './incoming.ts';
import { addExpenseLine, type ReceiptInput } from './expense.service.ts';
import { defaultCategoryFor, MAX_RECEIPTS_AT_ONCE, readReceipt } from './bulk-receipts.ts';
import { PURCHASES } from './permissions.ts';
import { purchasesDb } from './db.ts';

/** This file's view of the database: the core tables and the purchases tables. */
const view = moduleView<PurchasesTables>();

export const RECEIPT_READING_QUEUE = 'receipt-reading';
/** A reading left "in progress" this long was cut short (a restart): it is read again. */
const STALE_MINUTES = 10;

export interface ReadingBatch {
  batchId: string;
  total: number;
  done: number;
  finished: boolean;
  items: {
    fileName: string;
    status: 'queued' | 'reading' | 'done' | 'failed';
    message: string | null;
    expenseLineId: string | null;
  }[];
}

/** Stores the receipts and queues them for reading; returns the batch to follow. */
export async function queueReceipts(
  trx: Tx,
  actor: Actor,
  fileKey: Buffer,
  files: ReceiptInput[],
  opts: { activityId: string },
): Promise<{ batchId: string; count: number }> {
  authorize(actor, PURCHASES.expenseLine);
  if (!actor.userId) throw new ForbiddenError();
  if (!files.length) throw new UserError('Choisissez un ou plusieurs justificatifs.', 'receipts');
  if (files.length > MAX_RECEIPTS_AT_ONCE)
    throw new UserError(`Pas plus de ${MAX_RECEIPTS_AT_ONCE} justificatifs à la fois.`, 'receipts');
  const own = (await activitiesFor(trx, actor)).filter((a) => !a.closedAt);
  if (!own.some((a) => a.id === opts.activityId))
    throw new UserError('Choisissez une de vos activités.', 'bulkActivityId');
  const batchId = uuidv7();
  for (const f of files) {
    const stored = await storeFile(trx, fileKey, {
      cooperativeId: actor.cooperativeId,
      name: f.name,
      purpose: 'receipt',
      content: f.content,
      field: 'receipts',
      createdBy: actor.userId,
    });
    await view(trx)
      .insertInto('receipt_reading')
      .values({
        cooperative_id: actor.cooperativeId,
        id: uuidv7(),
        batch_id: batchId,
        user_id: actor.userId,
        actor_roles: actor.roles.join(','),
        actor_label: actor.label,
        activity_id: opts.activityId,
        file_id: stored.id,
        file_name: stored.name,
        status: 'queued',
      })
      .execute();
  }
  await audit(trx, actor, {
    action: 'purchases.receipts.queued',
    targetType: 'receipt_reading',
    targetId: batchId,
    data: { count: files.length },
  });
  return { batchId, count: files.length };
}

function toBatch(
  batchId: string,
  rows: { file_name: string; status: string; message: string | null; expense_line_id: string | null }[],
): ReadingBatch {
  const done = rows.filter((r) => r.status === 'done' || r.status === 'failed').length;
  return {
    batchId,
    total: rows.length,
    done,
    finished: done === rows.length,
    items: rows.map((r) => ({
      fileName: r.file_name,
      status: r.status as ReadingBatch['items'][number]['status'],
      message: r.message,
      expenseLineId: r.expense_line_id,
    })),
  };
}

/** Progress of one batch; only its sender (or staff reading expense sheets) sees it. */
export async function readingBatch(trx: Tx, actor: Actor, batchId: string): Promise<ReadingBatch | null> {
  authorize(actor, PURCHASES.expenseLine);
  if (!isUuid(batchId) || !actor.userId) return null;
  const rows = await view(trx)
    .selectFrom('receipt_reading')
    .select(['file_name', 'status', 'message', 'expense_line_id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('batch_id', '=', batchId)
    .where('user_id', '=', actor.userId)
    .where('purpose', '=', 'expense')
    .orderBy('id')
    .execute();
  return rows.length ? toBatch(batchId, rows) : null;
}

/** My batches still being read, or finished in the last hour (shown on my expense sheet). */
export async function myRecentBatches(trx: Tx, actor: Actor): Promise<ReadingBatch[]> {
  authorize(actor, PURCHASES.expenseLine);
  if (!actor.userId) return [];
  const rows = await view(trx)
    .selectFrom('receipt_reading')
    .select(['batch_id', 'file_name', 'status', 'message', 'expense_line_id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .where('purpose', '=', 'expense')
    .where((eb) =>
      eb.or([eb('status', 'in', ['queued', 'reading']), eb('finished_at', '>', sql<Date>`now() - interval '1 hour'`)]),
    )
    .orderBy('id')
    .execute();
  const byBatch = new Map<string, typeof rows>();
  for (const r of rows) byBatch.set(r.batch_id, [...(byBatch.get(r.batch_id) ?? []), r]);
  // Only batches with something still to read: a finished one is shown once, by its own poll.
  return [...byBatch.entries()].map(([id, rs]) => toBatch(id, rs)).filter((b) => !b.finished);
}

/** Takes the next receipt to read of a cooperative (skip locked: several workers never take the same). */
async function claimNext(db: Db, cooperativeId: string) {
  return withTenant(db, cooperativeId, async (trx) => {
    const r = await sql<{ id: string }>`
      select id from receipt_reading
      where cooperative_id = ${cooperativeId}
        and (status = 'queued' or (status = 'reading' and started_at < now() - make_interval(mins => ${STALE_MINUTES})))
      order by created_at, id limit 1 for update skip locked`.execute(purchasesDb(trx));
    const id = r.rows[0]?.id;
    if (!id) return null;
    return view(trx)
      .updateTable('receipt_reading')
      .set({ status: 'reading', started_at: new Date() })
      .where('cooperative_id', '=', cooperativeId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

async function finish(
  db: Db,
  cooperativeId: string,
  id: string,
  status: 'done' | 'failed',
  message: string | null,
  expenseLineId: string | null = null,
) {
  await withTenant(db, cooperativeId, async (trx) => {
    const r = await view(trx)
      .updateTable('receipt_reading')
      .set({ status, message, expense_line_id: expenseLineId, finished_at: new Date() })
      .where('cooperative_id', '=', cooperativeId)
      .where('id', '=', id)
      .returning('file_id')
      .executeTakeFirstOrThrow();
    // A receipt that added nothing is not kept: the person sends it again with the form.
    if (status === 'failed')
      await purchasesDb(trx)
        .deleteFrom('stored_file')
        .where('cooperative_id', '=', cooperativeId)
        .where('id', '=', r.file_id)
        .execute();
  });
}

async function keepResult(db: Db, cooperativeId: string, id: string, result: ParsedInvoice) {
  await withTenant(db, cooperativeId, (trx) =>
    view(trx)
      .updateTable('receipt_reading')
      .set({ status: 'done', result: JSON.stringify(result), finished_at: new Date() })
      .where('cooperative_id', '=', cooperativeId)
      .where('id', '=', id)
      .execute(),
  );
}

/** Stores a supplier invoice photo or scan and queues its reading; the form is filled once it is read. */
export async function queueSupplierInvoiceReading(
  trx: Tx,
  actor: Actor,
  fileKey: Buffer,
  file: ReceiptInput,
): Promise<{ batchId: string }> {
  authorize(actor, PURCHASES.supplierInvoiceDraft);
  if (!actor.userId) throw new ForbiddenError();
  const stored = await storeFile(trx, fileKey, {
    cooperativeId: actor.cooperativeId,
    name: file.name,
    purpose: 'supplier-invoice',
    content: file.content,
    field: 'file',
    createdBy: actor.userId,
  });
  const batchId = uuidv7();
  await view(trx)
    .insertInto('receipt_reading')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      batch_id: batchId,
      user_id: actor.userId,
      actor_roles: actor.roles.join(','),
      actor_label: actor.label,
      purpose: 'supplier_invoice',
      activity_id: null,
      file_id: stored.id,
      file_name: stored.name,
      status: 'queued',
    })
    .execute();
  return { batchId };
}

/** A supplier invoice read in the background: what was read and its stored file (its sender only). */
export async function supplierInvoiceReading(
  trx: Tx,
  actor: Actor,
  batchId: string,
): Promise<{ batch: ReadingBatch; parsed: ParsedInvoice | null; fileId: string }> {
  authorize(actor, PURCHASES.supplierInvoiceDraft);
  if (!isUuid(batchId) || !actor.userId) throw new NotFoundError('Lecture');
  const r = await view(trx)
    .selectFrom('receipt_reading')
    .select(['file_name', 'status', 'message', 'expense_line_id', 'result', 'file_id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('batch_id', '=', batchId)
    .where('user_id', '=', actor.userId)
    .where('purpose', '=', 'supplier_invoice')
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Lecture');
  const result = typeof r.result === 'string' ? JSON.parse(r.result) : r.result;
  return { batch: toBatch(batchId, [r]), parsed: (result as ParsedInvoice | null) ?? null, fileId: r.file_id };
}

/**
 * The job: reads every queued receipt (of one cooperative, or of all), one at a time per job;
 * the reader pool bounds the processes of the whole server. Returns how many were handled.
 */
export async function readQueuedReceipts(db: Db, fileKey: Buffer, only?: { cooperativeId?: string }): Promise<number> {
  const coops = only?.cooperativeId
    ? [only.cooperativeId]
    : (
        await withSystem(db, (trx) =>
          view(trx)
            .selectFrom('receipt_reading')
            .select('cooperative_id')
            .distinct()
            .where('status', 'in', ['queued', 'reading'])
            .execute(),
        )
      ).map((r) => r.cooperative_id);
  let n = 0;
  for (const coop of coops) {
    for (;;) {
      const job = await claimNext(db, coop);
      if (!job) break;
      n++;
      // The person who sent the receipt, with the roles held then: addExpenseLine checks again
      // that the activity is theirs and that the receipt is not already claimed.
      const actor: Actor = {
        userId: job.user_id as UserId,
        cooperativeId: coop as CooperativeId,
        roles: job.actor_roles.split(',').filter(Boolean) as Role[],
        label: job.actor_label,
      };
      try {
        const file = await withTenant(db, coop, (trx) => readFile(trx, fileKey, coop, job.file_id));
        if (job.purpose === 'supplier_invoice') {
          const parsed = await readIncomingDocument(file.content, file.mimeType);
          await keepResult(db, coop, job.id, { ...parsed, text: parsed.text?.slice(0, 4000) ?? '' });
          continue;
        }
        const read = await readReceipt({ name: file.name, mimeType: file.mimeType, content: file.content });
        if (!read.ok) {
          await finish(db, coop, job.id, 'failed', read.message);
          continue;
        }
        const today = todayParis();
        const line = await withTenant(db, coop, (trx) =>
          addExpenseLine(trx, actor, fileKey, {
            date: read.date && read.date <= today ? read.date : today,
            category: defaultCategoryFor(read.totalInclCents, read.vatCents),
            description: (read.seller ?? '').slice(0, 200) || undefined,
            activityId: job.activity_id ?? '',
            amountInclCents: read.totalInclCents,
            vatCents: read.vatCents,
            receiptFileId: job.file_id,
          }),
        );
        await finish(db, coop, job.id, 'done', null, line.id);
      } catch (e) {
        const message =
          e instanceof UserError
            ? e.fields && Object.keys(e.fields).length > 1
              ? Object.values(e.fields).join(' ')
              : e.message
            : "Ce justificatif n'a pas pu être lu : saisissez la dépense à la main.";
        await finish(db, coop, job.id, 'failed', message);
      }
    }
  }
  return n;
}

/** The queue (asked for after each upload) and its handler. */
export function receiptReadingQueue(db: Db, fileKey: Buffer): Queue {
  return {
    name: RECEIPT_READING_QUEUE,
    handler: async (data) => {
      const coop = (data as { cooperativeId?: unknown } | null)?.cooperativeId;
      await readQueuedReceipts(db, fileKey, typeof coop === 'string' && isUuid(coop) ? { cooperativeId: coop } : {});
    },
  };
}
