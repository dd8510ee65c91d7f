// Identity verification by support: the member deposits an identity document (encrypted file
// store, PDF or photo, 5 MB at most), a support person checks it against the person and records
// the document type and its expiry; the decision (who, when, how) goes to the audit log, then the
// document is deleted or kept by the cooperative's retention rule (`identityDocumentRetention`
// in its settings, deleted by default: a copy of an identity card is kept no longer than needed).
// A verified identity is required before the first salary payment and before a change of bank
// details (isIdentityVerified, used by those services).
import { sql } from 'kysely';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize } from '../../core/authz.ts';
import { isIsoDate, todayParis } from '../../core/dates.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { deleteFile, readFile, storeFile } from '../../core/files.ts';
import { uuidv7 } from '../../core/ids.ts';
import { directoryDb } from './db.ts';
import { DIRECTORY } from './permissions.ts';

export const MAX_IDENTITY_DOCUMENT_BYTES = 5 * 1024 * 1024;

export const IDENTITY_DOCUMENT_TYPES = {
  cni: 'Carte nationale d’identité',
  passport: 'Passeport',
  residence_permit: 'Titre de séjour',
  driving_licence: 'Permis de conduire (format carte)',
} as const;
export type IdentityDocumentType = keyof typeof IDENTITY_DOCUMENT_TYPES;

export const IDENTITY_RETENTION_RULES = {
  delete: 'Supprimer la pièce dès la décision (recommandé)',
  keep: 'Conserver la pièce chiffrée jusqu’à l’effacement des données de la personne',
} as const;
export type IdentityRetention = keyof typeof IDENTITY_RETENTION_RULES;

export type IdentityStatus = 'none' | 'pending' | 'verified' | 'rejected';

export interface IdentityVerification {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  status: Exclude<IdentityStatus, 'none'>;
  fileName: string | null;
  hasDocument: boolean;
  submittedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  documentType: IdentityDocumentType | null;
  documentExpiry: string | null;
  note: string | null;
}

const ID_RE = /^[0-9a-f-]{36}$/i;

function baseQuery(tx: Tx, cooperativeId: string) {
  return directoryDb(tx)
    .selectFrom('identity_verification as v')
    .innerJoin('user_account as u', 'u.id', 'v.user_id')
    .select([
      'v.id',
      'v.user_id',
      'u.display_name',
      'u.email',
      'v.status',
      'v.file_id',
      'v.file_name',
      'v.submitted_at',
      'v.decided_by',
      'v.decided_at',
      'v.document_type',
      'v.document_expiry',
      'v.note',
    ])
    .where('v.cooperative_id', '=', cooperativeId);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];
const toVerification = (r: Row): IdentityVerification => ({
  id: r.id,
  userId: r.user_id,
  userName: r.display_name,
  userEmail: r.email,
  status: r.status,
  fileName: r.file_name,
  hasDocument: !!r.file_id,
  submittedAt: r.submitted_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  documentType: r.document_type as IdentityDocumentType | null,
  documentExpiry: r.document_expiry ? String(r.document_expiry).slice(0, 10) : null,
  note: r.note,
});

/** Whether a person's identity was verified in this cooperative (no permission: other services' guard). */
export async function isIdentityVerified(tx: Tx, cooperativeId: string, userId: string): Promise<boolean> {
  const r = await directoryDb(tx)
    .selectFrom('identity_verification')
    .select('id')
    .where('cooperative_id', '=', cooperativeId)
    .where('user_id', '=', userId)
    .where('status', '=', 'verified')
    .executeTakeFirst();
  return !!r;
}

/** The people of a list whose identity is verified (badges on member lists). */
export async function verifiedAmong(tx: Tx, cooperativeId: string, userIds: string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await directoryDb(tx)
    .selectFrom('identity_verification')
    .select('user_id')
    .where('cooperative_id', '=', cooperativeId)
    .where('user_id', 'in', userIds)
    .where('status', '=', 'verified')
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/** One's own state: the latest request, or 'none'. */
export async function ownIdentityVerification(
  tx: Tx,
  actor: Actor,
): Promise<{ status: IdentityStatus; latest: IdentityVerification | null }> {
  authorize(actor, DIRECTORY.identitySubmit);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  const rows = (
    await baseQuery(tx, actor.cooperativeId).where('v.user_id', '=', actor.userId).orderBy('v.id', 'desc').execute()
  ).map(toVerification);
  const verified = rows.find((r) => r.status === 'verified');
  const latest = verified ?? rows[0] ?? null;
  return { status: latest?.status ?? 'none', latest };
}

/** The member deposits their document; a deposit still waiting is replaced (its file deleted). */
export async function submitIdentityDocument(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  input: { name: string; content: Buffer; userId?: string },
): Promise<IdentityVerification> {
  const scope = authorize(actor, DIRECTORY.identitySubmit);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  // Each person deposits their own document, never someone else's.
  if (scope === 'own' && input.userId && input.userId !== actor.userId) throw new ForbiddenError();
  const trx = directoryDb(tx);
  if (await isIdentityVerified(tx, actor.cooperativeId, actor.userId))
    throw new UserError('Votre identité est déjà vérifiée : rien à déposer.');
  if (input.content.length > MAX_IDENTITY_DOCUMENT_BYTES)
    throw new UserError(
      `La pièce dépasse ${MAX_IDENTITY_DOCUMENT_BYTES / 1024 / 1024} Mo : réduisez la photo ou le PDF.`,
      'document',
    );
  const file = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: input.name,
    purpose: 'identity-document',
    content: input.content,
    createdBy: actor.userId,
    field: 'document',
  });
  const waiting = await trx
    .selectFrom('identity_verification')
    .select(['id', 'file_id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .where('status', '=', 'pending')
    .execute();
  for (const w of waiting) {
    if (w.file_id) await deleteFile(tx, actor.cooperativeId, w.file_id);
    await trx
      .deleteFrom('identity_verification')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', w.id)
      .execute();
  }
  const id = uuidv7();
  await trx
    .insertInto('identity_verification')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      user_id: actor.userId,
      status: 'pending',
      file_id: file.id,
      file_name: file.name,
      decided_by: null,
      decided_at: null,
      document_type: null,
      document_expiry: null,
      note: null,
      file_deleted_at: null,
    })
    .execute();
  await audit(tx, actor, {
    action: 'identity.document_submitted',
    targetType: 'user',
    targetId: actor.userId,
    data: { verification: id, mimeType: file.mimeType, size: file.size, replaced: waiting.length },
  });
  return getIdentityVerificationRow(tx, actor.cooperativeId, id);
}

async function getIdentityVerificationRow(tx: Tx, cooperativeId: string, id: string): Promise<IdentityVerification> {
  if (!ID_RE.test(id)) throw new NotFoundError('Vérification');
  const r = await baseQuery(tx, cooperativeId).where('v.id', '=', id).executeTakeFirst();
  if (!r) throw new NotFoundError('Vérification');
  return toVerification(r);
}

/** Requests waiting for a decision first, then the latest decisions. */
export async function listIdentityVerifications(tx: Tx, actor: Actor): Promise<IdentityVerification[]> {
  authorize(actor, DIRECTORY.identityVerify);
  const rows = await baseQuery(tx, actor.cooperativeId)
    .orderBy(sql`case when v.status = 'pending' then 0 else 1 end`)
    .orderBy('v.id', 'desc')
    .limit(200)
    .execute();
  return rows.map(toVerification);
}

export async function getIdentityVerification(tx: Tx, actor: Actor, id: string): Promise<IdentityVerification> {
  authorize(actor, DIRECTORY.identityVerify);
  return getIdentityVerificationRow(tx, actor.cooperativeId, id);
}

/** The document, for the support person checking it; every opening is written to the audit log. */
export async function readIdentityDocument(tx: Tx, actor: Actor, key: Buffer, id: string) {
  authorize(actor, DIRECTORY.identityVerify);
  const v = await getIdentityVerificationRow(tx, actor.cooperativeId, id);
  const row = await directoryDb(tx)
    .selectFrom('identity_verification')
    .select('file_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  if (!row.file_id) throw new NotFoundError('Pièce (supprimée après la décision)');
  const file = await readFile(tx, key, actor.cooperativeId, row.file_id);
  await audit(tx, actor, {
    action: 'identity.document_viewed',
    targetType: 'user',
    targetId: v.userId,
    data: { verification: id },
  });
  return file;
}

export async function identityDocumentRetention(tx: Tx, cooperativeId: string): Promise<IdentityRetention> {
  const r = await directoryDb(tx)
    .selectFrom('cooperative')
    .select(sql<string | null>`settings->>'identityDocumentRetention'`.as('rule'))
    .where('id', '=', cooperativeId)
    .executeTakeFirst();
  return r?.rule === 'keep' ? 'keep' : 'delete';
}

export async function setIdentityDocumentRetention(tx: Tx, actor: Actor, rule: string): Promise<void> {
  authorize(actor, DIRECTORY.identityRetention);
  if (!(rule in IDENTITY_RETENTION_RULES)) throw new UserError('Choisissez une règle de conservation.', 'retention');
  await directoryDb(tx)
    .updateTable('cooperative')
    .set({
      settings: sql<
        Record<string, unknown>
      >`settings || jsonb_build_object('identityDocumentRetention', ${rule}::text)`,
    })
    .where('id', '=', actor.cooperativeId)
    .execute();
  await audit(tx, actor, {
    action: 'cooperative.settings_updated',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: { identityDocumentRetention: rule },
  });
}

/**
 * Support's decision. Verified: the document type and its expiry (not past) are recorded;
 * refused: a reason the member reads. One never decides on one's own identity.
 */
export async function decideIdentityVerification(
  tx: Tx,
  actor: Actor,
  id: string,
  input: { decision: string; documentType?: string; documentExpiry?: string; note?: string },
  today = todayParis(),
): Promise<IdentityVerification> {
  authorize(actor, DIRECTORY.identityVerify);
  const trx = directoryDb(tx);
  if (!ID_RE.test(id)) throw new NotFoundError('Vérification');
  const row = await trx
    .selectFrom('identity_verification')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Vérification');
  if (row.user_id === actor.userId) throw new ForbiddenError();
  if (row.status !== 'pending') throw new UserError('Cette demande a déjà été traitée.');
  const note = (input.note ?? '').trim().slice(0, 1000) || null;
  let documentType: IdentityDocumentType | null = null;
  let documentExpiry: string | null = null;
  if (input.decision === 'verified') {
    const fields: Record<string, string> = {};
    if (!input.documentType || !(input.documentType in IDENTITY_DOCUMENT_TYPES))
      fields.documentType = 'Choisissez le type de pièce vérifiée.';
    else documentType = input.documentType as IdentityDocumentType;
    const expiry = (input.documentExpiry ?? '').trim();
    if (!isIsoDate(expiry)) fields.documentExpiry = 'Indiquez la date de fin de validité de la pièce.';
    else if (expiry < today)
      fields.documentExpiry = 'Cette pièce est expirée : demandez une pièce en cours de validité.';
    else documentExpiry = expiry;
    if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);
  } else if (input.decision === 'rejected') {
    if (!note) throw new UserError('Indiquez au membre pourquoi la pièce est refusée.', 'note');
  } else throw new UserError('Choisissez « vérifiée » ou « refusée ».', 'decision');
  // A refused document is never kept; a verified one by the cooperative's rule.
  const retention = input.decision === 'verified' ? await identityDocumentRetention(tx, actor.cooperativeId) : 'delete';
  const deleteDocument = retention === 'delete' && !!row.file_id;
  if (deleteDocument && row.file_id) await deleteFile(tx, actor.cooperativeId, row.file_id);
  const now = new Date();
  await trx
    .updateTable('identity_verification')
    .set({
      status: input.decision as 'verified' | 'rejected',
      decided_by: actor.userId,
      decided_at: now,
      document_type: documentType,
      document_expiry: documentExpiry,
      note,
      ...(deleteDocument ? { file_id: null, file_deleted_at: now } : {}),
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(tx, actor, {
    action: input.decision === 'verified' ? 'identity.verified' : 'identity.rejected',
    targetType: 'user',
    targetId: row.user_id,
    data: {
      verification: id,
      method: 'document_checked_by_support',
      documentType,
      documentExpiry,
      documentDeleted: deleteDocument,
      retention,
      ...(note ? { note } : {}),
    },
  });
  return getIdentityVerificationRow(tx, actor.cooperativeId, id);
}

/** The guard other services call before a payment or a change of bank details. */
export async function requireVerifiedIdentity(
  tx: Tx,
  cooperativeId: string,
  userId: string,
  message: string,
  field?: string,
): Promise<void> {
  if (!(await isIdentityVerified(tx, cooperativeId, userId))) throw new UserError(message, field);
}
