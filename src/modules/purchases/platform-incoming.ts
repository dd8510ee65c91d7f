// A supplier invoice received through the cooperative's approved platform (e-invoicing module):
// the document already read (Factur-X, CII or UBL), the supplier found by SIREN or created from
// the seller's data, the file stored, the invoice recorded « à approuver » for one activity so it
// appears in the inbox of support and accountants.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { storeFile } from '../../core/files.ts';
import { UserError } from '../../core/errors.ts';
import { isIsoDate } from '../../core/dates.ts';
import type { ParsedInvoice } from './incoming.ts';
import { createSupplier, findSupplierBySiren } from './supplier.service.ts';
import { createSupplierInvoice, type SupplierInvoice } from './supplier-invoice.service.ts';
import { PURCHASES } from './permissions.ts';
import { purchasesDb } from './db.ts';

export interface ReceivedEInvoice {
  content: Buffer;
  fileName: string;
  parsed: ParsedInvoice;
  activityId: string;
  /** The platform's id of the document, kept in the label for the accountant. */
  platformRef: string;
}

export async function recordReceivedEInvoice(
  tx: Tx,
  actor: Actor,
  fileKey: Buffer,
  r: ReceivedEInvoice,
): Promise<SupplierInvoice> {
  authorize(actor, PURCHASES.supplierInvoiceDraft);
  const p = r.parsed;
  if (!p.structured) throw new UserError('Le document reçu n’est pas une facture électronique structurée.');
  if (!p.number || !p.issueDate || !isIsoDate(p.issueDate))
    throw new UserError('Numéro ou date de la facture absents du document reçu.');
  if (!p.seller.name) throw new UserError('Le fournisseur n’est pas nommé dans le document reçu.');
  const supplier =
    (p.seller.siren ? await findSupplierBySiren(tx, actor, p.seller.siren) : null) ??
    (await createSupplier(tx, actor, {
      name: p.seller.name,
      siren: p.seller.siren,
      vatNumber: p.seller.vatNumber,
      iban: p.seller.iban,
      bic: p.seller.bic,
      addressLine1: p.seller.addressLine1,
      postalCode: p.seller.postalCode,
      city: p.seller.city,
      countryCode: p.seller.countryCode ?? 'FR',
    }));
  const lines = p.vat.length
    ? p.vat.map((v) => ({
        description: p.lines[0]?.description ?? 'Achat',
        vatRateBp: v.rateBp,
        exclCents: v.baseCents,
        vatCents: v.vatCents,
      }))
    : p.lines.map((l) => ({ description: l.description, vatRateBp: l.vatRateBp ?? 0, exclCents: l.netCents }));
  const totalExcl = lines.reduce((s, l) => s + l.exclCents, 0);
  const file = await storeFile(tx, fileKey, {
    cooperativeId: actor.cooperativeId,
    name: r.fileName,
    purpose: 'supplier-invoice',
    content: r.content,
    createdBy: actor.userId,
  });
  const inv = await createSupplierInvoice(tx, actor, {
    supplierId: supplier.id,
    supplierNumber: p.number,
    issueDate: p.issueDate,
    dueDate: p.dueDate && isIsoDate(p.dueDate) && p.dueDate >= p.issueDate ? p.dueDate : null,
    account: '604',
    label: `Reçue par la plateforme (${r.platformRef.slice(0, 80)})`,
    lines,
    splits: [{ activityId: r.activityId, exclCents: totalExcl }],
    source: p.format === 'facturx' ? 'facturx' : 'xml',
    submit: true,
    expectedTotalInclCents: p.totalInclCents,
  });
  // The file was stored just above by this service (createSupplierInvoice only accepts files a
  // person uploaded, and a platform delivery has no person).
  await purchasesDb(tx)
    .updateTable('supplier_invoice')
    .set({ file_id: file.id })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', inv.id)
    .execute();
  return { ...inv, fileId: file.id };
}
