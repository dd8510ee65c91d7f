// Personal data (GDPR, articles 15, 17 and 20): every module declares, table by table, which rows
// concern a person, and what erasure does with them — delete, anonymise some columns, or keep
// with the legal reason (invoices and the ledger are kept ten years: Code de commerce L123-22,
// LPF L102 B). One engine exports and erases from those declarations, so a new table of personal
// data is one more rule, never a forgotten corner. The register of processing is in
// docs/gdpr/register.md.
import { type RawBuilder, sql } from 'kysely';
import { coreDb, type Tx } from './db/handles.ts';

/** The person a request is about, in one cooperative. Without an account (a prospect, a
 *  registrant to an information meeting), only the email identifies them. */
export interface PersonRef {
  cooperativeId: string;
  email: string;
  userId: string | null;
}

/** Column → new value: null, a neutral text such as « Personne effacée », or an SQL expression. */
export type ErasedValues = Record<string, string | boolean | null | RawBuilder<unknown>>;

export type Erasure =
  | { kind: 'delete' }
  /** The new values, or, when they depend on the person (their name written in a text), made for them. */
  | { kind: 'anonymise'; set: ErasedValues | ((p: PersonRef) => ErasedValues) }
  | { kind: 'keep'; reason: string };

export interface PersonalDataRule {
  /** A table of the declaring module (or of the core, for the core's rules). */
  table: string;
  /** What the rows are, in French, for the export and the erasure report. */
  label: string;
  /** The rows about the person (the engine adds `cooperative_id = …` itself, unless `global`). */
  match(p: PersonRef): RawBuilder<unknown>;
  erase: Erasure;
  /** A column holding stored-file ids: exported with the rows, deleted with them. */
  fileColumn?: string;
  /** Not a tenant table (e.g. the core's identity tables, keyed by user or email). */
  global?: boolean;
  /** Others' rows only touched by the erasure (their texts naming the person): not exported. */
  eraseOnly?: boolean;
}

/** Data kept only for a time: what is past its retention period is erased by the daily job. */
export interface RetentionRule {
  table: string;
  /** What and how long, in French (the register of processing quotes it). */
  label: string;
  /** The rows past their period (all cooperatives: the job runs as the system). */
  expired: RawBuilder<unknown>;
  erase: { kind: 'delete' } | { kind: 'anonymise'; set: ErasedValues };
}

export interface PersonalDataRules {
  module: string;
  rules: PersonalDataRule[];
  retention?: RetentionRule[];
}

export interface ExportedSection {
  module: string;
  table: string;
  label: string;
  rows: Record<string, unknown>[];
}

export interface ErasureLine {
  module: string;
  table: string;
  label: string;
  rows: number;
  action: 'supprimé' | 'anonymisé' | 'conservé';
  reason?: string;
}

const where = (r: PersonalDataRule, p: PersonRef) =>
  r.global ? sql`(${r.match(p)})` : sql`cooperative_id = ${p.cooperativeId} and (${r.match(p)})`;

/** Every row about the person, module by module, and the ids of their files. */
export async function exportPersonalData(
  tx: Tx,
  p: PersonRef,
  all: PersonalDataRules[],
): Promise<{ sections: ExportedSection[]; fileIds: string[] }> {
  const db = coreDb(tx);
  const sections: ExportedSection[] = [];
  const fileIds = new Set<string>();
  for (const m of all)
    for (const r of m.rules.filter((x) => !x.eraseOnly)) {
      const res = await sql<{
        j: Record<string, unknown>;
      }>`select row_to_json(t) as j from ${sql.table(r.table)} t where ${where(r, p)}`.execute(db);
      const rows = res.rows.map((x) => x.j);
      if (r.fileColumn)
        for (const row of rows) if (typeof row[r.fileColumn] === 'string') fileIds.add(row[r.fileColumn] as string);
      if (rows.length) sections.push({ module: m.module, table: r.table, label: r.label, rows });
    }
  return { sections, fileIds: [...fileIds] };
}

/** Applies every rule in order (children before parents: declare them so). With `dryRun`, only
 *  counts. Files of deleted rows are deleted too; files of kept rows are kept. */
export async function erasePersonalData(
  tx: Tx,
  p: PersonRef,
  all: PersonalDataRules[],
  opts: { dryRun: boolean },
): Promise<ErasureLine[]> {
  const db = coreDb(tx);
  const lines: ErasureLine[] = [];
  for (const m of all)
    for (const r of m.rules) {
      const count = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(r.table)} where ${where(r, p)}`.execute(db);
      const n = count.rows[0].n;
      if (!n) continue;
      const line: ErasureLine = {
        module: m.module,
        table: r.table,
        label: r.label,
        rows: n,
        action: r.erase.kind === 'delete' ? 'supprimé' : r.erase.kind === 'anonymise' ? 'anonymisé' : 'conservé',
        reason: r.erase.kind === 'keep' ? r.erase.reason : undefined,
      };
      lines.push(line);
      if (opts.dryRun || r.erase.kind === 'keep') continue;
      if (r.erase.kind === 'delete') {
        const files = r.fileColumn
          ? (
              await sql<{
                f: string | null;
              }>`select ${sql.ref(r.fileColumn)}::text as f from ${sql.table(r.table)} where ${where(r, p)}`.execute(db)
            ).rows
              .map((x) => x.f)
              .filter((f): f is string => !!f)
          : [];
        await sql`delete from ${sql.table(r.table)} where ${where(r, p)}`.execute(db);
        for (const f of files)
          await sql`delete from stored_file where cooperative_id = ${p.cooperativeId} and id = ${f}::uuid`.execute(db);
      } else {
        const values = typeof r.erase.set === 'function' ? r.erase.set(p) : r.erase.set;
        const sets = sql.join(Object.entries(values).map(([col, v]) => sql`${sql.ref(col)} = ${v}`));
        await sql`update ${sql.table(r.table)} set ${sets} where ${where(r, p)}`.execute(db);
      }
    }
  return lines;
}

/** Erases what is past its retention period; returns the rows touched per rule. */
export async function applyRetention(tx: Tx, all: PersonalDataRules[]): Promise<{ label: string; rows: number }[]> {
  const db = coreDb(tx);
  const done: { label: string; rows: number }[] = [];
  for (const m of all)
    for (const r of m.retention ?? []) {
      const res =
        r.erase.kind === 'delete'
          ? await sql`delete from ${sql.table(r.table)} where ${r.expired}`.execute(db)
          : await sql`update ${sql.table(r.table)} set ${sql.join(
              Object.entries(r.erase.set).map(([col, v]) => sql`${sql.ref(col)} = ${v}`),
            )} where ${r.expired}`.execute(db);
      done.push({ label: `${m.module}.${r.table} : ${r.label}`, rows: Number(res.numAffectedRows ?? 0) });
    }
  return done;
}
