// "Ajouter plusieurs justificatifs": several receipts chosen at once on the month sheet. Each file is
// read first, outside any transaction (PDF text layer, Factur-X / XML, or OCR for a photo — see
// incoming.ts), then each readable receipt becomes one expense line in ITS OWN short transaction
// (file stored + line + total + audit, through addExpenseLine). Choice documented: one transaction
// per receipt, so a duplicate or an unreadable receipt never blocks the others, and a receipt that
// fails leaves nothing written (no stored file, no line). A receipt whose amount could not be read
// creates nothing and is listed back with a French message asking to enter it by hand.
import type { LegacyTx as Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { UserError } from '../../core/errors.ts';
import { todayParis, type IsoDate } from '../../core/dates.ts';
import { addExpenseLine, vatIncluded, type ExpenseLine, type ReceiptInput } from './expense.service.ts';
import { EXPENSE_CATEGORIES } from './categories.ts';
import { readIncomingDocument, type ParsedInvoice } from './incoming.ts';

export const MAX_RECEIPTS_AT_ONCE = 20;
const RATES_BP = [2000, 1000, 550, 210];

/**
 * The default category of a read receipt: from the VAT rate implied by (total, VAT), the category
 * whose default VAT rate matches ('other' when its own default matches, as the most neutral choice),
 * else 'other'. The person can change it (delete and add again) before sending the sheet.
 */
export function defaultCategoryFor(totalInclCents: number, vatCents: number | null): string {
  if (vatCents == null || vatCents <= 0) return 'other';
  const rate = RATES_BP.find((r) => Math.abs(vatIncluded(totalInclCents, r) - vatCents) <= 2);
  if (rate == null) return 'other';
  const matching = EXPENSE_CATEGORIES.filter((c) => c.defaultVatBp === rate);
  return matching.find((c) => c.code === 'other')?.code ?? matching[0]?.code ?? 'other';
}

export interface BulkReceiptResult {
  added: (ExpenseLine & { fileName: string })[];
  /** Receipts that created nothing, each with a French message. */
  refused: { fileName: string; message: string }[];
}

/** What a read receipt gives, or a French message when its amount could not be read. */
export async function readReceipt(
  file: ReceiptInput,
): Promise<
  | { ok: true; totalInclCents: number; vatCents: number | null; date: IsoDate | null; seller: string | null }
  | { ok: false; message: string }
> {
  let p: ParsedInvoice;
  try {
    p = await readIncomingDocument(file.content, file.mimeType);
  } catch (e) {
    if (e instanceof UserError) return { ok: false, message: `${e.message} Saisissez cette dépense à la main.` };
    return {
      ok: false,
      message: "Ce justificatif n'a pas pu être lu : saisissez la dépense à la main avec le formulaire ci-dessous.",
    };
  }
  const total = p.totalInclCents;
  if (total == null || !Number.isSafeInteger(total) || total <= 0)
    return {
      ok: false,
      message: "Le montant n'a pas pu être lu : saisissez cette dépense à la main avec le formulaire ci-dessous.",
    };
  const vat =
    p.vatCents != null && Number.isSafeInteger(p.vatCents) && p.vatCents >= 0 && p.vatCents < total ? p.vatCents : null;
  return { ok: true, totalInclCents: total, vatCents: vat, date: p.issueDate, seller: p.seller.name };
}

/**
 * Adds one expense line per readable receipt. `inTx` opens one short tenant transaction (one per
 * receipt); reading happens before, outside any transaction.
 */
export async function addReceiptsInBulk(
  inTx: <T>(fn: (trx: Tx, actor: Actor) => Promise<T>) => Promise<T>,
  fileKey: Buffer,
  files: ReceiptInput[],
  opts: { activityId: string },
): Promise<BulkReceiptResult> {
  if (!files.length) throw new UserError('Choisissez un ou plusieurs justificatifs.', 'receipts');
  if (files.length > MAX_RECEIPTS_AT_ONCE)
    throw new UserError(`Pas plus de ${MAX_RECEIPTS_AT_ONCE} justificatifs à la fois.`, 'receipts');
  const out: BulkReceiptResult = { added: [], refused: [] };
  for (const file of files) {
    const read = await readReceipt(file);
    if (!read.ok) {
      out.refused.push({ fileName: file.name, message: read.message });
      continue;
    }
    const today = todayParis();
    const date = read.date && read.date <= today ? read.date : today;
    const category = defaultCategoryFor(read.totalInclCents, read.vatCents);
    try {
      const line = await inTx((trx, actor) =>
        addExpenseLine(trx, actor, fileKey, {
          date,
          category,
          description: (read.seller ?? '').slice(0, 200) || undefined,
          activityId: opts.activityId,
          amountInclCents: read.totalInclCents,
          vatCents: read.vatCents,
          receipt: file,
        }),
      );
      out.added.push({ ...line, fileName: file.name });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const msg = e.fields && Object.keys(e.fields).length > 1 ? Object.values(e.fields).join(' ') : e.message;
      out.refused.push({ fileName: file.name, message: msg });
    }
  }
  return out;
}
