// Exceptions-only validation: submitted invoices are split into "ready" (no check raised
// anything: validated in one batch, one transaction each) and "to review" (each with its
// reasons; validating one anyway needs a written reason, kept in the audit log).
import type { Db, Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { TenantTx } from './db.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { authorize, moduleAvailable } from '../../core/authz.ts';
import { INBOX } from './permissions.ts';
import { UserError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { todayParis, type IsoDate } from '../../core/dates.ts';
import { updateCooperativeSettings } from '../directory/index.ts';
import { listInvoices, validateInvoice, type Invoice } from '../sales/index.ts';
import {
  runChecks,
  runChecksMany,
  thresholdsOf,
  validationSource,
  validationSources,
  type Finding,
  type CheckThresholds,
  type PendingDocument,
} from './checks.ts';

export interface QueueEntry {
  invoice: Invoice;
  findings: Finding[];
  blocking: boolean;
}
/** A document of another type in the queue (expense report, supplier invoice, salary request). */
export interface DocEntry {
  doc: PendingDocument;
  findings: Finding[];
  blocking: boolean;
}
export interface DocSection {
  documentType: string;
  label: string;
  noun: string;
  ready: DocEntry[];
  review: DocEntry[];
}
export interface ValidationQueue {
  ready: QueueEntry[];
  review: QueueEntry[];
  /** One section per other document type the actor may validate, in registration order. */
  others: DocSection[];
}
export async function validationQueue(
  trx: TenantTx,
  actor: Actor,
  today: IsoDate = todayParis(),
): Promise<ValidationQueue> {
  authorize(actor, INBOX.validationQueue);
  const ctx = { thresholds: await thresholdsOf(trx, actor.cooperativeId) };
  const ready: QueueEntry[] = [];
  const review: QueueEntry[] = [];
  // Invoices are the ERP's (sales): an organisation without it has none to validate.
  const invoices = moduleAvailable(actor, 'sales')
    ? (await listInvoices(trx, actor, { status: 'to_validate', pageSize: 1000, today })).items.reverse()
    : [];
  const invoiceFindings = await runChecksMany(
    trx,
    actor,
    'invoice',
    invoices.map((i) => i.id),
    ctx,
  );
  for (const invoice of invoices) {
    const findings = invoiceFindings.get(invoice.id) ?? [];
    const e = { invoice, findings, blocking: findings.some((f) => f.severity === 'blocking') };
    (findings.length ? review : ready).push(e);
  }
  const others: DocSection[] = [];
  for (const src of validationSources()) {
    if (!moduleAvailable(actor, src.module) || !src.canValidate(actor)) continue;
    const section: DocSection = {
      documentType: src.documentType,
      label: src.label,
      noun: src.noun,
      ready: [],
      review: [],
    };
    const docs = await src.pending(trx, actor);
    const docFindings = await runChecksMany(
      trx,
      actor,
      src.documentType,
      docs.map((d) => d.id),
      ctx,
    );
    for (const doc of docs) {
      const findings = docFindings.get(doc.id) ?? [];
      const e = { doc, findings, blocking: findings.some((f) => f.severity === 'blocking') };
      (findings.length ? section.review : section.ready).push(e);
    }
    others.push(section);
  }
  return { ready, review, others };
}

function sourceOf(documentType: string, actor: Actor) {
  const src = validationSource(documentType);
  if (!src || !moduleAvailable(actor, src.module) || !src.canValidate(actor)) throw new ForbiddenError();
  return src;
}

/** Validates the given documents of one type that are still clean; one transaction each. */
export async function validateDocumentBatch(
  db: Db,
  actor: Actor,
  documentType: string,
  ids: string[],
): Promise<BatchResult> {
  authorize(actor, INBOX.validationBatch);
  const src = sourceOf(documentType, actor);
  const out: BatchResult = { validated: [], skipped: [] };
  for (const id of [...new Set(ids)]) {
    try {
      const r = await withTenant(db, actor.cooperativeId, async (trx) => {
        // Checked again inside the transaction: the document may have changed since the page.
        const findings = await runChecks(trx, actor, src.documentType, id);
        if (findings.length) return findings.map((f) => f.message).join(' ');
        await src.validate(trx, actor, id);
        await audit(trx, actor, {
          action: 'validation.batch',
          targetType: src.documentType,
          targetId: id,
          data: { checks: 'clean' },
        });
        return null;
      });
      if (r) out.skipped.push({ id, reason: r });
      else out.validated.push(id);
    } catch (e) {
      if (e instanceof UserError || e instanceof ForbiddenError) out.skipped.push({ id, reason: e.message });
      else throw e;
    }
  }
  return out;
}

/** Validates a document of another type that raised warnings: the reason is required and audited. */
export async function validateDocumentException(
  trx: TenantTx,
  actor: Actor,
  documentType: string,
  id: string,
  reason: string,
): Promise<void> {
  authorize(actor, INBOX.validationException);
  const src = sourceOf(documentType, actor);
  const why = (reason ?? '').trim();
  if (why.length < MIN_REASON)
    throw new UserError('Expliquez en une phrase pourquoi vous validez malgré les alertes.', 'reason');
  const findings = await runChecks(trx, actor, src.documentType, id);
  const blocking = findings.filter((f) => f.severity === 'blocking');
  if (blocking.length)
    throw new UserError(`Ce document ne peut pas être validé : ${blocking.map((f) => f.message).join(' ')}`, 'reason');
  await audit(trx, actor, {
    action: 'validation.exception',
    targetType: src.documentType,
    targetId: id,
    data: { reason: why, findings: findings.map((f) => ({ check: f.checkId, message: f.message })) },
  });
  await src.validate(trx, actor, id);
}

export interface BatchResult {
  validated: string[];
  skipped: { id: string; reason: string }[];
}
/** Validates the given invoices that are still clean; one transaction per invoice. */
export async function validateBatch(db: Db, actor: Actor, ids: string[]): Promise<BatchResult> {
  authorize(actor, INBOX.validationBatch);
  const out: BatchResult = { validated: [], skipped: [] };
  for (const id of [...new Set(ids)]) {
    try {
      const r = await withTenant(db, actor.cooperativeId, async (trx) => {
        const findings = await runChecks(trx, actor, 'invoice', id);
        if (findings.length) return findings.map((f) => f.message).join(' ');
        const inv = await validateInvoice(trx, actor, id);
        await audit(trx, actor, {
          action: 'validation.batch',
          targetType: 'invoice',
          targetId: id,
          data: { number: inv.number, checks: 'clean' },
        });
        return null;
      });
      if (r) out.skipped.push({ id, reason: r });
      else out.validated.push(id);
    } catch (e) {
      if (e instanceof UserError || e instanceof ForbiddenError) out.skipped.push({ id, reason: e.message });
      else throw e;
    }
  }
  return out;
}

export const MIN_REASON = 10;
/** Validates an invoice that raised warnings: the reason is required and audited. */
export async function validateException(trx: TenantTx, actor: Actor, id: string, reason: string): Promise<Invoice> {
  authorize(actor, INBOX.validationException);
  const why = (reason ?? '').trim();
  if (why.length < MIN_REASON)
    throw new UserError('Expliquez en une phrase pourquoi vous validez malgré les alertes.', 'reason');
  const findings = await runChecks(trx, actor, 'invoice', id);
  const blocking = findings.filter((f) => f.severity === 'blocking');
  if (blocking.length)
    throw new UserError(
      `Cette facture ne peut pas être validée : ${blocking.map((f) => f.message).join(' ')}`,
      'reason',
    );
  await audit(trx, actor, {
    action: 'validation.exception',
    targetType: 'invoice',
    targetId: id,
    data: { reason: why, findings: findings.map((f) => ({ check: f.checkId, message: f.message })) },
  });
  return validateInvoice(trx, actor, id);
}

/** The thresholds of the cooperative's checks, as the settings page shows them. */
export async function checkThresholds(tx: Tx, actor: Actor): Promise<CheckThresholds> {
  authorize(actor, INBOX.thresholdsRead);
  return thresholdsOf(tx, actor.cooperativeId);
}

export async function saveThresholds(trx: Tx, actor: Actor, raw: Record<string, string>): Promise<CheckThresholds> {
  authorize(actor, INBOX.thresholdsSave);
  const fields: Record<string, string> = {};
  const num = (k: string, min: number, max: number, int: boolean, msg: string) => {
    const v = Number(
      String(raw[k] ?? '')
        .replace(',', '.')
        .trim(),
    );
    if (!raw[k]?.trim() || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
      fields[k] = msg;
      return 0;
    }
    return v;
  };
  const t: CheckThresholds = {
    outlierFactor: num('outlierFactor', 2, 100, false, 'Un nombre entre 2 et 100.'),
    outlierMinHistory: num('outlierMinHistory', 2, 50, true, 'Un nombre entier entre 2 et 50.'),
    duplicateDays: num('duplicateDays', 1, 60, true, 'Un nombre entier de jours entre 1 et 60.'),
  };
  if (Object.keys(fields).length) throw new UserError('Certains champs sont à corriger.', undefined, fields);
  await updateCooperativeSettings(trx, actor, { checks: t });
  return t;
}
