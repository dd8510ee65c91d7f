// Files are stored encrypted at rest (AES-256-GCM, random IV per file) under their
// cooperative's data key, itself wrapped by the master key of the configuration (envelope
// encryption: core/file-keys.ts), with their SHA-256 (duplicate detection); size and type (read
// from the content, allowed per use) are checked before writing.
import { createHash } from 'node:crypto';
import { activeDataKey, dataKeyById, openContent, openLegacyContent, sealContent } from './file-keys.ts';
import type { Tx } from './db/tenant.ts';
import { uuidv7 } from './ids.ts';
import { UserError, NotFoundError } from './errors.ts';
import { coreDb } from './db/handles.ts';

export const MAX_FILE_BYTES = 15 * 1024 * 1024;

const PDF_AND_IMAGES = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/heic'] as const;
/**
 * What each use accepts, by the type read from the content (never the name or the declared
 * type, which the sender chooses). XML only where an e-invoice is expected, and it is never
 * shown by the browser (see web/files.ts).
 */
export const FILE_PURPOSES = {
  receipt: PDF_AND_IMAGES,
  'supplier-invoice': [...PDF_AND_IMAGES, 'application/xml'],
  'signed-document': PDF_AND_IMAGES,
  'person-document': PDF_AND_IMAGES,
  'identity-document': PDF_AND_IMAGES,
  logo: ['image/png', 'image/jpeg'],
  'imported-document': ['application/pdf'],
  'archived-document': PDF_AND_IMAGES,
  // Electronic signature: the contract shown to the signer, and the evidence file (JSON).
  'signature-document': ['application/pdf'],
  'signature-evidence': ['application/json'],
  // Course materials a lesson offers for download (always served as an attachment).
  'course-material': [
    ...PDF_AND_IMAGES,
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/vnd.oasis.opendocument.presentation',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
  // A file joined to a campus question (a template, a screenshot): shown only as a download.
  'campus-attachment': PDF_AND_IMAGES,
  // A photo on a public marketplace page: images a browser shows, nothing else.
  'market-photo': ['image/jpeg', 'image/png', 'image/webp'],
} as const satisfies Record<string, readonly string[]>;
export type FilePurpose = keyof typeof FILE_PURPOSES;

const PURPOSE_REFUSAL: Record<FilePurpose, string> = {
  receipt: 'Déposez un PDF ou une photo (JPEG, PNG, WebP, HEIC).',
  'supplier-invoice': 'Déposez la facture en PDF, en photo ou en XML (Factur-X, UBL, CII).',
  'signed-document': 'Déposez le document signé en PDF ou en photo (JPEG, PNG, WebP, HEIC).',
  'person-document': 'Déposez un PDF ou une photo (JPEG, PNG, WebP, HEIC).',
  'identity-document': "Déposez votre pièce d'identité en PDF ou en photo (JPEG, PNG, WebP, HEIC).",
  logo: 'Le logo doit être une image PNG ou JPEG.',
  'imported-document': 'Le document repris doit être un PDF.',
  'archived-document': 'Déposez le document en PDF ou en photo (JPEG, PNG, WebP, HEIC).',
  'signature-document': 'Le document à signer doit être un PDF.',
  'signature-evidence': 'Le dossier de preuve doit être un document JSON.',
  'course-material': 'Déposez un PDF, une image ou un document bureautique (ODT, ODS, ODP, DOCX, XLSX, PPTX).',
  'campus-attachment': 'Joignez un PDF ou une image (JPEG, PNG, WebP, HEIC).',
  'market-photo': 'La photo doit être une image JPEG, PNG ou WebP.',
};

export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
}

/** Looks like an XML document: optional BOM and blanks, then `<?xml` or an element. */
function looksLikeXml(buf: Buffer): boolean {
  const head = buf
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return /^<(\?xml[\s?]|[A-Za-z_][\w.:-]*[\s>/])/.test(head);
}

/** A JSON object, whole and well-formed (evidence files); only uses that allow JSON take it. */
function looksLikeJsonObject(buf: Buffer): boolean {
  if (buf.length > MAX_FILE_BYTES) return false;
  const text = buf.toString('utf8').trim();
  if (!text.startsWith('{')) return false;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** XML a browser would run as a page (XHTML, SVG, anything with a script): never a document. */
function isActiveMarkup(buf: Buffer): boolean {
  const text = buf.subarray(0, 64 * 1024).toString('utf8');
  return /<(\w+:)?(html|svg|script)\b|http:\/\/www\.w3\.org\/(1999\/xhtml|2000\/svg)|\bhx-[a-z]+=|\bon[a-z]+\s*=/i.test(
    text,
  );
}

/** The type read from the content's bytes (file-type, a well-kept sniffing library), or null. */
export async function detectFileType(content: Buffer): Promise<string | null> {
  const { fileTypeFromBuffer } = await import('file-type');
  const t = await fileTypeFromBuffer(content);
  if (t && t.mime !== 'application/xml') return t.mime === 'image/heif' ? 'image/heic' : t.mime;
  if (looksLikeJsonObject(content)) return 'application/json';
  if (!looksLikeXml(content)) return null;
  return isActiveMarkup(content) ? 'application/xhtml+xml' : 'application/xml';
}

/** Checks a file for a use (size first, then the type read from its content); returns its type. */
export async function checkFileFor(purpose: FilePurpose, content: Buffer, field = 'file'): Promise<string> {
  if (content.length === 0) throw new UserError('Le fichier est vide.', field);
  if (content.length > MAX_FILE_BYTES)
    throw new UserError(`Le fichier dépasse ${MAX_FILE_BYTES / 1024 / 1024} Mo.`, field);
  const type = await detectFileType(content);
  if (!type || !(FILE_PURPOSES[purpose] as readonly string[]).includes(type))
    throw new UserError(PURPOSE_REFUSAL[purpose], field);
  return type;
}

/** Stores a file sealed with the cooperative's active data key; `key` is the master key (config.fileKey). */
export async function storeFile(
  tx: Tx,
  key: Buffer,
  input: {
    cooperativeId: string;
    name: string;
    purpose: FilePurpose;
    content: Buffer;
    createdBy: string | null;
    /** The form field an error is shown beside. */
    field?: string;
  },
): Promise<StoredFile> {
  const trx = coreDb(tx);
  const type = await checkFileFor(input.purpose, input.content, input.field);
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const dataKey = await activeDataKey(tx, key, input.cooperativeId);
  const sealed = sealContent(dataKey.key, input.content);
  const id = uuidv7();
  const name = safeFileName(input.name);
  await trx
    .insertInto('stored_file')
    .values({
      cooperative_id: input.cooperativeId,
      id,
      name,
      mime_type: type,
      size: input.content.length,
      sha256,
      ...sealed,
      data_key_id: dataKey.id,
      created_by: input.createdBy,
    })
    .execute();
  return { id, name, mimeType: type, size: input.content.length, sha256 };
}

/**
 * A second stored file with the same sealed content (no key needed: the content is not bound to
 * its row's id), for a module that must own its copy: the archive's retention purge then never
 * erases another module's file, nor the other module the archive's.
 */
export async function copyStoredFile(tx: Tx, cooperativeId: string, id: string): Promise<StoredFile | null> {
  const trx = coreDb(tx);
  const r = await trx
    .selectFrom('stored_file')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  const copy = { ...r, id: uuidv7() };
  if ('created_at' in copy) delete (copy as { created_at?: unknown }).created_at;
  await trx.insertInto('stored_file').values(copy).execute();
  return { id: copy.id, name: r.name, mimeType: r.mime_type, size: Number(r.size), sha256: r.sha256 };
}

/** A name without path, control characters or quotes, at most 200 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return (
    base
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
      .replace(/[\u0000-\u001f\u007f"]/g, '_')
      .replace(/^\.+/, '')
      .slice(0, 200) || 'fichier'
  );
}

/**
 * Reads a file back; `key` is the master key (config.fileKey; the previous ones of a rotation
 * come with it). Throws FileKeyError, with what to do, when no configured master key opens it.
 */
export async function readFile(
  tx: Tx,
  key: Buffer,
  cooperativeId: string,
  id: string,
): Promise<StoredFile & { content: Buffer }> {
  const trx = coreDb(tx);
  const r = await trx
    .selectFrom('stored_file')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Fichier');
  const content = r.data_key_id
    ? openContent(await dataKeyById(tx, key, cooperativeId, r.data_key_id), r)
    : openLegacyContent(key, r); // stored before data keys, until `radieuse keys rotate`
  return { id: r.id, name: r.name, mimeType: r.mime_type, size: r.size, sha256: r.sha256, content };
}

/** Deletes a stored file for good (retention rules: a document kept no longer than needed). */
export async function deleteFile(tx: Tx, cooperativeId: string, id: string): Promise<boolean> {
  const r = await coreDb(tx)
    .deleteFrom('stored_file')
    .where('cooperative_id', '=', cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
