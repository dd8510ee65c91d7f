// Automatic checks: a registry per document type. Each check says, in plain French, why a
// document deserves a second look. Support validates clean documents in a batch and looks only
// at the exceptions. Thresholds are per cooperative (settings.checks).
import type { Tx } from '../../core/db/handles.ts';
import type { TenantTx } from './db.ts';
import type { Actor } from '../../core/actor.ts';
import { getCooperative } from '../directory/index.ts';

export type CheckSeverity = 'blocking' | 'warning';
/** invoice, quote: sales; expense (an expense report), purchase (a supplier invoice): purchases; salary (a salary request): ledger. */
export type DocumentType = 'invoice' | 'expense' | 'quote' | 'purchase' | 'salary';

export interface CheckThresholds {
  /** An amount above this factor × the customer's usual (median) is flagged. */
  outlierFactor: number;
  /** How many validated invoices of the customer make a "usual" amount. */
  outlierMinHistory: number;
  /** Same customer and total within this many days: probable duplicate. */
  duplicateDays: number;
}
export const DEFAULT_THRESHOLDS: CheckThresholds = { outlierFactor: 10, outlierMinHistory: 3, duplicateDays: 7 };

export interface CheckContext {
  thresholds: CheckThresholds;
}
export interface Check<D = Record<string, unknown>> {
  id: string;
  documentType: DocumentType;
  severity: CheckSeverity;
  /** Short label for settings and logs. */
  label: string;
  /** A finding's data (or null when all is well). */
  run(trx: TenantTx, actor: Actor, docId: string, ctx: CheckContext): Promise<D | null>;
  /**
   * The same check on many documents at once, with a number of queries that does not depend on
   * how many (the facts of every id loaded together): the findings by document id, only for the
   * documents with one. Must give exactly what `run` gives for each id; without it, lists of
   * documents fall back to `run` once per document.
   */
  runMany?(trx: TenantTx, actor: Actor, docIds: string[], ctx: CheckContext): Promise<Map<string, D>>;
  /** The plain explanation shown to support and to the entrepreneur. */
  explain(data: D): string;
}
export interface Finding {
  checkId: string;
  severity: CheckSeverity;
  message: string;
  data: Record<string, unknown>;
}

const checks = new Map<string, Check>();
export function registerCheck<D extends Record<string, unknown>>(c: Check<D>): void {
  checks.set(c.id, c);
}
export function checksFor(documentType: DocumentType): Check[] {
  return [...checks.values()].filter((c) => c.documentType === documentType);
}

export async function thresholdsOf(tx: Tx, cooperativeId: string): Promise<CheckThresholds> {
  const coop = await getCooperative(tx, cooperativeId);
  const s = ((coop?.settings as Record<string, unknown> | undefined)?.checks ?? {}) as Partial<CheckThresholds>;
  const pos = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);
  return {
    outlierFactor: pos(s.outlierFactor, DEFAULT_THRESHOLDS.outlierFactor),
    outlierMinHistory: pos(s.outlierMinHistory, DEFAULT_THRESHOLDS.outlierMinHistory),
    duplicateDays: pos(s.duplicateDays, DEFAULT_THRESHOLDS.duplicateDays),
  };
}

/** Runs every check of the type on one document. */
export async function runChecks(
  tx: TenantTx,
  actor: Actor,
  documentType: DocumentType,
  docId: string,
  ctx?: CheckContext,
): Promise<Finding[]> {
  const c = ctx ?? { thresholds: await thresholdsOf(tx, actor.cooperativeId) };
  const out: Finding[] = [];
  for (const check of checksFor(documentType)) {
    const data = await check.run(tx, actor, docId, c);
    if (data) out.push({ checkId: check.id, severity: check.severity, message: check.explain(data), data });
  }
  return out;
}

/**
 * Runs every check of the type on many documents (a list page, the validation queue): the
 * findings of each id, in the order of `runChecks`. Checks with `runMany` cost the same few
 * queries whatever the number of documents.
 */
export async function runChecksMany(
  tx: TenantTx,
  actor: Actor,
  documentType: DocumentType,
  docIds: string[],
  ctx?: CheckContext,
): Promise<Map<string, Finding[]>> {
  const ids = [...new Set(docIds)];
  const out = new Map<string, Finding[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const c = ctx ?? { thresholds: await thresholdsOf(tx, actor.cooperativeId) };
  for (const check of checksFor(documentType)) {
    let found: Map<string, Record<string, unknown>>;
    if (check.runMany) found = await check.runMany(tx, actor, ids, c);
    else {
      found = new Map();
      for (const id of ids) {
        const data = await check.run(tx, actor, id, c);
        if (data) found.set(id, data);
      }
    }
    for (const id of ids) {
      const data = found.get(id);
      if (data) out.get(id)!.push({ checkId: check.id, severity: check.severity, message: check.explain(data), data });
    }
  }
  return out;
}

/** A check's findings over a list of documents loaded at once (for `runMany`): `f` gives each
 *  document's finding or null; only the documents with one are kept. */
export function findingsOf<T extends { id: string }, D>(docs: Iterable<T>, f: (doc: T) => D | null): Map<string, D> {
  const out = new Map<string, D>();
  for (const doc of docs) {
    const d = f(doc);
    if (d) out.set(doc.id, d);
  }
  return out;
}

/**
 * A check written once over a list of documents: `load` reads the documents among the ids that
 * the actor may see, `judge` gives the findings of all of them together. `run` is the same on a
 * list of one, so a single document and a list can never disagree.
 */
export function batchedCheck<T extends { id: string }, D>(
  load: (trx: TenantTx, actor: Actor, ids: string[]) => Promise<T[]>,
  judge: (trx: TenantTx, actor: Actor, docs: T[], ctx: CheckContext) => Promise<Map<string, D>>,
): Pick<Check<D>, 'run' | 'runMany'> {
  return {
    run: async (trx, actor, id, ctx) => (await judge(trx, actor, await load(trx, actor, [id]), ctx)).get(id) ?? null,
    runMany: async (trx, actor, ids, ctx) => judge(trx, actor, await load(trx, actor, ids), ctx),
  };
}

/** The median of integer amounts (lower middle for an even count: stays an integer). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
}

/** One document waiting for a decision, as the validation queue lists it. */
export interface PendingDocument {
  id: string;
  /** Who or what it is about ("Note de frais de Léa Martin, novembre 2026"). */
  title: string;
  date: string | null;
  amountCents: number;
  link: string;
}
/**
 * A kind of document support validates besides invoices: the owning module lists what waits for
 * a decision and validates one document through its own service (which authorizes the actor).
 * The queue runs the same checks on each and puts the clean ones in the batch.
 */
export interface ValidationSource {
  documentType: Exclude<DocumentType, 'invoice'>;
  /** The module the documents belong to: an organisation without it (the ERP's, core/authz.ts)
   *  has no such section, whatever its roles. */
  module: string;
  /** Plural label of the section ("Notes de frais"). */
  label: string;
  /** Singular noun used in messages ("note de frais"). */
  noun: string;
  /** Whether the actor may validate these documents (the queue hides the section otherwise). */
  canValidate(actor: Actor): boolean;
  pending(trx: TenantTx, actor: Actor): Promise<PendingDocument[]>;
  validate(trx: TenantTx, actor: Actor, id: string): Promise<void>;
}
const sources = new Map<string, ValidationSource>();
export function registerValidationSource(s: ValidationSource): void {
  sources.set(s.documentType, s);
}
export function validationSources(): ValidationSource[] {
  return [...sources.values()];
}
export function validationSource(documentType: string): ValidationSource | undefined {
  return sources.get(documentType);
}
