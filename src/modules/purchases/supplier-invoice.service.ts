// Supplier invoices: the supplier's own number, dates, lines per VAT rate, a split between
// activities (analytic codes; the split must equal the total excl. VAT), status
// draft → to_approve → approved → paid, the original file attached. Approval and payment emit
// the events the ledger posts in the same transaction.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { uuidv7 } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isIsoDate, todayParis, type IsoDate } from '../../core/dates.ts';
import { applyBasisPoints, formatEuros } from '../../core/money.ts';
import { audit } from '../../core/audit.ts';
import { emit } from '../../core/events.ts';
import { activitiesFacts, activitiesFor } from '../directory/index.ts';
import { requireSupplier } from './supplier.service.ts';
import { PURCHASE_ACCOUNTS } from './categories.ts';
import { PURCHASES_EVENTS, type SupplierInvoiceApproved, type SupplierInvoicePaid } from './events.ts';
import { allocate } from './allocate.ts';
import { PURCHASES } from './permissions.ts';
import { purchasesDb } from './db.ts';

export type SupplierInvoiceStatus =
  | 'draft'
  | 'to_approve'
  | 'approved'
  | 'partly_paid'
  | 'paid'
  | 'refused'
  | 'disputed';
export const SUPPLIER_INVOICE_STATUS: Record<SupplierInvoiceStatus, string> = {
  draft: 'Brouillon',
  to_approve: 'À approuver',
  approved: 'Approuvée',
  partly_paid: 'Payée en partie',
  paid: 'Payée',
  refused: 'Refusée',
  disputed: 'En litige',
};

export interface SupplierInvoiceLineInput {
  description?: string;
  vatRateBp: number;
  exclCents: number;
  vatCents?: number | null;
}
export interface SupplierInvoiceInput {
  supplierId: string;
  supplierNumber: string;
  issueDate: IsoDate;
  dueDate?: IsoDate | null;
  account: string;
  label?: string | null;
  lines: SupplierInvoiceLineInput[];
  splits: { activityId: string; exclCents: number }[];
  fileId?: string | null;
  source?: 'manual' | 'facturx' | 'xml' | 'pdf' | 'image';
  submit?: boolean;
  /** When the document gives its own totals (Factur-X), they must agree with the lines. */
  expectedTotalInclCents?: number | null;
}
export interface SupplierInvoice {
  id: string;
  supplierId: string;
  supplierName: string;
  supplierNumber: string;
  issueDate: IsoDate;
  dueDate: IsoDate | null;
  status: SupplierInvoiceStatus;
  account: string;
  label: string | null;
  totalExclCents: number;
  vatCents: number;
  totalInclCents: number;
  fileId: string | null;
  source: string;
  paidOn: IsoDate | null;
  /** Paid so far (several transfers possible); the rest is totalInclCents − paidCents. */
  paidCents: number;
  createdBy: string | null;
  /** Refused or disputed (supplier-invoice-refusal.ts): the reform's reason code, a note, when. */
  decision: { reasonCode: string; note: string | null; at: Date } | null;
  lines: { description: string; vatRateBp: number; exclCents: number; vatCents: number }[];
  splits: { activityId: string; analyticCode: string; activityName: string; exclCents: number }[];
}

export async function createSupplierInvoice(trx: Tx, actor: Actor, i: SupplierInvoiceInput): Promise<SupplierInvoice> {
  authorize(actor, PURCHASES.supplierInvoiceDraft);
  const fields: Record<string, string> = {};
  const number = (i.supplierNumber ?? '').trim();
  if (!number) fields.supplierNumber = 'Indiquez le numéro de la facture du fournisseur.';
  else if (number.length > 60) fields.supplierNumber = 'Numéro trop long (60 caractères au plus).';
  if (!isIsoDate(i.issueDate ?? '')) fields.issueDate = 'Indiquez la date de la facture.';
  if (i.dueDate && !isIsoDate(i.dueDate)) fields.dueDate = "Date d'échéance invalide.";
  else if (i.dueDate && isIsoDate(i.issueDate ?? '') && i.dueDate < i.issueDate)
    fields.dueDate = "L'échéance ne peut pas précéder la date de la facture.";
  if (!PURCHASE_ACCOUNTS.some(([a]) => a === i.account))
    fields.account = 'Choisissez une nature de dépense dans la liste.';
  const lines = (i.lines ?? [])
    .filter((l) => l.exclCents !== 0 || (l.vatCents ?? 0) !== 0)
    .map((l, k) => {
      if (!Number.isSafeInteger(l.exclCents)) fields[`lines.${k}.exclCents`] = 'Montant invalide.';
      if (!Number.isInteger(l.vatRateBp) || l.vatRateBp < 0 || l.vatRateBp > 10000)
        fields[`lines.${k}.vatRateBp`] = 'Taux de TVA invalide.';
      const vat = l.vatCents ?? applyBasisPoints(l.exclCents, l.vatRateBp);
      if (!Number.isSafeInteger(vat)) fields[`lines.${k}.vatCents`] = 'Montant de TVA invalide.';
      return {
        description: (l.description ?? '').trim() || 'Achat',
        vatRateBp: l.vatRateBp,
        exclCents: l.exclCents,
        vatCents: vat,
      };
    });
  if (!lines.length) fields.lines = 'Indiquez au moins un montant hors taxes.';
  const totalExcl = lines.reduce((s, l) => s + l.exclCents, 0);
  const vat = lines.reduce((s, l) => s + l.vatCents, 0);
  if (lines.length && totalExcl <= 0) fields.lines = 'Le total hors taxes doit être positif.';
  if (i.expectedTotalInclCents != null && lines.length && i.expectedTotalInclCents !== totalExcl + vat)
    fields.lines = `Les lignes (${formatEuros(totalExcl + vat)} TTC) ne correspondent pas au total de la facture (${formatEuros(i.expectedTotalInclCents)}).`;
  const splits = (i.splits ?? []).filter((s) => s.activityId && s.exclCents !== 0);
  if (!splits.length) fields.splits = 'Indiquez au moins une activité.';
  else if (new Set(splits.map((s) => s.activityId)).size !== splits.length)
    fields.splits = 'Une activité apparaît deux fois dans la répartition.';
  else if (splits.some((s) => !Number.isSafeInteger(s.exclCents) || s.exclCents <= 0))
    fields.splits = 'Chaque part doit être un montant positif.';
  else if (splits.reduce((s, x) => s + x.exclCents, 0) !== totalExcl)
    fields.splits = `La répartition entre activités (${formatEuros(splits.reduce((s, x) => s + x.exclCents, 0))}) doit être égale au total hors taxes (${formatEuros(totalExcl)}).`;
  const allowed = new Set<string>((await activitiesFor(trx, actor)).filter((a) => !a.closedAt).map((a) => a.id));
  if (!fields.splits && splits.some((s) => !allowed.has(s.activityId)))
    fields.splits = "Vous ne pouvez imputer qu'à vos propres activités.";
  if (Object.keys(fields).length)
    throw new UserError(
      Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : Object.values(fields)[0],
      undefined,
      fields,
    );

  const supplier = await requireSupplier(trx, actor, i.supplierId);
  const dup = await purchasesDb(trx)
    .selectFrom('supplier_invoice')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('supplier_id', '=', supplier.id)
    .where('supplier_number', '=', number)
    .executeTakeFirst();
  if (dup) throw new UserError(`La facture ${number} de ${supplier.name} est déjà enregistrée.`, 'supplierNumber');
  if (i.fileId) {
    const f = await purchasesDb(trx)
      .selectFrom('stored_file')
      .select('id')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', i.fileId)
      // Only a file this person uploaded (read just before): never any file id of the cooperative.
      .where('created_by', '=', actor.userId)
      .executeTakeFirst();
    if (!f) throw new UserError('Le fichier joint est introuvable : déposez-le à nouveau.', 'file');
  }
  const id = uuidv7();
  await purchasesDb(trx)
    .insertInto('supplier_invoice')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      supplier_id: supplier.id,
      supplier_number: number,
      issue_date: i.issueDate,
      due_date: i.dueDate || null,
      status: i.submit ? 'to_approve' : 'draft',
      account: i.account,
      label: i.label?.trim() || null,
      total_excl_cents: totalExcl,
      vat_cents: vat,
      total_incl_cents: totalExcl + vat,
      file_id: i.fileId ?? null,
      source: i.source ?? 'manual',
      created_by: actor.userId,
      submitted_at: i.submit ? new Date() : null,
      approved_at: null,
      approved_by: null,
      paid_on: null,
    })
    .execute();
  await purchasesDb(trx)
    .insertInto('supplier_invoice_line')
    .values(
      lines.map((l, k) => ({
        cooperative_id: actor.cooperativeId,
        id: uuidv7(),
        invoice_id: id,
        position: k + 1,
        description: l.description,
        vat_rate_bp: l.vatRateBp,
        excl_cents: l.exclCents,
        vat_cents: l.vatCents,
      })),
    )
    .execute();
  await purchasesDb(trx)
    .insertInto('supplier_invoice_split')
    .values(
      splits.map((s) => ({
        cooperative_id: actor.cooperativeId,
        invoice_id: id,
        activity_id: s.activityId,
        excl_cents: s.exclCents,
      })),
    )
    .execute();
  await audit(trx, actor, {
    action: 'purchases.supplier_invoice_created',
    targetType: 'supplier_invoice',
    targetId: id,
    data: { supplier: supplier.name, number, totalInclCents: totalExcl + vat },
  });
  return (await getSupplierInvoice(trx, actor, id))!;
}

export async function getSupplierInvoice(trx: Tx, actor: Actor, id: string): Promise<SupplierInvoice | null> {
  return (await getSupplierInvoices(trx, actor, [id])).get(id) ?? null;
}

/** Several supplier invoices by id with a fixed number of queries (the checks of the validation
 *  queue): only those the actor may read. */
export async function getSupplierInvoices(trx: Tx, actor: Actor, ids: string[]): Promise<Map<string, SupplierInvoice>> {
  const scope = authorize(actor, PURCHASES.supplierInvoiceRead);
  const out = new Map<string, SupplierInvoice>();
  const unique = [...new Set(ids)];
  if (!unique.length) return out;
  const rows = await purchasesDb(trx)
    .selectFrom('supplier_invoice')
    .innerJoin('supplier', (j) =>
      j
        .onRef('supplier.cooperative_id', '=', 'supplier_invoice.cooperative_id')
        .onRef('supplier.id', '=', 'supplier_invoice.supplier_id'),
    )
    .selectAll('supplier_invoice')
    .select('supplier.name as supplier_name')
    .where('supplier_invoice.cooperative_id', '=', actor.cooperativeId)
    .where('supplier_invoice.id', 'in', unique)
    .execute();
  if (!rows.length) return out;
  const found = rows.map((r) => r.id);
  const allLines = await purchasesDb(trx)
    .selectFrom('supplier_invoice_line')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('invoice_id', 'in', found)
    .orderBy('invoice_id')
    .orderBy('position')
    .execute();
  const allSplits = await purchasesDb(trx)
    .selectFrom('supplier_invoice_split')
    .select(['invoice_id', 'activity_id', 'excl_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('invoice_id', 'in', found)
    .execute();
  // The activities' codes and names from the directory (one batch), ordered by code as before.
  const acts = new Map(
    (
      await activitiesFacts(
        trx,
        actor.cooperativeId,
        allSplits.map((s) => s.activity_id),
      )
    ).map((a) => [a.id as string, a]),
  );
  const own = scope === 'own' ? new Set<string>((await activitiesFor(trx, actor)).map((a) => a.id)) : null;
  for (const r of rows) {
    const lines = allLines.filter((l) => l.invoice_id === r.id);
    const splits = allSplits
      .filter((s) => s.invoice_id === r.id)
      .map((s) => ({
        ...s,
        analytic_code: acts.get(s.activity_id)?.analyticCode ?? '',
        name: acts.get(s.activity_id)?.name ?? '',
      }))
      .sort((a, b) => (a.analytic_code < b.analytic_code ? -1 : a.analytic_code > b.analytic_code ? 1 : 0));
    const inv: SupplierInvoice = {
      id: r.id,
      supplierId: r.supplier_id,
      supplierName: r.supplier_name,
      supplierNumber: r.supplier_number,
      issueDate: r.issue_date,
      dueDate: r.due_date,
      status: r.status,
      account: r.account,
      label: r.label,
      totalExclCents: Number(r.total_excl_cents),
      vatCents: Number(r.vat_cents),
      totalInclCents: Number(r.total_incl_cents),
      fileId: r.file_id,
      source: r.source,
      paidOn: r.paid_on,
      paidCents: Number(r.paid_cents),
      createdBy: r.created_by,
      decision:
        r.decision_reason && r.decided_at
          ? { reasonCode: r.decision_reason, note: r.decision_note, at: r.decided_at }
          : null,
      lines: lines.map((l) => ({
        description: l.description,
        vatRateBp: l.vat_rate_bp,
        exclCents: Number(l.excl_cents),
        vatCents: Number(l.vat_cents),
      })),
      splits: splits.map((s) => ({
        activityId: s.activity_id,
        analyticCode: s.analytic_code,
        activityName: s.name,
        exclCents: Number(s.excl_cents),
      })),
    };
    if (own && inv.createdBy !== actor.userId && !inv.splits.some((s) => own.has(s.activityId))) continue;
    out.set(r.id, inv);
  }
  return out;
}
async function requireInvoice(trx: Tx, actor: Actor, id: string): Promise<SupplierInvoice> {
  const inv = await getSupplierInvoice(trx, actor, id);
  if (!inv) throw new NotFoundError('Facture fournisseur');
  return inv;
}

export async function listSupplierInvoices(
  trx: Tx,
  actor: Actor,
  opts: { status?: SupplierInvoiceStatus; statuses?: SupplierInvoiceStatus[] } = {},
) {
  const scope = authorize(actor, PURCHASES.supplierInvoiceRead);
  let q = purchasesDb(trx)
    .selectFrom('supplier_invoice')
    .innerJoin('supplier', (j) =>
      j
        .onRef('supplier.cooperative_id', '=', 'supplier_invoice.cooperative_id')
        .onRef('supplier.id', '=', 'supplier_invoice.supplier_id'),
    )
    .select([
      'supplier_invoice.id',
      'supplier_invoice.supplier_number',
      'supplier_invoice.issue_date',
      'supplier_invoice.due_date',
      'supplier_invoice.status',
      'supplier_invoice.total_incl_cents',
      'supplier_invoice.paid_cents',
      'supplier_invoice.source',
      'supplier_invoice.decision_reason',
      'supplier_invoice.decided_at',
      'supplier.name as supplier_name',
    ])
    .where('supplier_invoice.cooperative_id', '=', actor.cooperativeId);
  if (opts.status) q = q.where('supplier_invoice.status', '=', opts.status);
  if (opts.statuses?.length) q = q.where('supplier_invoice.status', 'in', opts.statuses);
  if (scope === 'own') {
    const own = (await activitiesFor(trx, actor)).map((a) => a.id);
    q = q.where((eb) =>
      eb.or([
        eb('supplier_invoice.created_by', '=', actor.userId),
        ...(own.length
          ? [
              eb(
                'supplier_invoice.id',
                'in',
                purchasesDb(trx)
                  .selectFrom('supplier_invoice_split')
                  .select('invoice_id')
                  .where('cooperative_id', '=', actor.cooperativeId)
                  .where('activity_id', 'in', own),
              ),
            ]
          : []),
      ]),
    );
  }
  const rows = await q
    .orderBy('supplier_invoice.issue_date', 'desc')
    .orderBy('supplier_invoice.id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    supplierName: r.supplier_name,
    supplierNumber: r.supplier_number,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    status: r.status,
    totalInclCents: Number(r.total_incl_cents),
    paidCents: Number(r.paid_cents),
    source: r.source,
    /** Refused or disputed: the reason code and when (the entrepreneur's inbox). */
    decisionReason: r.decision_reason,
    decidedAt: r.decided_at,
  }));
}

export async function submitSupplierInvoice(trx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, PURCHASES.supplierInvoiceDraft);
  const inv = await requireInvoice(trx, actor, id);
  if (inv.status !== 'draft') throw new UserError('Cette facture a déjà été envoyée pour approbation.');
  await purchasesDb(trx)
    .updateTable('supplier_invoice')
    .set({ status: 'to_approve', submitted_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, {
    action: 'purchases.supplier_invoice_submitted',
    targetType: 'supplier_invoice',
    targetId: id,
  });
}

function shares(inv: SupplierInvoice) {
  const vat = allocate(
    inv.vatCents,
    inv.splits.map((s) => s.exclCents),
  );
  return inv.splits.map((s, k) => ({ analyticCode: s.analyticCode, exclCents: s.exclCents, vatCents: vat[k] }));
}

export async function approveSupplierInvoice(trx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, PURCHASES.supplierInvoiceApprove);
  const inv = await requireInvoice(trx, actor, id);
  if (inv.status === 'refused') throw new UserError('Cette facture est refusée : elle ne peut plus être approuvée.');
  if (inv.status !== 'draft' && inv.status !== 'to_approve' && inv.status !== 'disputed')
    throw new UserError('Cette facture est déjà approuvée.');
  const upd = await purchasesDb(trx)
    .updateTable('supplier_invoice')
    .set({ status: 'approved', approved_at: new Date(), approved_by: actor.userId, submitted_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    // A disputed invoice is approved once the dispute is settled (the platform hears « approuvée »).
    .where('status', 'in', ['draft', 'to_approve', 'disputed'])
    .executeTakeFirst();
  if (Number(upd.numUpdatedRows) !== 1) throw new UserError('Cette facture a changé entre-temps : rechargez la page.');
  const label = `${inv.supplierName} — ${inv.label ?? inv.lines[0]?.description ?? 'achat'}`.slice(0, 200);
  const payload: SupplierInvoiceApproved = {
    invoiceId: inv.id,
    supplierId: inv.supplierId,
    supplierName: inv.supplierName,
    supplierNumber: inv.supplierNumber,
    issueDate: inv.issueDate,
    shares: shares(inv).map((s) => ({ ...s, account: inv.account, label })),
    totalInclCents: inv.totalInclCents,
  };
  await emit(trx, actor, PURCHASES_EVENTS.supplierInvoiceApproved, payload);
  await audit(trx, actor, {
    action: 'purchases.supplier_invoice_approved',
    targetType: 'supplier_invoice',
    targetId: id,
    data: { totalInclCents: inv.totalInclCents },
  });
}

/** Records the payment of what remains of an approved supplier invoice (one transfer, or the last one). */
export async function markSupplierInvoicePaid(
  trx: Tx,
  actor: Actor,
  id: string,
  date: IsoDate = todayParis(),
): Promise<void> {
  authorize(actor, PURCHASES.supplierInvoicePay);
  const inv = await requireInvoice(trx, actor, id);
  await recordSupplierInvoicePayment(trx, actor, id, inv.totalInclCents - inv.paidCents, date);
}

/**
 * Records one payment of an approved supplier invoice, which may be paid in several transfers:
 * the amount paid so far is kept, the status is "partly_paid" until it reaches the total, then
 * "paid". Each payment emits its own "paid" event (amount and activity shares pro rata), which the
 * ledger posts once (D 401 / C 512).
 */
export async function recordSupplierInvoicePayment(
  trx: Tx,
  actor: Actor,
  id: string,
  amountCents: number,
  date: IsoDate = todayParis(),
): Promise<{ status: SupplierInvoiceStatus; remainingCents: number }> {
  authorize(actor, PURCHASES.supplierInvoicePay);
  if (!isIsoDate(date)) throw new UserError('Date de paiement invalide.', 'date');
  const inv = await requireInvoice(trx, actor, id);
  if (inv.status !== 'approved' && inv.status !== 'partly_paid')
    throw new UserError(
      inv.status === 'paid'
        ? 'Cette facture est déjà payée.'
        : "Approuvez la facture avant d'enregistrer son paiement.",
    );
  if (date < inv.issueDate) throw new UserError('Le paiement ne peut pas précéder la date de la facture.', 'date');
  const remaining = inv.totalInclCents - inv.paidCents;
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0)
    throw new UserError('Montant du paiement invalide.', 'amount');
  if (amountCents > remaining)
    throw new UserError(
      `Le paiement (${formatEuros(amountCents)}) dépasse le reste à payer (${formatEuros(remaining)}).`,
      'amount',
    );
  const paidCents = inv.paidCents + amountCents;
  const full = paidCents === inv.totalInclCents;
  // The amount paid so far is checked again by the update itself: of two payments racing, the
  // second finds it changed (PostgreSQL re-reads the row after the first commits) and changes nothing.
  const paid = await purchasesDb(trx)
    .updateTable('supplier_invoice')
    .set({ status: full ? 'paid' : 'partly_paid', paid_on: full ? date : null, paid_cents: paidCents })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', 'in', ['approved', 'partly_paid'])
    .where('paid_cents', '=', inv.paidCents)
    .executeTakeFirst();
  if (Number(paid.numUpdatedRows) !== 1)
    throw new UserError(
      full ? 'Cette facture est déjà payée.' : 'Cette facture vient de recevoir un autre paiement : rechargez la page.',
    );
  const all = shares(inv);
  const parts = allocate(
    amountCents,
    all.map((s) => s.exclCents + s.vatCents),
  );
  const payload: SupplierInvoicePaid = {
    invoiceId: inv.id,
    supplierId: inv.supplierId,
    supplierName: inv.supplierName,
    supplierNumber: inv.supplierNumber,
    date,
    shares: all.map((s, i) => ({ analyticCode: s.analyticCode, inclCents: parts[i] })).filter((s) => s.inclCents > 0),
    amountCents,
    // Paid in one go: the invoice itself identifies the payment, as before partial payments existed.
    ...(full && inv.paidCents === 0 ? {} : { paymentId: uuidv7() }),
  };
  await emit(trx, actor, PURCHASES_EVENTS.supplierInvoicePaid, payload);
  await audit(trx, actor, {
    action: full ? 'purchases.supplier_invoice_paid' : 'purchases.supplier_invoice_partly_paid',
    targetType: 'supplier_invoice',
    targetId: id,
    data: { date, amountCents, paidCents },
  });
  return { status: full ? 'paid' : 'partly_paid', remainingCents: inv.totalInclCents - paidCents };
}
