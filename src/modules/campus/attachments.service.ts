// Files joined to a question by its author (or a moderator of its cooperative): stored through
// the core file store (encrypted, typed by content, PDF or image only, at most ATTACHMENT_MAX_BYTES),
// listed with the question and served only to people who can read the question, as a download.
import type { Db, Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { readFile, storeFile } from '../../core/files.ts';
import { uuidv7 } from '../../core/ids.ts';
import { campusDb } from './db.ts';
import { CAMPUS } from './permissions.ts';
import { getQuestion, networkOf } from './questions.service.ts';

export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const ATTACHMENTS_PER_QUESTION = 5;

export interface Attachment {
  id: string;
  cooperativeId: string;
  name: string;
  mimeType: string;
  size: number;
}

export async function attachFile(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  questionId: string,
  file: { name: string; content: Buffer },
): Promise<Attachment> {
  const scope = authorize(actor, CAMPUS.attach);
  const q = await getQuestion(tx, actor, questionId);
  if (q.cooperativeId !== actor.cooperativeId) throw new ForbiddenError();
  if (scope === 'own' && q.authorUserId !== actor.userId) throw new ForbiddenError();
  if (file.content.length > ATTACHMENT_MAX_BYTES)
    throw new UserError(`Un fichier joint fait au plus ${ATTACHMENT_MAX_BYTES / 1024 / 1024} Mo.`, 'file');
  const db = campusDb(tx);
  const n = await db
    .selectFrom('campus_attachment')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('question_id', '=', q.id)
    .executeTakeFirstOrThrow();
  if (Number(n.n) >= ATTACHMENTS_PER_QUESTION)
    throw new UserError(`${ATTACHMENTS_PER_QUESTION} fichiers au plus par question.`, 'file');
  const stored = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: file.name,
    purpose: 'campus-attachment',
    content: file.content,
    createdBy: actor.userId,
    field: 'file',
  });
  const id = uuidv7();
  await db
    .insertInto('campus_attachment')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility: q.visibility,
      question_id: q.id,
      file_id: stored.id,
      name: stored.name,
      mime_type: stored.mimeType,
      size: stored.size,
      created_by: actor.userId,
    })
    .execute();
  return { id, cooperativeId: actor.cooperativeId, name: stored.name, mimeType: stored.mimeType, size: stored.size };
}

export async function listAttachments(tx: Tx, actor: Actor, questionId: string): Promise<Attachment[]> {
  const q = await getQuestion(tx, actor, questionId);
  const rows = await campusDb(tx)
    .selectFrom('campus_attachment')
    .select(['id', 'cooperative_id', 'name', 'mime_type', 'size'])
    .where('cooperative_id', '=', q.cooperativeId)
    .where('question_id', '=', q.id)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    cooperativeId: r.cooperative_id,
    name: r.name,
    mimeType: r.mime_type,
    size: r.size,
  }));
}

/**
 * A joined file, for someone who can read its question. The file lives in the question's
 * cooperative: once the question is found readable from the actor's cooperative, it is read in a
 * transaction of that cooperative.
 */
export async function openAttachment(
  db: Db,
  actor: Actor,
  key: Buffer,
  questionId: string,
  attachmentId: string,
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  authorize(actor, CAMPUS.read);
  const att = await withTenant(db, actor.cooperativeId, async (tx) => {
    const q = await getQuestion(tx, actor, questionId);
    return campusDb(tx)
      .selectFrom('campus_attachment')
      .select(['cooperative_id', 'file_id'])
      .where('cooperative_id', '=', q.cooperativeId)
      .where('question_id', '=', q.id)
      .where('id', '=', attachmentId)
      .executeTakeFirst();
  });
  if (!att) throw new NotFoundError('Fichier');
  const f = await withTenant(db, att.cooperative_id, (tx) => readFile(tx, key, att.cooperative_id, att.file_id));
  return { name: f.name, mimeType: f.mimeType, content: f.content };
}
