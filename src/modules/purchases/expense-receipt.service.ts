// A receipt given after the expense: the person who entered a line without its receipt (from
// the API, or before finding the ticket) adds it to that line while the sheet is still a draft.
// Same rules as a receipt given with the line (expense.service.ts): typed by its content and
// allow-listed by storeFile, never twice the same receipt in the cooperative.
import { createHash } from 'node:crypto';
import type { Actor } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize } from '../../core/authz.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { storeFile } from '../../core/files.ts';
import { purchasesDb } from './db.ts';
import { type ReceiptInput, refuseDuplicateReceipt } from './expense.service.ts';
import { PURCHASES } from './permissions.ts';

/** Attaches `receipt` to my expense line `lineId` (draft sheet, no receipt yet). Ownership is
 *  checked before the file, so another person's line is "not found" whatever is sent. */
export async function attachExpenseReceipt(
  trx: Tx,
  actor: Actor,
  fileKey: Buffer,
  lineId: string,
  receipt: ReceiptInput | null,
): Promise<{ fileId: string; reportId: string }> {
  authorize(actor, PURCHASES.expenseLine);
  const l = await purchasesDb(trx)
    .selectFrom('expense_line')
    .innerJoin('expense_report', (j) =>
      j
        .onRef('expense_report.cooperative_id', '=', 'expense_line.cooperative_id')
        .onRef('expense_report.id', '=', 'expense_line.report_id'),
    )
    .select([
      'expense_line.report_id',
      'expense_line.receipt_file_id',
      'expense_report.user_id',
      'expense_report.status',
    ])
    .where('expense_line.cooperative_id', '=', actor.cooperativeId)
    .where('expense_line.id', '=', lineId)
    // Two uploads to one line at once: the second waits, then sees the first receipt.
    .forUpdate('expense_line')
    .executeTakeFirst();
  // Another person's line is not even said to exist (an application has no sheet of its own).
  if (!l || !actor.userId || l.user_id !== actor.userId) throw new NotFoundError('Dépense');
  if (l.status !== 'draft') throw new UserError('Une note de frais envoyée ne peut plus être modifiée.', 'receipt');
  if (l.receipt_file_id)
    throw new UserError('Cette dépense a déjà son justificatif : supprimez-la puis saisissez-la à nouveau.', 'receipt');
  if (!receipt?.content.length) throw new UserError('Joignez le justificatif (photo ou PDF).', 'receipt');
  const sha = createHash('sha256').update(receipt.content).digest('hex');
  await refuseDuplicateReceipt(trx, actor, sha);
  const f = await storeFile(trx, fileKey, {
    cooperativeId: actor.cooperativeId,
    name: receipt.name,
    purpose: 'receipt',
    content: receipt.content,
    field: 'receipt',
    createdBy: actor.userId,
  });
  await purchasesDb(trx)
    .updateTable('expense_line')
    .set({ receipt_file_id: f.id, receipt_sha256: sha })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', lineId)
    .execute();
  await audit(trx, actor, {
    action: 'purchases.expense_receipt_added',
    targetType: 'expense_report',
    targetId: l.report_id,
    data: { line: lineId, sha256: sha },
  });
  return { fileId: f.id, reportId: l.report_id };
}
