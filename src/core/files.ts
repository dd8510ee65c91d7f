// Files are stored encrypted at rest (AES-256-GCM, random IV per file, key from configuration),
// with their SHA-256 (duplicate detection) and size/type limits checked before writing.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Tx } from './db/tenant.ts';
import { uuidv7 } from './ids.ts';
import { UserError, NotFoundError } from './errors.ts';
import { coreDb } from './db/handles.ts';

export const MAX_FILE_BYTES = 15 * 1024 * 1024;
export const ALLOWED_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/heic',
  'text/xml',
  'application/xml',
  'text/csv',
  'text/plain',
];

export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
}

/** Checks the declared type against the content's magic bytes, so a renamed executable is refused. */
function sniff(buf: Buffer): string | null {
  if (buf.subarray(0, 5).toString() === '%PDF-') return 'application/pdf';
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.subarray(0, 4).toString() === 'RIFF' && buf.subarray(8, 12).toString() === 'WEBP') return 'image/webp';
  if (buf.subarray(4, 12).toString().startsWith('ftyphei')) return 'image/heic';
  return null;
}

export async function storeFile(
  tx: Tx,
  key: Buffer,
  input: { cooperativeId: string; name: string; mimeType: string; content: Buffer; createdBy: string | null },
): Promise<StoredFile> {
  const trx = coreDb(tx);
  if (input.content.length === 0) throw new UserError('Le fichier est vide.', 'file');
  if (input.content.length > MAX_FILE_BYTES)
    throw new UserError(`Le fichier dépasse ${MAX_FILE_BYTES / 1024 / 1024} Mo.`, 'file');
  const sniffed = sniff(input.content);
  const type = sniffed ?? input.mimeType;
  if (!ALLOWED_TYPES.includes(type))
    throw new UserError('Type de fichier non accepté (PDF, image, XML ou CSV).', 'file');
  if (['application/pdf', 'image/png', 'image/jpeg'].includes(input.mimeType) && sniffed !== input.mimeType)
    throw new UserError('Le contenu du fichier ne correspond pas à son type.', 'file');
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const content = Buffer.concat([cipher.update(input.content), cipher.final()]);
  const id = uuidv7();
  const name = input.name.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || 'fichier';
  await trx
    .insertInto('stored_file')
    .values({
      cooperative_id: input.cooperativeId,
      id,
      name,
      mime_type: type,
      size: input.content.length,
      sha256,
      iv: iv.toString('base64'),
      auth_tag: cipher.getAuthTag().toString('base64'),
      content,
      created_by: input.createdBy,
    })
    .execute();
  return { id, name, mimeType: type, size: input.content.length, sha256 };
}

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
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(r.iv, 'base64'));
  d.setAuthTag(Buffer.from(r.auth_tag, 'base64'));
  const content = Buffer.concat([d.update(r.content), d.final()]);
  return { id: r.id, name: r.name, mimeType: r.mime_type, size: r.size, sha256: r.sha256, content };
}
