// Expense sheets: one per person per month, lines with category, VAT, amount incl. VAT and a
// receipt (content hash: the same receipt cannot be claimed twice), mileage trips on the official
// scale, automatic checks, submission, validation by support (in batches) and reimbursement.
import { createHash } from 'node:crypto';
import type { Tx } from '../../core/db/tenant.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isIsoDate, todayParis, type IsoDate } from '../../core/dates.ts';
import { divRound, formatEuros, formatRateBp } from '../../core/money.ts';
import { audit } from '../../core/audit.ts';
import { emit } from '../../core/events.ts';
import { storeFile } from '../../core/files.ts';
import { activitiesFacts, activitiesFor, getCooperative } from '../directory/index.ts';
import { EXPENSE_CATEGORIES, MILEAGE_ACCOUNT, categoryOf } from './categories.ts';
import { scaleFor, tripAllowanceCents } from './mileage.ts';
import {
  PURCHASES_EVENTS,
  type ExpenseReportValidated,
  type ExpenseReportReimbursed,
  type PurchaseShare,
} from './events.ts';
import { PURCHASES } from './permissions.ts';
import { purchasesDb } from './db.ts';

export const REPORT_STATUS: Record<string, string> = { draft: 'En cours', submitted: 'Envoyée', validated: 'Validée' };
export const REIMBURSEMENT_STATUS: Record<string, string> = {
  not_due: '—',
  to_pay: 'À rembourser',
  paid: 'Remboursée',
};
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export interface ExpenseLine {
  id: string;
  date: IsoDate;
  category: string;
  description: string;
  activityId: string;
  analyticCode: string;
  amountInclCents: number;
  vatCents: number;
  receiptFileId: string | null;
  receiptSha256: string | null;
  issues: string[];
}
export interface MileageTrip {
  id: string;
  date: IsoDate;
  vehicleId: string;
  vehicleLabel: string;
  activityId: string;
  analyticCode: string;
  description: string;
  distanceKm: number;
  yearKmBefore: number;
  amountCents: number;
}
export interface ExpenseReport {
  id: string;
  userId: string;
  personName: string;
  month: string;
  status: 'draft' | 'submitted' | 'validated';
  reimbursement: 'not_due' | 'to_pay' | 'paid';
  totalCents: number;
  lines: ExpenseLine[];
  trips: MileageTrip[];
  issues: number;
  reimbursedOn: IsoDate | null;
}
export interface ReceiptInput {
  name: string;
  mimeType: string;
  content: Buffer;
}
export interface ExpenseLineInput {
  date: IsoDate;
  category: string;
  description?: string;
  activityId: string;
  amountInclCents: number;
  vatCents?: number | null;
  receipt?: ReceiptInput | null;
  receiptFileId?: string | null;
}

/** VAT contained in an amount incl. VAT at a rate: incl × r / (1 + r), rounded half away from zero. */
export const vatIncluded = (incl: number, bp: number) =>
  Number(divRound(BigInt(incl) * BigInt(bp), BigInt(10000 + bp)));

/** Per category: the cooperative's limit per line (settings.expenseLimits) or the default. */
export async function limitsOf(trx: Tx, cooperativeId: string): Promise<Record<string, number | null>> {
  const coop = await getCooperative(trx, cooperativeId);
  const custom = ((coop?.settings ?? {}) as Record<string, unknown>).expenseLimits as
    | Record<string, number | null>
    | undefined;
  // A category saved empty (null) has no limit; one never saved keeps the default.
  return Object.fromEntries(
    EXPENSE_CATEGORIES.map((c) => [c.code, custom && c.code in custom ? custom[c.code] : c.defaultLimitCents]),
  );
}

/** The automatic checks of one line, as reasons shown to support (empty: clean). */
export function lineIssues(
  l: Pick<ExpenseLine, 'category' | 'amountInclCents' | 'vatCents' | 'receiptFileId' | 'receiptSha256'>,
  ctx: { limits: Record<string, number | null>; duplicates: Set<string> },
): string[] {
  const out: string[] = [];
  const cat = categoryOf(l.category);
  if (!l.receiptFileId) out.push('Justificatif manquant.');
  if (l.receiptSha256 && ctx.duplicates.has(l.receiptSha256))
    out.push('Justificatif en double : le même fichier est joint à une autre dépense.');
  if (cat && !cat.plausibleVatBp.some((r) => Math.abs(vatIncluded(l.amountInclCents, r) - l.vatCents) <= 2)) {
    const implied =
      l.amountInclCents - l.vatCents > 0 ? Math.round((l.vatCents * 10000) / (l.amountInclCents - l.vatCents)) : 0;
    out.push(
      `TVA peu vraisemblable pour « ${cat.label} » : ${formatEuros(l.vatCents)} (${formatRateBp(implied)}), attendu ${cat.plausibleVatBp.map(formatRateBp).join(' ou ')}.`,
    );
  }
  const limit = ctx.limits[l.category];
  if (cat && limit != null && l.amountInclCents > limit)
    out.push(`Montant au-dessus du plafond de la coopérative pour « ${cat.label} » (${formatEuros(limit)}).`);
  return out;
}

async function reportFor(
  trx: Tx,
  actor: Actor,
  userId: string,
  month: string,
  create: boolean,
): Promise<{ id: string; status: string } | null> {
  const r = await purchasesDb(trx)
    .selectFrom('expense_report')
    .select(['id', 'status'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', userId)
    .where('month', '=', month)
    .executeTakeFirst();
  if (r || !create) return r ?? null;
  const id = uuidv7();
  await purchasesDb(trx)
    .insertInto('expense_report')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      user_id: userId,
      month,
      status: 'draft',
      reimbursement: 'not_due',
      total_cents: 0,
      submitted_at: null,
      validated_at: null,
      validated_by: null,
      reimbursed_on: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'user_id', 'month']).doNothing())
    .execute();
  return (await reportFor(trx, actor, userId, month, false))!;
}

async function ownActivity(trx: Tx, actor: Actor, activityId: string): Promise<{ analyticCode: string } | null> {
  return (await activitiesFor(trx, actor)).find((a) => a.id === activityId && !a.closedAt) ?? null;
}

export async function addExpenseLine(
  trx: Tx,
  actor: Actor,
  fileKey: Buffer,
  i: ExpenseLineInput,
): Promise<ExpenseLine> {
  authorize(actor, PURCHASES.expenseLine);
  if (!actor.userId) throw new ForbiddenError();
  const fields: Record<string, string> = {};
  if (!isIsoDate(i.date ?? '')) fields.date = 'Indiquez la date de la dépense.';
  else if (i.date > todayParis()) fields.date = 'La date ne peut pas être dans le futur.';
  const cat = categoryOf(i.category ?? '');
  if (!cat) fields.category = 'Choisissez une catégorie.';
  if (!Number.isSafeInteger(i.amountInclCents) || i.amountInclCents <= 0)
    fields.amountInclCents = 'Indiquez un montant TTC positif.';
  const vat =
    i.vatCents ??
    (cat && Number.isSafeInteger(i.amountInclCents) ? vatIncluded(i.amountInclCents, cat.defaultVatBp) : 0);
  if (!Number.isSafeInteger(vat) || vat < 0) fields.vatCents = 'Montant de TVA invalide.';
  else if (!fields.amountInclCents && vat >= i.amountInclCents)
    fields.vatCents = 'La TVA doit être inférieure au montant TTC.';
  const activity = i.activityId ? await ownActivity(trx, actor, i.activityId) : null;
  if (!activity) fields.activityId = 'Choisissez une de vos activités.';
  const description = (i.description ?? '').trim();
  if (description.length > 200) fields.description = 'Description trop longue (200 caractères au plus).';
  if (Object.keys(fields).length)
    throw new UserError(
      Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : Object.values(fields)[0],
      undefined,
      fields,
    );

  // Duplicate receipts are refused before anything is written.
  let fileId: string | null = null;
  let sha: string | null = null;
  if (i.receipt) sha = createHash('sha256').update(i.receipt.content).digest('hex');
  else if (i.receiptFileId) {
    const f = await purchasesDb(trx)
      .selectFrom('stored_file')
      .select(['id', 'sha256'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', i.receiptFileId)
      // Only a receipt this person uploaded (read just before): never any file id of the cooperative.
      .where('created_by', '=', actor.userId)
      .executeTakeFirst();
    if (!f) throw new UserError('Le justificatif est introuvable : déposez-le à nouveau.', 'receipt');
    fileId = f.id;
    sha = f.sha256;
  }
  if (sha) await refuseDuplicateReceipt(trx, actor, sha);
  const month = i.date.slice(0, 7);
  const report = (await reportFor(trx, actor, actor.userId, month, true))!;
  if (report.status !== 'draft')
    throw new UserError(
      'La note de frais de ce mois est déjà envoyée : ajoutez la dépense au mois suivant ou demandez à votre accompagnateur·rice.',
      'date',
    );
  if (i.receipt) {
    const f = await storeFile(trx, fileKey, {
      cooperativeId: actor.cooperativeId,
      name: i.receipt.name,
      purpose: 'receipt',
      content: i.receipt.content,
      field: 'receipt',
      createdBy: actor.userId,
    });
    fileId = f.id;
  }
  const id = uuidv7();
  await purchasesDb(trx)
    .insertInto('expense_line')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      report_id: report.id,
      date: i.date,
      category: cat!.code,
      description: description || cat!.label,
      activity_id: i.activityId,
      amount_incl_cents: i.amountInclCents,
      vat_cents: vat,
      receipt_file_id: fileId,
      receipt_sha256: sha,
    })
    .execute();
  await refreshTotal(trx, actor, report.id);
  await audit(trx, actor, {
    action: 'purchases.expense_added',
    targetType: 'expense_report',
    targetId: report.id,
    data: { category: cat!.code, amountInclCents: i.amountInclCents },
  });
  const line = {
    id,
    date: i.date,
    category: cat!.code,
    description: description || cat!.label,
    activityId: i.activityId,
    analyticCode: activity!.analyticCode,
    amountInclCents: i.amountInclCents,
    vatCents: vat,
    receiptFileId: fileId,
    receiptSha256: sha,
  };
  return {
    ...line,
    issues: lineIssues(line, { limits: await limitsOf(trx, actor.cooperativeId), duplicates: new Set() }),
  };
}

/** The same receipt (by content hash) cannot be claimed twice in the cooperative. */
export async function refuseDuplicateReceipt(trx: Tx, actor: Actor, sha: string): Promise<void> {
  const dup = await purchasesDb(trx)
    .selectFrom('expense_line')
    .innerJoin('expense_report', (j) =>
      j
        .onRef('expense_report.cooperative_id', '=', 'expense_line.cooperative_id')
        .onRef('expense_report.id', '=', 'expense_line.report_id'),
    )
    .select(['expense_line.date', 'expense_line.amount_incl_cents'])
    .where('expense_line.cooperative_id', '=', actor.cooperativeId)
    .where('expense_line.receipt_sha256', '=', sha)
    .executeTakeFirst();
  if (dup)
    throw new UserError(
      `Ce justificatif a déjà été déposé (dépense du ${dup.date.split('-').reverse().join('/')}, ${formatEuros(Number(dup.amount_incl_cents))}).`,
      'receipt',
    );
}

async function refreshTotal(trx: Tx, actor: Actor, reportId: string): Promise<number> {
  const l = await purchasesDb(trx)
    .selectFrom('expense_line')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_incl_cents'), eb.val(0)).as('t'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('report_id', '=', reportId)
    .executeTakeFirstOrThrow();
  const t = await purchasesDb(trx)
    .selectFrom('mileage_trip')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_cents'), eb.val(0)).as('t'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('report_id', '=', reportId)
    .executeTakeFirstOrThrow();
  const total = Number(l.t) + Number(t.t);
  await purchasesDb(trx)
    .updateTable('expense_report')
    .set({ total_cents: total })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', reportId)
    .execute();
  return total;
}

export async function deleteExpenseLine(trx: Tx, actor: Actor, lineId: string): Promise<void> {
  authorize(actor, PURCHASES.expenseLine);
  const l = await purchasesDb(trx)
    .selectFrom('expense_line')
    .innerJoin('expense_report', (j) =>
      j
        .onRef('expense_report.cooperative_id', '=', 'expense_line.cooperative_id')
        .onRef('expense_report.id', '=', 'expense_line.report_id'),
    )
    .select(['expense_line.report_id', 'expense_report.user_id', 'expense_report.status'])
    .where('expense_line.cooperative_id', '=', actor.cooperativeId)
    .where('expense_line.id', '=', lineId)
    .executeTakeFirst();
  if (!l || l.user_id !== actor.userId) throw new NotFoundError('Dépense');
  if (l.status !== 'draft') throw new UserError('Une note de frais envoyée ne peut plus être modifiée.');
  await purchasesDb(trx)
    .deleteFrom('expense_line')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', lineId)
    .execute();
  await refreshTotal(trx, actor, l.report_id);
  await audit(trx, actor, { action: 'purchases.expense_deleted', targetType: 'expense_report', targetId: l.report_id });
}

/**
 * Changes the category of a line of my draft sheet (the one chosen automatically from a read
 * receipt may be wrong). Amounts and VAT stay as entered: the controls are run again on display.
 */
export async function setExpenseLineCategory(trx: Tx, actor: Actor, lineId: string, category: string): Promise<void> {
  authorize(actor, PURCHASES.expenseLine);
  const cat = categoryOf(category);
  if (!cat) throw new UserError('Choisissez une catégorie.', 'category');
  if (!isUuid(lineId)) throw new NotFoundError('Dépense');
  const l = await purchasesDb(trx)
    .selectFrom('expense_line')
    .innerJoin('expense_report', (j) =>
      j
        .onRef('expense_report.cooperative_id', '=', 'expense_line.cooperative_id')
        .onRef('expense_report.id', '=', 'expense_line.report_id'),
    )
    .select(['expense_line.report_id', 'expense_line.category', 'expense_report.user_id', 'expense_report.status'])
    .where('expense_line.cooperative_id', '=', actor.cooperativeId)
    .where('expense_line.id', '=', lineId)
    .executeTakeFirst();
  if (!l || l.user_id !== actor.userId) throw new NotFoundError('Dépense');
  if (l.status !== 'draft') throw new UserError('Une note de frais envoyée ne peut plus être modifiée.');
  if (l.category === cat.code) return;
  await purchasesDb(trx)
    .updateTable('expense_line')
    .set({ category: cat.code })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', lineId)
    .execute();
  await audit(trx, actor, {
    action: 'purchases.expense_category_changed',
    targetType: 'expense_report',
    targetId: l.report_id,
    data: { line: lineId, from: l.category, to: cat.code },
  });
}

/** The stored receipt of an expense line, when there is one and the actor may see its sheet. */
export async function expenseReceiptFileId(trx: Tx, actor: Actor, lineId: string): Promise<string | null> {
  authorize(actor, PURCHASES.expenseRead);
  const l = await purchasesDb(trx)
    .selectFrom('expense_line')
    .select(['report_id', 'receipt_file_id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', lineId)
    .executeTakeFirst();
  if (!l?.receipt_file_id || !(await getExpenseReport(trx, actor, l.report_id))) return null;
  return l.receipt_file_id;
}

export async function getExpenseReport(trx: Tx, actor: Actor, id: string): Promise<ExpenseReport | null> {
  return (await getExpenseReports(trx, actor, [id])).get(id) ?? null;
}

/** Several expense reports by id with a fixed number of queries (the checks of the validation
 *  queue): only those the actor may read. */
export async function getExpenseReports(trx: Tx, actor: Actor, ids: string[]): Promise<Map<string, ExpenseReport>> {
  const scope = authorize(actor, PURCHASES.expenseRead);
  const out = new Map<string, ExpenseReport>();
  const unique = [...new Set(ids)];
  if (!unique.length) return out;
  const reports = (
    await purchasesDb(trx)
      .selectFrom('expense_report')
      .selectAll()
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', 'in', unique)
      .execute()
  ).filter((r) => scope !== 'own' || r.user_id === actor.userId);
  if (!reports.length) return out;
  const found = reports.map((r) => r.id);
  const lineRows = await purchasesDb(trx)
    .selectFrom('expense_line')
    .selectAll('expense_line')
    .where('expense_line.cooperative_id', '=', actor.cooperativeId)
    .where('expense_line.report_id', 'in', found)
    .orderBy('expense_line.date')
    .orderBy('expense_line.id')
    .execute();
  const tripRows = await purchasesDb(trx)
    .selectFrom('mileage_trip')
    .innerJoin('vehicle', (j) =>
      j
        .onRef('vehicle.cooperative_id', '=', 'mileage_trip.cooperative_id')
        .onRef('vehicle.id', '=', 'mileage_trip.vehicle_id'),
    )
    .selectAll('mileage_trip')
    .select(['vehicle.label as vehicle_label'])
    .where('mileage_trip.cooperative_id', '=', actor.cooperativeId)
    .where('mileage_trip.report_id', 'in', found)
    .orderBy('mileage_trip.date')
    .orderBy('mileage_trip.id')
    .execute();
  // The analytic codes of the activities named, from the directory in one batch.
  const codes = new Map(
    (
      await activitiesFacts(trx, actor.cooperativeId, [
        ...new Set([...lineRows, ...tripRows].map((x) => x.activity_id)),
      ])
    ).map((a) => [a.id as string, a.analyticCode]),
  );
  const hashes = [...new Set(lineRows.map((l) => l.receipt_sha256).filter((h): h is string => !!h))];
  const duplicates = new Set<string>();
  if (hashes.length) {
    const others = await purchasesDb(trx)
      .selectFrom('expense_line')
      .select(['receipt_sha256', 'id'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('receipt_sha256', 'in', hashes)
      .execute();
    const count = new Map<string, number>();
    for (const o of others) count.set(o.receipt_sha256!, (count.get(o.receipt_sha256!) ?? 0) + 1);
    for (const [h, n] of count) if (n > 1) duplicates.add(h);
  }
  const limits = await limitsOf(trx, actor.cooperativeId);
  const names = new Map(
    (
      await purchasesDb(trx)
        .selectFrom('user_account')
        .select(['id', 'display_name'])
        .where('id', 'in', [...new Set(reports.map((r) => r.user_id))])
        .execute()
    ).map((u) => [u.id as string, u.display_name]),
  );
  for (const r of reports) {
    const mapped: ExpenseLine[] = lineRows
      .filter((l) => l.report_id === r.id)
      .map((l) => {
        const base = {
          id: l.id,
          date: l.date,
          category: l.category,
          description: l.description,
          activityId: l.activity_id,
          analyticCode: codes.get(l.activity_id) ?? '',
          amountInclCents: Number(l.amount_incl_cents),
          vatCents: Number(l.vat_cents),
          receiptFileId: l.receipt_file_id,
          receiptSha256: l.receipt_sha256,
        };
        return { ...base, issues: lineIssues(base, { limits, duplicates }) };
      });
    out.set(r.id, {
      id: r.id,
      userId: r.user_id,
      personName: names.get(r.user_id) ?? 'Personne inconnue',
      month: r.month,
      status: r.status,
      reimbursement: r.reimbursement,
      totalCents: Number(r.total_cents),
      reimbursedOn: r.reimbursed_on,
      lines: mapped,
      issues: mapped.reduce((s, l) => s + l.issues.length, 0),
      trips: tripRows
        .filter((t) => t.report_id === r.id)
        .map((t) => ({
          id: t.id,
          date: t.date,
          vehicleId: t.vehicle_id,
          vehicleLabel: t.vehicle_label,
          activityId: t.activity_id,
          analyticCode: codes.get(t.activity_id) ?? '',
          description: t.description,
          distanceKm: t.distance_km,
          yearKmBefore: t.year_km_before,
          amountCents: Number(t.amount_cents),
        })),
    });
  }
  return out;
}

/** The actor's sheet for a month (created empty on first look). */
export async function myReport(trx: Tx, actor: Actor, month: string): Promise<ExpenseReport> {
  authorize(actor, PURCHASES.expenseLine);
  if (!actor.userId) throw new ForbiddenError();
  if (!MONTH.test(month)) throw new UserError('Mois invalide.', 'month');
  const r = (await reportFor(trx, actor, actor.userId, month, true))!;
  return (await getExpenseReport(trx, actor, r.id))!;
}

export async function listMyReports(trx: Tx, actor: Actor) {
  authorize(actor, PURCHASES.expenseRead);
  const rows = await purchasesDb(trx)
    .selectFrom('expense_report')
    .select(['id', 'month', 'status', 'reimbursement', 'total_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId ?? '')
    .orderBy('month', 'desc')
    .limit(36)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    month: r.month,
    status: r.status,
    reimbursement: r.reimbursement,
    totalCents: Number(r.total_cents),
  }));
}

export async function submitExpenseReport(trx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, PURCHASES.expenseSubmit);
  const r = await getExpenseReport(trx, actor, id);
  if (!r || r.userId !== actor.userId) throw new NotFoundError('Note de frais');
  if (r.status !== 'draft') throw new UserError('Cette note de frais est déjà envoyée.');
  if (!r.lines.length && !r.trips.length)
    throw new UserError("Ajoutez au moins une dépense ou un trajet avant d'envoyer la note de frais.");
  await purchasesDb(trx)
    .updateTable('expense_report')
    .set({ status: 'submitted', submitted_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, {
    action: 'purchases.expense_report_submitted',
    targetType: 'expense_report',
    targetId: id,
    data: { totalCents: r.totalCents, issues: r.issues },
  });
}

/** Submitted sheets waiting for support, with the reasons found by the automatic checks. */
export async function reportsToValidate(trx: Tx, actor: Actor): Promise<ExpenseReport[]> {
  authorize(actor, PURCHASES.expenseValidate);
  const ids = await purchasesDb(trx)
    .selectFrom('expense_report')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('status', '=', 'submitted')
    .orderBy('month')
    .orderBy('id')
    .limit(200)
    .execute();
  const out: ExpenseReport[] = [];
  for (const { id } of ids) out.push((await getExpenseReport(trx, actor, id))!);
  return out;
}
/**
 * How the bank's matched list names purchase documents: a supplier invoice by the supplier's own
 * number and name, an expense report by "NDF month — person" (it has no number of its own).
 */
export async function purchaseDocumentLabels(
  trx: Tx,
  actor: Actor,
  refs: { supplierInvoiceIds: string[]; expenseReportIds: string[] },
): Promise<Map<string, { number: string; label: string; href: string }>> {
  authorize(actor, PURCHASES.supplierInvoicePay);
  const out = new Map<string, { number: string; label: string; href: string }>();
  const si = refs.supplierInvoiceIds.filter(isUuid);
  if (si.length) {
    const rows = await purchasesDb(trx)
      .selectFrom('supplier_invoice')
      .innerJoin('supplier', (j) =>
        j
          .onRef('supplier.cooperative_id', '=', 'supplier_invoice.cooperative_id')
          .onRef('supplier.id', '=', 'supplier_invoice.supplier_id'),
      )
      .select(['supplier_invoice.id', 'supplier_invoice.supplier_number', 'supplier.name'])
      .where('supplier_invoice.cooperative_id', '=', actor.cooperativeId)
      .where('supplier_invoice.id', 'in', si)
      .execute();
    for (const r of rows)
      out.set(r.id, {
        number: r.supplier_number,
        label: `Facture fournisseur ${r.supplier_number} — ${r.name}`,
        href: `/factures-fournisseurs/${r.id}`,
      });
  }
  const er = refs.expenseReportIds.filter(isUuid);
  if (er.length) {
    const rows = await purchasesDb(trx)
      .selectFrom('expense_report')
      .innerJoin('user_account', 'user_account.id', 'expense_report.user_id')
      .select(['expense_report.id', 'expense_report.month', 'user_account.display_name'])
      .where('expense_report.cooperative_id', '=', actor.cooperativeId)
      .where('expense_report.id', 'in', er)
      .execute();
    for (const r of rows)
      out.set(r.id, {
        number: `NDF ${r.month}`,
        label: `Note de frais ${r.month} — ${r.display_name}`,
        href: `/notes-de-frais/${r.id}`,
      });
  }
  return out;
}

export async function reportsToReimburse(trx: Tx, actor: Actor) {
  authorize(actor, PURCHASES.expenseReimburse);
  const rows = await purchasesDb(trx)
    .selectFrom('expense_report')
    .innerJoin('user_account', 'user_account.id', 'expense_report.user_id')
    .select([
      'expense_report.id',
      'expense_report.user_id',
      'expense_report.month',
      'expense_report.total_cents',
      'user_account.display_name',
    ])
    .where('expense_report.cooperative_id', '=', actor.cooperativeId)
    .where('expense_report.reimbursement', '=', 'to_pay')
    .orderBy('expense_report.month')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    month: r.month,
    totalCents: Number(r.total_cents),
    personName: r.display_name,
  }));
}

function sharesOf(r: ExpenseReport): PurchaseShare[] {
  const out: PurchaseShare[] = [];
  for (const l of r.lines) {
    const cat = categoryOf(l.category)!;
    out.push({
      account: cat.account,
      analyticCode: l.analyticCode,
      exclCents: l.amountInclCents - l.vatCents,
      vatCents: l.vatCents,
      label: `${cat.label} — ${r.personName}`,
    });
  }
  for (const t of r.trips)
    out.push({
      account: MILEAGE_ACCOUNT,
      analyticCode: t.analyticCode,
      exclCents: t.amountCents,
      vatCents: 0,
      label: `Indemnités kilométriques — ${r.personName}`,
    });
  return out;
}

/** Validates sheets (support). `onlyClean` skips those with check issues; returns the ids validated. */
export async function validateExpenseReports(
  trx: Tx,
  actor: Actor,
  ids: string[],
  opts: { onlyClean?: boolean; date?: IsoDate } = {},
): Promise<string[]> {
  authorize(actor, PURCHASES.expenseValidate);
  const done: string[] = [];
  for (const id of ids) {
    const r = await getExpenseReport(trx, actor, id);
    if (!r) throw new NotFoundError('Note de frais');
    if (r.status !== 'submitted')
      throw new UserError(`La note de frais de ${r.personName} (${r.month}) n'est pas en attente de validation.`);
    if (opts.onlyClean && r.issues) continue;
    const date = opts.date ?? todayParis();
    await purchasesDb(trx)
      .updateTable('expense_report')
      .set({
        status: 'validated',
        validated_at: new Date(),
        validated_by: actor.userId,
        reimbursement: r.totalCents > 0 ? 'to_pay' : 'not_due',
      })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', id)
      .where('status', '=', 'submitted')
      .execute();
    const payload: ExpenseReportValidated = {
      reportId: r.id,
      userId: r.userId,
      personName: r.personName,
      month: r.month,
      date,
      shares: sharesOf(r),
      totalCents: r.totalCents,
    };
    if (r.totalCents > 0) await emit(trx, actor, PURCHASES_EVENTS.expenseReportValidated, payload);
    await audit(trx, actor, {
      action: 'purchases.expense_report_validated',
      targetType: 'expense_report',
      targetId: id,
      data: { totalCents: r.totalCents, issues: r.issues },
    });
    done.push(id);
  }
  return done;
}

/** Sends a sheet back to its author (support), with a reason. */
export async function returnExpenseReport(trx: Tx, actor: Actor, id: string, reason: string): Promise<void> {
  authorize(actor, PURCHASES.expenseValidate);
  if (!reason.trim()) throw new UserError('Indiquez la raison du renvoi.', 'reason');
  const upd = await purchasesDb(trx)
    .updateTable('expense_report')
    .set({ status: 'draft', submitted_at: null })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', '=', 'submitted')
    .executeTakeFirst();
  if (Number(upd.numUpdatedRows) !== 1) throw new UserError("Cette note de frais n'est pas en attente de validation.");
  await audit(trx, actor, {
    action: 'purchases.expense_report_returned',
    targetType: 'expense_report',
    targetId: id,
    data: { reason: reason.trim() },
  });
}

export async function markExpenseReportReimbursed(
  trx: Tx,
  actor: Actor,
  id: string,
  date: IsoDate = todayParis(),
): Promise<void> {
  authorize(actor, PURCHASES.expenseReimburse);
  if (!isIsoDate(date)) throw new UserError('Date de remboursement invalide.', 'date');
  const r = await getExpenseReport(trx, actor, id);
  if (!r) throw new NotFoundError('Note de frais');
  if (r.reimbursement !== 'to_pay')
    throw new UserError(
      r.reimbursement === 'paid'
        ? 'Cette note de frais est déjà remboursée.'
        : "Cette note de frais n'est pas à rembourser.",
    );
  // Checked again by the update itself, so two reimbursements racing give one.
  const done = await purchasesDb(trx)
    .updateTable('expense_report')
    .set({ reimbursement: 'paid', reimbursed_on: date })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('reimbursement', '=', 'to_pay')
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw new UserError('Cette note de frais est déjà remboursée.');
  const byCode = new Map<string, number>();
  for (const s of sharesOf(r)) byCode.set(s.analyticCode, (byCode.get(s.analyticCode) ?? 0) + s.exclCents + s.vatCents);
  const payload: ExpenseReportReimbursed = {
    reportId: r.id,
    userId: r.userId,
    personName: r.personName,
    month: r.month,
    date,
    shares: [...byCode].map(([analyticCode, inclCents]) => ({ analyticCode, inclCents })),
    amountCents: r.totalCents,
  };
  await emit(trx, actor, PURCHASES_EVENTS.expenseReportReimbursed, payload);
  await audit(trx, actor, {
    action: 'purchases.expense_report_reimbursed',
    targetType: 'expense_report',
    targetId: id,
    data: { date, totalCents: r.totalCents },
  });
}

// --- vehicles and mileage -------------------------------------------------------------------

export interface Vehicle {
  id: string;
  label: string;
  fiscalHp: number;
}
export async function addVehicle(trx: Tx, actor: Actor, i: { label: string; fiscalHp: number }): Promise<Vehicle> {
  authorize(actor, PURCHASES.mileage);
  if (!actor.userId) throw new ForbiddenError();
  const fields: Record<string, string> = {};
  const label = (i.label ?? '').trim();
  if (!label) fields.label = 'Indiquez le véhicule (ex. « Clio grise »).';
  if (!Number.isInteger(i.fiscalHp) || i.fiscalHp < 1 || i.fiscalHp > 50)
    fields.fiscalHp = 'Puissance fiscale invalide (en CV, indiquée sur la carte grise, case P.6).';
  if (Object.keys(fields).length)
    throw new UserError(
      Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : Object.values(fields)[0],
      undefined,
      fields,
    );
  const id = uuidv7();
  await purchasesDb(trx)
    .insertInto('vehicle')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      user_id: actor.userId,
      label,
      fiscal_hp: i.fiscalHp,
      kind: 'car',
      archived_at: null,
    })
    .execute();
  await audit(trx, actor, {
    action: 'purchases.vehicle_added',
    targetType: 'vehicle',
    targetId: id,
    data: { label, fiscalHp: i.fiscalHp },
  });
  return { id, label, fiscalHp: i.fiscalHp };
}
export async function listVehicles(trx: Tx, actor: Actor): Promise<Vehicle[]> {
  authorize(actor, PURCHASES.mileage);
  const rows = await purchasesDb(trx)
    .selectFrom('vehicle')
    .select(['id', 'label', 'fiscal_hp'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId ?? '')
    .where('archived_at', 'is', null)
    .orderBy('label')
    .execute();
  return rows.map((r) => ({ id: r.id, label: r.label, fiscalHp: r.fiscal_hp }));
}

/** Distance already driven with a vehicle in a calendar year (all trips recorded). */
export async function yearKm(trx: Tx, actor: Actor, vehicleId: string, year: number): Promise<number> {
  const scope = authorize(actor, PURCHASES.mileage);
  if (scope === 'own') {
    const v = isUuid(vehicleId)
      ? await purchasesDb(trx)
          .selectFrom('vehicle')
          .select('id')
          .where('cooperative_id', '=', actor.cooperativeId)
          .where('id', '=', vehicleId)
          .where('user_id', '=', actor.userId ?? '')
          .executeTakeFirst()
      : undefined;
    if (!v) throw new NotFoundError('Véhicule');
  }
  const r = await purchasesDb(trx)
    .selectFrom('mileage_trip')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('distance_km'), eb.val(0)).as('km'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('vehicle_id', '=', vehicleId)
    .where('date', '>=', `${year}-01-01`)
    .where('date', '<=', `${year}-12-31`)
    .executeTakeFirstOrThrow();
  return Number(r.km);
}

export async function addMileageTrip(
  trx: Tx,
  actor: Actor,
  i: { date: IsoDate; vehicleId: string; activityId: string; description: string; distanceKm: number },
): Promise<MileageTrip> {
  authorize(actor, PURCHASES.mileage);
  if (!actor.userId) throw new ForbiddenError();
  const fields: Record<string, string> = {};
  if (!isIsoDate(i.date ?? '')) fields.date = 'Indiquez la date du trajet.';
  else if (i.date > todayParis()) fields.date = 'La date ne peut pas être dans le futur.';
  if (!Number.isInteger(i.distanceKm) || i.distanceKm <= 0 || i.distanceKm > 5000)
    fields.distanceKm = 'Distance invalide : un nombre entier de kilomètres (5 000 au plus par trajet).';
  const description = (i.description ?? '').trim();
  if (!description)
    fields.description = 'Indiquez le trajet et son motif (ex. « Lyon → Grenoble, rendez-vous client »).';
  // Ids come from a form: anything but a UUID is no vehicle or activity (never a database error).
  const vehicle = isUuid(i.vehicleId ?? '')
    ? await purchasesDb(trx)
        .selectFrom('vehicle')
        .select(['id', 'fiscal_hp', 'label'])
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('id', '=', i.vehicleId)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst()
    : undefined;
  if (!vehicle) fields.vehicleId = 'Choisissez un de vos véhicules.';
  const activity = isUuid(i.activityId ?? '') ? await ownActivity(trx, actor, i.activityId) : null;
  if (!activity) fields.activityId = 'Choisissez une de vos activités.';
  if (Object.keys(fields).length)
    throw new UserError(
      Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : Object.values(fields)[0],
      undefined,
      fields,
    );
  const year = Number(i.date.slice(0, 4));
  const scale = scaleFor(year);
  const report = (await reportFor(trx, actor, actor.userId, i.date.slice(0, 7), true))!;
  if (report.status !== 'draft') throw new UserError('La note de frais de ce mois est déjà envoyée.', 'date');
  const before = await yearKm(trx, actor, vehicle!.id, year);
  const amount = tripAllowanceCents(scale, vehicle!.fiscal_hp, before, i.distanceKm);
  const id = uuidv7();
  await purchasesDb(trx)
    .insertInto('mileage_trip')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      report_id: report.id,
      vehicle_id: vehicle!.id,
      activity_id: i.activityId,
      date: i.date,
      description,
      distance_km: i.distanceKm,
      year_km_before: before,
      amount_cents: amount,
    })
    .execute();
  await refreshTotal(trx, actor, report.id);
  await audit(trx, actor, {
    action: 'purchases.mileage_added',
    targetType: 'expense_report',
    targetId: report.id,
    data: { distanceKm: i.distanceKm, amountCents: amount },
  });
  return {
    id,
    date: i.date,
    vehicleId: vehicle!.id,
    vehicleLabel: vehicle!.label,
    activityId: i.activityId,
    analyticCode: activity!.analyticCode,
    description,
    distanceKm: i.distanceKm,
    yearKmBefore: before,
    amountCents: amount,
  };
}

/**
 * What each person is owed for a month's expenses, for the payroll: expense reports of that month
 * validated and not yet reimbursed (`to_pay`), by person. Staff who prepare the payroll only.
 */
export async function expensesToReimburseByPerson(trx: Tx, actor: Actor, month: string): Promise<Map<string, number>> {
  authorize(actor, PURCHASES.expenseReimburse);
  if (!MONTH.test(month)) throw new UserError('Mois invalide.', 'month');
  const rows = await purchasesDb(trx)
    .selectFrom('expense_report')
    .select(['user_id', 'total_cents'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('month', '=', month)
    .where('status', '=', 'validated')
    .where('reimbursement', '=', 'to_pay')
    .execute();
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.user_id, (out.get(r.user_id) ?? 0) + Number(r.total_cents));
  return out;
}
