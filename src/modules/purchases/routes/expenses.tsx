import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { fileResponse } from '../../../web/files.ts';
import { FILE_UPLOAD_LIMIT, MAX_UPLOAD_LIMIT, tooLargeMessage, uploadBodyLimit } from '../../../web/request-guards.ts';
import { setFlash } from '../../../web/middleware.ts';
import { UserError, NotFoundError } from '../../../core/errors.ts';
import { isIsoDate } from '../../../core/dates.ts';
import { parseCents } from '../../../core/money.ts';
import { isUuid } from '../../../core/ids.ts';
import { storeFile, readFile } from '../../../core/files.ts';
import { activitiesFor } from '../../directory/index.ts';
import {
  addExpenseLine,
  deleteExpenseLine,
  getExpenseReport,
  expenseReceiptFileId,
  submitExpenseReport,
} from '../expense.service.ts';
import { NeedsOcrError, readIncomingDocument, type ParsedInvoice } from '../incoming.ts';
import { MAX_RECEIPTS_AT_ONCE } from '../bulk-receipts.ts';
import { queueReceipts, RECEIPT_READING_QUEUE } from '../receipt-reading.ts';
import { requestJob } from '../../../core/jobs.ts';
import { tenant, fileKey, multipart, receiptErrors, badRequest } from './kit.ts';
import { euros } from '../views/kit.tsx';
import { currentMonth } from '../views/expense-sheet-table.tsx';
import { sheetPage } from './expense-sheet-page.tsx';

export const expenseRoutes = new Hono<AppEnv>();

expenseRoutes.get('/notes-de-frais', (c) => {
  // Back from a file too large for the upload: the message sits beside the field it came from.
  const tooLarge = tooLargeMessage(c);
  const field = c.req.query('champ') === 'justificatifs' ? 'receipts' : 'receipt';
  return sheetPage(c, c.req.query('mois') ?? currentMonth(), {}, tooLarge ? { [field]: tooLarge } : null);
});
expenseRoutes.post(
  '/notes-de-frais/ajouter',
  uploadBodyLimit(FILE_UPLOAD_LIMIT, { returnTo: '/notes-de-frais' }),
  async (c) => {
    const { f, file } = await multipart(c, 'receipt');
    const month = isIsoDate(f.date ?? '') ? f.date.slice(0, 7) : currentMonth();
    if (f.action === 'read') {
      if (!file) return sheetPage(c, month, f, { receipt: 'Choisissez la photo du ticket.' });
      try {
        let p: ParsedInvoice;
        try {
          // Text layers and e-invoices are read at once; a photo or a scan goes to the background.
          p = await readIncomingDocument(file.content, file.mimeType, { ocr: false });
        } catch (e) {
          if (!(e instanceof NeedsOcrError)) throw e;
          const acts = await tenant(c, async (trx, a) => (await activitiesFor(trx, a)).filter((x) => !x.closedAt));
          const activityId = acts.length === 1 ? acts[0].id : (f.activityId ?? '');
          if (!acts.some((x) => x.id === activityId))
            return sheetPage(c, month, f, { activityId: 'Choisissez une de vos activités.' });
          await queueAndRequest(c, [file], activityId);
          setFlash(c, {
            kind: 'info',
            text: 'Le ticket est en cours de lecture : la dépense sera ajoutée dans un instant, vérifiez-la ensuite.',
          });
          return c.redirect(`/notes-de-frais?mois=${month}`);
        }
        const stored = await tenant(c, (trx, a) =>
          storeFile(trx, fileKey(c), {
            cooperativeId: a.cooperativeId,
            name: file.name,
            purpose: 'receipt',
            content: file.content,
            field: 'receipt',
            createdBy: a.userId,
          }),
        );
        const values = {
          ...f,
          receiptFileId: stored.id,
          amount: euros(p.totalInclCents),
          vat: euros(p.vatCents),
          date: p.issueDate ?? f.date,
          description: f.description || (p.seller.name ?? ''),
        };
        return sheetPage(
          c,
          (values.date ?? '').slice(0, 7) || month,
          values,
          null,
          p.totalInclCents != null
            ? 'Ticket lu : vérifiez le montant et la date.'
            : "Le montant n'a pas pu être lu : saisissez-le.",
        );
      } catch (e) {
        return sheetPage(c, month, f, receiptErrors(e));
      }
    }
    const amount = parseCents(f.amount ?? '');
    const vat = f.vat?.trim() ? parseCents(f.vat) : null;
    const errors: Record<string, string> = {};
    if (amount === null) errors.amount = 'Montant invalide (ex. : 12,50).';
    if (f.vat?.trim() && vat === null) errors.vat = 'Montant de TVA invalide.';
    if (Object.keys(errors).length) return sheetPage(c, month, f, errors);
    try {
      await tenant(c, (trx, a) =>
        addExpenseLine(trx, a, fileKey(c), {
          date: f.date ?? '',
          category: f.category ?? '',
          description: f.description,
          activityId: f.activityId ?? '',
          amountInclCents: amount!,
          vatCents: vat,
          receipt: file,
          receiptFileId: file ? null : f.receiptFileId || null,
        }),
      );
    } catch (e) {
      return sheetPage(c, month, f, receiptErrors(e));
    }
    setFlash(c, { kind: 'success', text: 'Dépense ajoutée.' });
    return c.redirect(`/notes-de-frais?mois=${month}`);
  },
);
expenseRoutes.post(
  '/notes-de-frais/ajouter-plusieurs',
  uploadBodyLimit(MAX_UPLOAD_LIMIT, { returnTo: '/notes-de-frais?champ=justificatifs' }),
  async (c) => {
    const body = await c.req.parseBody({ all: true });
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const raw = body.receipts;
    const ups = (Array.isArray(raw) ? raw : raw == null ? [] : [raw]).filter(
      (u): u is File => u instanceof File && u.size > 0,
    );
    const month = currentMonth();
    if (!ups.length) return sheetPage(c, month, {}, { receipts: 'Choisissez un ou plusieurs justificatifs.' });
    if (ups.length > MAX_RECEIPTS_AT_ONCE)
      return sheetPage(c, month, {}, { receipts: `Pas plus de ${MAX_RECEIPTS_AT_ONCE} justificatifs à la fois.` });
    const acts = await tenant(c, async (trx, a) => (await activitiesFor(trx, a)).filter((x) => !x.closedAt));
    const activityId = acts.length === 1 ? acts[0].id : str('bulkActivityId');
    if (!acts.some((x) => x.id === activityId))
      return sheetPage(
        c,
        month,
        { bulkActivityId: activityId },
        { bulkActivityId: 'Choisissez une de vos activités.' },
      );
    const files = await Promise.all(
      ups.map(async (u) => ({
        name: u.name || 'justificatif',
        mimeType: u.type || 'application/octet-stream',
        content: Buffer.from(await u.arrayBuffer()),
      })),
    );
    try {
      await queueAndRequest(c, files, activityId);
    } catch (e) {
      return sheetPage(c, month, {}, badRequest(e));
    }
    setFlash(c, {
      kind: 'info',
      text: `${files.length > 1 ? `${files.length} justificatifs sont` : 'Le justificatif est'} en cours de lecture : une dépense est ajoutée pour chacun, vérifiez ensuite les montants, les dates et les catégories.`,
    });
    return c.redirect(`/notes-de-frais?mois=${month}`);
  },
);
/** Stores receipts for reading, then asks for the job once the transaction committed. */
async function queueAndRequest(
  c: Ctx,
  files: { name: string; mimeType: string; content: Buffer }[],
  activityId: string,
) {
  const q = await tenant(c, (trx, a) => queueReceipts(trx, a, fileKey(c), files, { activityId }));
  await requestJob(RECEIPT_READING_QUEUE, { cooperativeId: actorOf(c).cooperativeId, batchId: q.batchId });
}
expenseRoutes.post('/notes-de-frais/ligne/:id/supprimer', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Dépense');
  try {
    await tenant(c, (trx, a) => deleteExpenseLine(trx, a, id));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/notes-de-frais');
  }
  setFlash(c, { kind: 'success', text: 'Dépense supprimée.' });
  return c.redirect(
    c.req.header('referer')?.includes('/notes-de-frais')
      ? new URL(c.req.header('referer')!).pathname + new URL(c.req.header('referer')!).search
      : '/notes-de-frais',
  );
});
expenseRoutes.post('/notes-de-frais/:id/envoyer', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Note de frais');
  let month = currentMonth();
  try {
    month = await tenant(c, async (trx, a) => {
      const r = await getExpenseReport(trx, a, id);
      await submitExpenseReport(trx, a, id);
      return r!.month;
    });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/notes-de-frais');
  }
  setFlash(c, { kind: 'success', text: 'Note de frais envoyée à votre accompagnateur·rice.' });
  return c.redirect(`/notes-de-frais?mois=${month}`);
});
expenseRoutes.get('/notes-de-frais/justificatif/:id', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Justificatif');
  const f = await tenant(c, async (trx, a) => {
    const fileId = await expenseReceiptFileId(trx, a, id);
    if (!fileId) throw new NotFoundError('Justificatif');
    return readFile(trx, fileKey(c), a.cooperativeId, fileId);
  });
  return fileResponse(f, { inline: true });
});
