// Reading one receipt into expense-line fields, for the background job (receipt-reading.ts): PDF
// text layer, Factur-X / XML, or OCR of a photo or a scanned PDF (incoming.ts). Each receipt becomes
// one expense line in ITS OWN short transaction, so a duplicate or an unreadable receipt never
// blocks the others. A receipt whose amount could not be read creates nothing and is listed back
// with a French message asking to enter it by hand.
import { UserError } from '../../core/errors.ts';
import type { IsoDate } from '../../core/dates.ts';
import { vatIncluded, type ExpenseLine, type ReceiptInput } from './expense.service.ts';
import { EXPENSE_CATEGORIES } from './categories.ts';
import { readIncomingDocument, type ParsedInvoice } from './incoming.ts';

export const MAX_RECEIPTS_AT_ONCE = 20;
const RATES_BP = [2000, 1000, 550, 210];

/**
 * The default category of a read receipt: from the VAT rate implied by (total, VAT), the category
 * whose default VAT rate matches ('other' when its own default matches, as the most neutral choice),
 * else 'other'. The person can change it in place on the sheet (receipt-routes.tsx) before sending it.
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
