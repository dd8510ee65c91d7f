// SEPA credit transfer batches: what can be paid by transfer (approved supplier invoices and
// validated expense reports still to reimburse, not yet in a batch), and the export of a chosen set
// as a pain.001.001.03 file, recorded in sepa_batch / sepa_batch_item. Nothing is marked paid here:
// the payment is recorded when the bank statement line is matched.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { requireModuleRole } from '../../core/authz.ts';
import { uuidv7 } from '../../core/ids.ts';
import { UserError } from '../../core/errors.ts';
import { isIsoDate, todayParis, formatDate, toIsoDate, type IsoDate } from '../../core/dates.ts';
import { isIban, isBic } from '../../core/identifiers.ts';
import { audit } from '../../core/audit.ts';
import { getCooperative } from '../directory/index.ts';
import { listSupplierInvoices, getSupplierInvoice, getSupplier, reportsToReimburse } from '../purchases/index.ts';
import { getBankDetails } from '../directory/index.ts';
import { ensureMainAccount } from './bank.service.ts';
import { buildPain001, validateBatch, type SepaPayment } from './sepa.ts';
import { bankDb } from './db.ts';

const SEPA_ROLES = ['accountant', 'director'] as const;
export const canSepa = (a: Actor) => requireModuleRole(a, 'bank', ...SEPA_ROLES);

export interface SepaCandidate {
  key: string;
  targetType: 'supplier_invoice' | 'expense_report';
  id: string;
  label: string;
  reference: string;
  creditorName: string;
  iban: string | null;
  bic: string | null;
  amountCents: number;
  dueDate: IsoDate | null;
  /** Why the line cannot be chosen (e.g. "IBAN manquant"); null when it can. */
  problem: string | null;
}

const clean = (s: string | null | undefined) => (s ?? '').replace(/\s/g, '').toUpperCase() || null;
const hex = (id: string) => id.replace(/-/g, '');

function problemOf(iban: string | null, bic: string | null): string | null {
  if (!iban) return 'IBAN manquant';
  if (!isIban(iban)) return 'IBAN invalide';
  if (bic && !isBic(bic)) return 'BIC invalide';
  return null;
}

/** Lines that can be paid by transfer and are in no batch yet. */
export async function listSepaCandidates(trx: Tx, actor: Actor): Promise<SepaCandidate[]> {
  canSepa(actor);
  const taken = new Set(
    (
      await bankDb(trx)
        .selectFrom('sepa_batch_item')
        .select(['target_type', 'target_id'])
        .where('cooperative_id', '=', actor.cooperativeId)
        .execute()
    ).map((r) => `${r.target_type}:${r.target_id}`),
  );
  const out: SepaCandidate[] = [];
  const suppliers = new Map<string, { name: string; iban: string | null; bic: string | null }>();
  for (const i of await listSupplierInvoices(trx, actor, { status: 'approved' })) {
    const key = `supplier_invoice:${i.id}`;
    if (taken.has(key)) continue;
    const inv = await getSupplierInvoice(trx, actor, i.id);
    if (!inv) continue;
    let s = suppliers.get(inv.supplierId);
    if (!s) {
      const sup = await getSupplier(trx, actor, inv.supplierId);
      s = { name: sup?.name ?? i.supplierName, iban: clean(sup?.iban), bic: clean(sup?.bic) };
      suppliers.set(inv.supplierId, s);
    }
    out.push({
      key,
      targetType: 'supplier_invoice',
      id: i.id,
      label: `Facture ${i.supplierNumber}`,
      reference: `Facture ${i.supplierNumber}`,
      creditorName: s.name,
      iban: s.iban,
      bic: s.bic,
      amountCents: i.totalInclCents,
      dueDate: i.dueDate ? toIsoDate(i.dueDate) : null,
      problem: problemOf(s.iban, s.bic),
    });
  }
  for (const r of await reportsToReimburse(trx, actor)) {
    const key = `expense_report:${r.id}`;
    if (taken.has(key)) continue;
    const month = r.month.slice(0, 7);
    // The person's own account, recorded on "Mes coordonnées bancaires" (directory).
    const bank = await getBankDetails(trx, actor, r.userId);
    out.push({
      key,
      targetType: 'expense_report',
      id: r.id,
      label: `Note de frais ${month}`,
      reference: `Note de frais ${month} ${r.personName}`,
      creditorName: r.personName,
      iban: bank.iban,
      bic: bank.bic,
      amountCents: r.totalCents,
      dueDate: null,
      problem: problemOf(bank.iban, bank.bic),
    });
  }
  return out;
}

export interface SepaBatchResult {
  id: string;
  fileName: string;
  xml: string;
  count: number;
  totalCents: number;
}

/** Builds and records a batch; every problem is a UserError on field "items" or "executionDate", nothing written. */
export async function createSepaBatch(
  trx: Tx,
  actor: Actor,
  input: { keys: string[]; executionDate: string },
  now = new Date(),
): Promise<SepaBatchResult> {
  canSepa(actor);
  const fields: Record<string, string> = {};
  const date = input.executionDate.trim();
  if (!date) fields.executionDate = "Indiquez la date d'exécution souhaitée.";
  else if (!isIsoDate(date)) fields.executionDate = "Date d'exécution invalide.";
  else if (date < todayParis(now))
    fields.executionDate = `La date d'exécution ne peut pas être passée (au plus tôt le ${formatDate(todayParis(now))}).`;
  const keys = [...new Set(input.keys)];
  if (!keys.length) fields.items = 'Choisissez au moins un virement.';
  const candidates = new Map((await listSepaCandidates(trx, actor)).map((c) => [c.key, c]));
  const chosen: SepaCandidate[] = [];
  if (keys.length) {
    const errs: string[] = [];
    for (const k of keys) {
      const c = candidates.get(k);
      if (!c) {
        errs.push("Un des virements choisis est déjà dans un lot ou n'est plus à payer : rechargez la page.");
        continue;
      }
      if (c.problem) {
        errs.push(`${c.creditorName} (${c.label}) : ${c.problem}.`);
        continue;
      }
      chosen.push(c);
    }
    if (errs.length) fields.items = [...new Set(errs)].join(' ');
  }
  const coop = await getCooperative(trx, actor.cooperativeId);
  const debtor = await ensureMainAccount(trx, actor);
  if (!debtor)
    fields.items ??= "Le compte bancaire principal de la coopérative n'a pas d'IBAN : renseignez-le d'abord.";
  if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);

  const id = uuidv7(now.getTime());
  const messageId = hex(id);
  const payments: SepaPayment[] = chosen.map((c) => ({
    creditor: { name: c.creditorName, iban: c.iban!, bic: c.bic },
    amountCents: c.amountCents,
    remittance: c.reference,
    endToEndId: `${c.targetType === 'supplier_invoice' ? 'SI' : 'ER'}${hex(c.id)}`,
  }));
  const batch = {
    messageId,
    createdAt: now,
    executionDate: date as IsoDate,
    debtor: { name: coop?.name ?? 'Coopérative', iban: debtor!.iban, bic: debtor!.bic },
    payments,
  };
  const errs = validateBatch(batch);
  if (errs.length) throw new UserError(errs.join(' '), 'items');
  const xml = buildPain001(batch);
  const totalCents = payments.reduce((t, p) => t + p.amountCents, 0);
  const fileName = `virements-${date}-${messageId.slice(-8)}.xml`;
  await bankDb(trx)
    .insertInto('sepa_batch')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      created_by: actor.userId ?? null,
      execution_date: date,
      count: payments.length,
      total_cents: totalCents,
      debtor_iban: debtor!.iban,
      message_id: messageId,
      file_name: fileName,
      content: xml,
    })
    .execute();
  await bankDb(trx)
    .insertInto('sepa_batch_item')
    .values(
      chosen.map((c, i) => ({
        cooperative_id: actor.cooperativeId,
        batch_id: id,
        target_type: c.targetType,
        target_id: c.id,
        amount_cents: c.amountCents,
        creditor_name: c.creditorName,
        creditor_iban: c.iban!,
        creditor_bic: c.bic,
        end_to_end_id: payments[i].endToEndId,
      })),
    )
    .execute();
  await audit(trx, actor, {
    action: 'bank.sepa_batch_created',
    targetType: 'sepa_batch',
    targetId: id,
    data: { count: payments.length, totalCents, executionDate: date },
  });
  return { id, fileName, xml, count: payments.length, totalCents };
}

/** Recent batches, newest first. */
export async function listSepaBatches(trx: Tx, actor: Actor, limit = 20) {
  canSepa(actor);
  const rows = await bankDb(trx)
    .selectFrom('sepa_batch')
    .select(['id', 'created_at', 'execution_date', 'count', 'total_cents', 'file_name'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    executionDate: toIsoDate(r.execution_date),
    count: r.count,
    totalCents: Number(r.total_cents),
    fileName: r.file_name,
  }));
}

/** A recorded batch's file (to download it again). */
export async function getSepaBatchFile(
  trx: Tx,
  actor: Actor,
  id: string,
): Promise<{ fileName: string; xml: string } | null> {
  canSepa(actor);
  const r = await bankDb(trx)
    .selectFrom('sepa_batch')
    .select(['file_name', 'content'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? { fileName: r.file_name, xml: r.content } : null;
}
