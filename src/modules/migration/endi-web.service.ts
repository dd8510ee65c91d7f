// The enDI import as the page /import/endi runs it: the files a person uploads are typed by their
// content and size-limited before being read, then kept read (tables, in endi_upload; PDFs as
// stored files) with the column chosen for each of our fields, so the person can map, preview,
// check and import in several steps without sending them again. Mappings can be saved under a
// name per cooperative and are proposed again at the next upload. The check and the import are
// runEndiImport's: a dry run listing every problem with its file and line, then all or nothing.
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import type { Db, Tx } from '../../core/db/tenant.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { deleteFile, detectFileType, storeFile } from '../../core/files.ts';
import { uuidv7 } from '../../core/ids.ts';
import { migrationDb } from './db.ts';
import {
  bundleFromTables,
  type EndiKind,
  guessColumns,
  kindOfExport,
  type Problem,
  SPECS,
  UNKNOWN_FILE_MESSAGE,
} from './endi-files.ts';
import { type ImportReport, runEndiImport } from './endi-import.service.ts';
import { MIGRATION } from './permissions.ts';
import { readCsv, readXlsx, type Table, TableError } from './tabular.ts';

/** One uploaded file at most this big (checked before it is read). */
export const ENDI_WEB_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** A whole upload (several exports and their PDFs) at most this big. */
export const ENDI_WEB_MAX_UPLOAD_BYTES = 45 * 1024 * 1024;
export const ENDI_WEB_MAX_FILES = 60;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Kind of file → our field → the file's normalised header ('' or absent: no column). */
export type ColumnMapping = Partial<Record<EndiKind, Record<string, string>>>;

export interface UploadedTable {
  name: string;
  kind: EndiKind;
  headers: string[];
  labels: string[];
  rows: { line: number; cells: Record<string, string> }[];
}
export interface UploadState {
  tables: UploadedTable[];
  /** File name → stored file id. */
  pdfs: Record<string, string>;
  /** Files received but not usable (unknown name): reported by the check. */
  problems: Problem[];
  mapping: ColumnMapping;
}
export interface SavedMapping {
  id: string;
  name: string;
  mapping: ColumnMapping;
}

/** Uploads belong to a person (the page's signed-in user), never to the system. */
function owner(actor: Actor): string {
  if (!actor.userId) throw new UserError('Un import par la page demande une personne connectée.');
  return actor.userId;
}

const MB = (n: number) => `${n / 1024 / 1024} Mo`;

/** What a file is, read from its bytes: a PDF, an XLSX workbook, a text (CSV) file, or refused. */
async function typeOf(content: Buffer): Promise<'pdf' | 'xlsx' | 'csv' | null> {
  const t = await detectFileType(content);
  if (t === 'application/pdf') return 'pdf';
  if (t === XLSX) return 'xlsx';
  if (t) return null;
  // No known signature: text, as long as it has no NUL byte (a binary file or UTF-16).
  return content.includes(0) ? null : 'csv';
}

function toTable(t: UploadedTable): Table {
  return {
    headers: t.headers,
    labels: t.labels,
    rows: t.rows.map((r) => ({ line: r.line, cells: new Map(Object.entries(r.cells)) })),
  };
}

/** The column of each field: the saved mapping's when the file has that header, else enDI's names. */
function proposeColumns(kind: EndiKind, headers: string[], saved: ColumnMapping | null): Record<string, string> {
  const guess = guessColumns(kind, headers);
  const fromSaved = saved?.[kind] ?? {};
  const out: Record<string, string> = {};
  for (const field of Object.keys(SPECS[kind])) {
    const s = fromSaved[field];
    const h = s !== undefined && (s === '' || headers.includes(s)) ? s : guess[field];
    if (h) out[field] = h;
  }
  return out;
}

/**
 * Receives the files of an upload: each one typed by its content and size-limited before it is
 * read; one refused file refuses the whole upload (UserError on the field `fichiers`, nothing
 * kept). Replaces the person's previous upload; proposes the columns (the cooperative's last
 * saved mapping, else enDI's known header names).
 */
export async function receiveEndiUpload(
  db: Db,
  actor: Actor,
  fileKey: Buffer,
  files: { name: string; content: Buffer }[],
): Promise<UploadState> {
  authorize(actor, MIGRATION.importHistory);
  const field = 'fichiers';
  if (!files.length) throw new UserError('Choisissez les fichiers exportés depuis enDI (CSV ou XLSX).', field);
  if (files.length > ENDI_WEB_MAX_FILES) throw new UserError(`${ENDI_WEB_MAX_FILES} fichiers au plus.`, field);
  const tables: UploadedTable[] = [];
  const pdfs: { name: string; content: Buffer }[] = [];
  const problems: Problem[] = [];
  for (const f of files) {
    const name = f.name.split(/[\\/]/).pop()!.slice(0, 200) || 'fichier';
    if (f.content.length === 0) throw new UserError(`« ${name} » est vide.`, field);
    if (f.content.length > ENDI_WEB_MAX_FILE_BYTES)
      throw new UserError(
        `« ${name} » est trop volumineux : ${MB(ENDI_WEB_MAX_FILE_BYTES)} au plus par fichier.`,
        field,
      );
    const type = await typeOf(f.content);
    if (!type)
      throw new UserError(
        `« ${name} » n'est ni un CSV, ni un classeur XLSX, ni un PDF : déposez les exports d'enDI en CSV ou XLSX (et les PDF des factures).`,
        field,
      );
    if (type === 'pdf') {
      pdfs.push({ name, content: f.content });
      continue;
    }
    let table: Table;
    try {
      table = type === 'csv' ? readCsv(f.content) : await readXlsx(f.content);
    } catch (e) {
      if (!(e instanceof TableError)) throw e;
      throw new UserError(`« ${name} » est illisible : ${e.message}.`, field);
    }
    if (!table.headers.some(Boolean)) throw new UserError(`« ${name} » n'a pas de ligne d'en-têtes.`, field);
    const kind = kindOfExport(name, table.headers);
    if (!kind) {
      problems.push({ file: name, line: 0, message: UNKNOWN_FILE_MESSAGE });
      continue;
    }
    tables.push({
      name,
      kind,
      headers: table.headers,
      labels: table.labels,
      rows: table.rows.map((r) => ({ line: r.line, cells: Object.fromEntries(r.cells) })),
    });
  }
  return withTenant(db, actor.cooperativeId, async (tx) => {
    const trx = migrationDb(tx);
    const last = await trx
      .selectFrom('endi_column_mapping')
      .select('mapping')
      .where('cooperative_id', '=', actor.cooperativeId)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const saved = (last?.mapping as ColumnMapping | undefined) ?? null;
    const mapping: ColumnMapping = {};
    for (const t of tables) mapping[t.kind] = { ...proposeColumns(t.kind, t.headers, saved), ...mapping[t.kind] };
    const storedPdfs: Record<string, string> = {};
    for (const p of pdfs) {
      const s = await storeFile(tx, fileKey, {
        cooperativeId: actor.cooperativeId,
        name: p.name,
        purpose: 'imported-document',
        content: p.content,
        createdBy: actor.userId,
        field,
      });
      storedPdfs[p.name] = s.id;
    }
    const state: UploadState = { tables, pdfs: storedPdfs, problems, mapping };
    await dropUploads(tx, actor.cooperativeId, { createdBy: owner(actor) });
    await trx
      .insertInto('endi_upload')
      .values({
        cooperative_id: actor.cooperativeId,
        id: uuidv7(),
        created_by: owner(actor),
        state: JSON.stringify(state),
      })
      .execute();
    return state;
  });
}

/** The person's current upload, or null. */
export async function currentEndiUpload(db: Db, actor: Actor): Promise<UploadState | null> {
  authorize(actor, MIGRATION.importHistory);
  return withTenant(db, actor.cooperativeId, async (tx) => {
    const r = await migrationDb(tx)
      .selectFrom('endi_upload')
      .select('state')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('created_by', '=', owner(actor))
      .executeTakeFirst();
    return r ? (r.state as UploadState) : null;
  });
}

/** Keeps only fields and headers that exist: what a form may set. */
function cleanMapping(state: UploadState, wanted: ColumnMapping): ColumnMapping {
  const out: ColumnMapping = {};
  for (const t of state.tables) {
    const w = wanted[t.kind] ?? {};
    const cols: Record<string, string> = {};
    for (const field of Object.keys(SPECS[t.kind])) {
      const h = w[field];
      if (h === '' || (h !== undefined && t.headers.includes(h))) cols[field] = h;
      else if (state.mapping[t.kind]?.[field] !== undefined) cols[field] = state.mapping[t.kind]![field];
    }
    out[t.kind] = { ...out[t.kind], ...cols };
  }
  return out;
}

/** Sets the columns chosen on the mapping screen for the person's upload. */
export async function setEndiMapping(db: Db, actor: Actor, wanted: ColumnMapping): Promise<UploadState> {
  authorize(actor, MIGRATION.importHistory);
  return withTenant(db, actor.cooperativeId, async (tx) => {
    const trx = migrationDb(tx);
    const r = await trx
      .selectFrom('endi_upload')
      .select('state')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('created_by', '=', owner(actor))
      .executeTakeFirst();
    if (!r) throw new NotFoundError('Dépôt de fichiers');
    const state = r.state as UploadState;
    state.mapping = cleanMapping(state, wanted);
    await trx
      .updateTable('endi_upload')
      .set({ state: JSON.stringify(state), updated_at: new Date() })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('created_by', '=', owner(actor))
      .execute();
    return state;
  });
}

/** The cooperative's saved mappings, last used first. */
export async function listEndiMappings(db: Db, actor: Actor): Promise<SavedMapping[]> {
  authorize(actor, MIGRATION.importHistory);
  return withTenant(db, actor.cooperativeId, async (tx) =>
    (
      await migrationDb(tx)
        .selectFrom('endi_column_mapping')
        .select(['id', 'name', 'mapping'])
        .where('cooperative_id', '=', actor.cooperativeId)
        .orderBy('updated_at', 'desc')
        .orderBy('name')
        .execute()
    ).map((m) => ({ id: m.id, name: m.name, mapping: m.mapping as ColumnMapping })),
  );
}

/** Saves the upload's current mapping under a name (the same name is replaced). */
export async function saveEndiMapping(db: Db, actor: Actor, name: string): Promise<SavedMapping> {
  authorize(actor, MIGRATION.importHistory);
  const n = name.trim();
  if (!n) throw new UserError('Donnez un nom à cette correspondance, par exemple « Export enDI 2025 ».', 'nom');
  if (n.length > 100) throw new UserError('100 caractères au plus.', 'nom');
  const state = await currentEndiUpload(db, actor);
  if (!state) throw new NotFoundError('Dépôt de fichiers');
  return withTenant(db, actor.cooperativeId, async (tx) => {
    const trx = migrationDb(tx);
    const existing = await trx
      .selectFrom('endi_column_mapping')
      .select('mapping')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('name', '=', n)
      .executeTakeFirst();
    // Kinds not in this upload keep what the saved mapping had for them.
    const mapping = { ...((existing?.mapping as ColumnMapping) ?? {}), ...state.mapping };
    const r = await trx
      .insertInto('endi_column_mapping')
      .values({
        cooperative_id: actor.cooperativeId,
        id: uuidv7(),
        name: n,
        mapping: JSON.stringify(mapping),
        created_by: actor.userId,
      })
      .onConflict((oc) =>
        oc
          .columns(['cooperative_id', 'name'])
          .doUpdateSet({ mapping: JSON.stringify(mapping), updated_at: new Date(), created_by: actor.userId }),
      )
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    return { id: r.id, name: r.name, mapping };
  });
}

/** Applies a saved mapping (of the actor's cooperative) to the person's upload. */
export async function applyEndiMapping(db: Db, actor: Actor, id: string): Promise<UploadState> {
  authorize(actor, MIGRATION.importHistory);
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('Correspondance');
  const saved = await withTenant(db, actor.cooperativeId, async (tx) => {
    const trx = migrationDb(tx);
    const r = await trx
      .selectFrom('endi_column_mapping')
      .select('mapping')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (r)
      await trx
        .updateTable('endi_column_mapping')
        .set({ updated_at: new Date() })
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('id', '=', id)
        .execute();
    return r;
  });
  if (!saved) throw new NotFoundError('Correspondance');
  const state = await currentEndiUpload(db, actor);
  if (!state) throw new NotFoundError('Dépôt de fichiers');
  const m = saved.mapping as ColumnMapping;
  const wanted: ColumnMapping = {};
  for (const t of state.tables) wanted[t.kind] = proposeColumns(t.kind, t.headers, m);
  return setEndiMapping(db, actor, wanted);
}

/** The first rows of each file as mapped: our field → the cell's value. */
export function previewEndiUpload(
  state: UploadState,
  rows = 5,
): { name: string; kind: EndiKind; fields: string[]; rows: { line: number; values: string[] }[] }[] {
  return state.tables.map((t) => {
    const cols = state.mapping[t.kind] ?? {};
    const fields = Object.keys(SPECS[t.kind]).filter((f) => cols[f]);
    return {
      name: t.name,
      kind: t.kind,
      fields,
      rows: t.rows.slice(0, rows).map((r) => ({ line: r.line, values: fields.map((f) => r.cells[cols[f]] ?? '') })),
    };
  });
}

/** Checks (dry run: nothing written) or imports (all or nothing) the person's upload as mapped. */
export async function runEndiUpload(
  db: Db,
  actor: Actor,
  fileKey: Buffer,
  opts: { dryRun: boolean },
): Promise<ImportReport> {
  authorize(actor, MIGRATION.importHistory);
  const state = await currentEndiUpload(db, actor);
  if (!state) throw new NotFoundError('Dépôt de fichiers');
  const bundle = bundleFromTables(
    state.tables.map((t) => ({ name: t.name, kind: t.kind, table: toTable(t), columns: state.mapping[t.kind] ?? {} })),
    new Map(Object.entries(state.pdfs)),
    state.problems,
  );
  const report = await runEndiImport(db, actor, bundle, { fileKey, dryRun: opts.dryRun });
  if (!opts.dryRun && !report.problems.length)
    // Imported: the upload has served. Its tables go, and so do the PDFs no invoice took.
    await withTenant(db, actor.cooperativeId, (tx) =>
      dropUploads(tx, actor.cooperativeId, { createdBy: owner(actor), keep: new Set(report.usedFiles) }),
    );
  return report;
}

/** Days an upload waits, untouched, for its import before it is deleted with its PDFs. */
export const ENDI_UPLOAD_RETENTION_DAYS = 7;

/**
 * Deletes uploads (a person's, or those untouched since a date) and their stored PDFs, but the
 * files in `keep` (the originals of imported invoices). An upload is a copy of a cooperative's
 * whole history, personal data included: it is kept no longer than the import needs.
 */
async function dropUploads(
  tx: Tx,
  cooperativeId: string,
  which: { createdBy?: string; before?: Date; keep?: Set<string> },
): Promise<number> {
  const trx = migrationDb(tx);
  let q = trx.selectFrom('endi_upload').select(['id', 'state']).where('cooperative_id', '=', cooperativeId);
  if (which.createdBy) q = q.where('created_by', '=', which.createdBy);
  if (which.before) q = q.where('updated_at', '<', which.before);
  const rows = await q.execute();
  for (const r of rows) {
    for (const fileId of Object.values((r.state as UploadState).pdfs ?? {}))
      if (!which.keep?.has(fileId)) await deleteFile(tx, cooperativeId, fileId);
    await trx.deleteFrom('endi_upload').where('cooperative_id', '=', cooperativeId).where('id', '=', r.id).execute();
  }
  return rows.length;
}

/** The nightly retention rule: uploads untouched for ENDI_UPLOAD_RETENTION_DAYS are deleted. */
export async function purgeStaleEndiUploads(db: Db, cooperativeId: string, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - ENDI_UPLOAD_RETENTION_DAYS * 86_400_000);
  return withTenant(db, cooperativeId, (tx) => dropUploads(tx, cooperativeId, { before }));
}
