// The confidential archive: documents of a person (contracts, payslips, certificates,
// attestations, invoices, their own documents), stored encrypted (core/files.ts), each file's
// SHA-256 appended to the cooperative's hash chain (chain.ts) and timestamped by a trusted
// authority where one is configured (timestamp.ts). Every access is written to the archive's
// access log (shown to the member) and to the audit log. Someone else's document, or one of
// another cooperative, is "not found": its existence is not revealed.
import { type Actor, ForbiddenError } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize, scopeOf } from '../../core/authz.ts';
import { isIsoDate, todayParis } from '../../core/dates.ts';
import type { Db, Tx } from '../../core/db/handles.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { checkOutboundUrl } from '../../core/outbound.ts';
import { copyStoredFile, deleteFile, readFile, type StoredFile, storeFile } from '../../core/files.ts';
import { uuidv7 } from '../../core/ids.ts';
import { membershipsOfUser } from '../directory/index.ts';
import { appendEntry, type ChainEntry, entriesOf } from './chain.ts';
import { vaultDb } from './db.ts';
import { VAULT } from './permissions.ts';

export const DOCUMENT_KINDS = {
  contract: 'Contrats',
  payslip: 'Bulletins de paie',
  certificate: 'Certificats',
  attestation: 'Attestations',
  invoice: 'Factures',
  own: 'Mes documents',
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;
export const CONTRACT_KINDS = {
  cape: 'CAPE',
  cesa: 'CESA',
  amendment: 'Avenant',
  'associate-application': 'Candidature au sociétariat',
} as const;
export type ContractKind = keyof typeof CONTRACT_KINDS;

/** Years kept after the document's date (contracts: after their end); null: until deleted. */
export type Retention = Record<DocumentKind, number | null>;
export const DEFAULT_RETENTION: Retention = {
  payslip: 50,
  contract: 5,
  invoice: 10,
  certificate: 5,
  attestation: 5,
  own: null,
};
export const MAX_ARCHIVE_FILE_BYTES = 10 * 1024 * 1024;

export interface ArchivedDocument {
  id: string;
  userId: string;
  kind: DocumentKind;
  contractKind: ContractKind | null;
  title: string;
  documentDate: string;
  endsOn: string | null;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  hasCompanion: boolean;
  companionName: string | null;
  source: 'upload' | 'deposit' | 'signature' | 'invoice';
  createdAt: Date;
  purgedAt: Date | null;
  purgeReason: string | null;
  /** The chain entries of its file (and companion), with their timestamps. */
  proofs: ChainEntry[];
}

export interface AccessLine {
  at: Date;
  actorLabel: string;
  action: string;
  documentId: string | null;
  documentTitle: string | null;
}

export interface ArchiveView {
  person: { id: string; name: string; email: string };
  documents: ArchivedDocument[];
  access: AccessLine[];
  timestamping: { configured: boolean; tsaUrl: string | null };
}

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------------------------------------
// Settings: timestamp authority and retention

/** The TSA of the environment (RADIEUSE_TSA_URL), if it is a web address. */
export function environmentTsaUrl(): string | null {
  const u = process.env.RADIEUSE_TSA_URL?.trim();
  return u && /^https?:\/\/\S+$/.test(u) ? u : null;
}

export interface ArchiveSettings {
  tsaUrl: string | null;
  /** The authority actually used: the cooperative's, else the environment's. */
  effectiveTsaUrl: string | null;
  /** The environment's authority is the operator's choice; a cooperative's is checked (SSRF). */
  effectiveTsaTrusted: boolean;
  retention: Retention;
}

export async function settingsOf(tx: Tx | Db, cooperativeId: string): Promise<ArchiveSettings> {
  const r = await vaultDb(tx as Tx)
    .selectFrom('archive_settings')
    .select(['tsa_url', 'retention'])
    .where('cooperative_id', '=', cooperativeId)
    .executeTakeFirst();
  const saved = (r?.retention ?? {}) as Partial<Retention>;
  const retention = { ...DEFAULT_RETENTION };
  for (const k of Object.keys(DEFAULT_RETENTION) as DocumentKind[])
    if (k in saved && (saved[k] === null || typeof saved[k] === 'number')) retention[k] = saved[k] as number | null;
  const tsaUrl = r?.tsa_url ?? null;
  return { tsaUrl, effectiveTsaUrl: tsaUrl ?? environmentTsaUrl(), effectiveTsaTrusted: !tsaUrl, retention };
}

export async function archiveSettings(tx: Tx, actor: Actor): Promise<ArchiveSettings> {
  authorize(actor, VAULT.settingsManage);
  return settingsOf(tx, actor.cooperativeId);
}

/** Directors set the TSA address and the years kept per kind (empty: until deleted). */
export async function saveArchiveSettings(
  tx: Tx,
  actor: Actor,
  input: Record<string, string | undefined>,
): Promise<ArchiveSettings> {
  authorize(actor, VAULT.settingsManage);
  const typed = (input.tsaUrl ?? '').trim();
  // A director chooses the address the server will call: it must not point inside (SSRF).
  const tsaUrl = typed ? checkOutboundUrl(typed, 'tsaUrl') : '';
  const retention = {} as Retention;
  for (const k of Object.keys(DEFAULT_RETENTION) as DocumentKind[]) {
    const v = (input[`retention_${k}`] ?? '').trim();
    if (!v) retention[k] = null;
    else if (/^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= 100) retention[k] = Number(v);
    else throw new UserError('Indiquez un nombre d’années entre 1 et 100, ou laissez vide.', `retention_${k}`);
  }
  await vaultDb(tx)
    .insertInto('archive_settings')
    .values({ cooperative_id: actor.cooperativeId, tsa_url: tsaUrl || null, retention: JSON.stringify(retention) })
    .onConflict((oc) =>
      oc
        .column('cooperative_id')
        .doUpdateSet({ tsa_url: tsaUrl || null, retention: JSON.stringify(retention), updated_at: new Date() }),
    )
    .execute();
  await audit(tx, actor, {
    action: 'archive.settings_updated',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: { tsaUrl: tsaUrl || null, retention },
  });
  return settingsOf(tx, actor.cooperativeId);
}

// ---------------------------------------------------------------------------------------------
// Reading

async function personOf(tx: Tx, cooperativeId: string, userId: string) {
  if (!ID_RE.test(userId)) throw new NotFoundError('Personne');
  const u = await vaultDb(tx)
    .selectFrom('user_account')
    .select(['id', 'display_name', 'email'])
    .where('id', '=', userId)
    .executeTakeFirst();
  const member = u && (await membershipsOfUser(tx, userId)).some((m) => m.cooperativeId === cooperativeId);
  const hasDocuments =
    u &&
    !member &&
    !!(await vaultDb(tx)
      .selectFrom('archive_document')
      .select('id')
      .where('cooperative_id', '=', cooperativeId)
      .where('user_id', '=', userId)
      .executeTakeFirst());
  if (!u || !(member || hasDocuments)) throw new NotFoundError('Personne');
  return { id: u.id, name: u.display_name, email: u.email };
}

function docQuery(tx: Tx, cooperativeId: string) {
  return vaultDb(tx).selectFrom('archive_document').selectAll().where('cooperative_id', '=', cooperativeId);
}
type DocRow = Awaited<ReturnType<ReturnType<typeof docQuery>['execute']>>[number];
const isoDate = (d: unknown) =>
  d instanceof Date ? d.toISOString().slice(0, 10) : d == null ? null : String(d).slice(0, 10);
const toDocument = (r: DocRow, proofs: ChainEntry[]): ArchivedDocument => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind as DocumentKind,
  contractKind: r.contract_kind as ContractKind | null,
  title: r.title,
  documentDate: isoDate(r.document_date)!,
  endsOn: isoDate(r.ends_on),
  fileName: r.file_name,
  mimeType: r.mime_type,
  size: r.size,
  sha256: r.sha256,
  hasCompanion: !!r.companion_sha256,
  companionName: r.companion_name,
  source: r.source as ArchivedDocument['source'],
  createdAt: new Date(r.created_at),
  purgedAt: r.purged_at ? new Date(r.purged_at) : null,
  purgeReason: r.purge_reason,
  proofs: proofs.filter((p) => p.documentId === r.id),
});

async function documentsOf(tx: Tx, cooperativeId: string, userId: string): Promise<ArchivedDocument[]> {
  const rows = await docQuery(tx, cooperativeId)
    .where('user_id', '=', userId)
    .orderBy('document_date', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const proofs = await entriesOf(
    tx,
    cooperativeId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toDocument(r, proofs));
}

async function accessOf(tx: Tx, cooperativeId: string, userId: string): Promise<AccessLine[]> {
  const rows = await vaultDb(tx)
    .selectFrom('archive_access as a')
    .leftJoin('archive_document as d', (j) =>
      j.onRef('d.cooperative_id', '=', 'a.cooperative_id').onRef('d.id', '=', 'a.document_id'),
    )
    .select(['a.at', 'a.actor_label', 'a.action', 'a.document_id', 'd.title'])
    .where('a.cooperative_id', '=', cooperativeId)
    .where('a.user_id', '=', userId)
    .orderBy('a.at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    at: new Date(r.at),
    actorLabel: r.actor_label,
    action: r.action,
    documentId: r.document_id,
    documentTitle: r.title,
  }));
}

async function viewOf(tx: Tx, cooperativeId: string, userId: string): Promise<ArchiveView> {
  const person = await personOf(tx, cooperativeId, userId);
  const s = await settingsOf(tx, cooperativeId);
  return {
    person,
    documents: await documentsOf(tx, cooperativeId, userId),
    access: await accessOf(tx, cooperativeId, userId),
    timestamping: { configured: !!s.effectiveTsaUrl, tsaUrl: s.effectiveTsaUrl },
  };
}

/** The member's own archive: documents by kind with their proofs, and who accessed them. */
export async function ownArchive(tx: Tx, actor: Actor): Promise<ArchiveView> {
  authorize(actor, VAULT.ownRead);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  return viewOf(tx, actor.cooperativeId, actor.userId);
}

/** A person's archive, for staff (the consultation itself is logged: the person sees it). */
export async function personArchive(tx: Tx, actor: Actor, userId: string): Promise<ArchiveView> {
  authorize(actor, VAULT.personRead);
  const v = await viewOf(tx, actor.cooperativeId, userId);
  await logAccess(tx, actor, userId, null, 'view');
  return v;
}

/** The archive to export: one's own, or (staff) a person's, without logging a consultation. */
export async function archiveForExport(tx: Tx, actor: Actor, userId?: string): Promise<ArchiveView> {
  if (!userId || userId === actor.userId) return ownArchive(tx, actor);
  authorize(actor, VAULT.personRead);
  return viewOf(tx, actor.cooperativeId, userId);
}

/** People of the cooperative with an archive, for the staff's list. */
export async function archivesList(
  tx: Tx,
  actor: Actor,
): Promise<{ userId: string; name: string; email: string; documents: number }[]> {
  authorize(actor, VAULT.personRead);
  const rows = await vaultDb(tx)
    .selectFrom('archive_document as d')
    .innerJoin('user_account as u', 'u.id', 'd.user_id')
    .select((eb) => ['d.user_id', 'u.display_name', 'u.email', eb.fn.countAll<number>().as('n')])
    .where('d.cooperative_id', '=', actor.cooperativeId)
    .groupBy(['d.user_id', 'u.display_name', 'u.email'])
    .orderBy('u.display_name')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, name: r.display_name, email: r.email, documents: Number(r.n) }));
}

/** A document the actor may reach: their own, or anyone's with personRead; else not found. */
async function reachable(tx: Tx, actor: Actor, id: string): Promise<DocRow> {
  if (!ID_RE.test(id)) throw new NotFoundError('Document');
  const r = await docQuery(tx, actor.cooperativeId).where('id', '=', id).executeTakeFirst();
  if (!r) throw new NotFoundError('Document');
  const mine = !!actor.userId && r.user_id === actor.userId;
  if (mine) authorize(actor, VAULT.ownRead);
  else if (scopeOf(actor, VAULT.personRead) !== 'all') throw new NotFoundError('Document');
  return r;
}

/** One of the actor's own documents (the member's page); anyone else's is not found. */
export async function getOwnDocument(tx: Tx, actor: Actor, id: string): Promise<ArchivedDocument> {
  authorize(actor, VAULT.ownRead);
  if (!ID_RE.test(id) || !actor.userId) throw new NotFoundError('Document');
  const r = await docQuery(tx, actor.cooperativeId)
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Document');
  return toDocument(r, await entriesOf(tx, actor.cooperativeId, [r.id]));
}

export async function getDocument(tx: Tx, actor: Actor, id: string): Promise<ArchivedDocument> {
  const r = await reachable(tx, actor, id);
  return toDocument(r, await entriesOf(tx, actor.cooperativeId, [r.id]));
}

async function logAccess(
  tx: Tx,
  actor: Actor,
  userId: string,
  documentId: string | null,
  action: 'view' | 'download' | 'export' | 'deposit' | 'upload' | 'purge' | 'delete',
): Promise<void> {
  await vaultDb(tx)
    .insertInto('archive_access')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      user_id: userId,
      document_id: documentId,
      actor_user_id: actor.userId,
      actor_label: actor.label,
      action,
    })
    .execute();
  await audit(tx, actor, {
    action: `archive.${action}`,
    targetType: documentId ? 'archive_document' : 'user',
    targetId: documentId ?? userId,
    data: { person: userId },
  });
}

/** Opens a document's file (or its companion, the signature evidence), logging the access. */
export async function openDocument(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  id: string,
  how: 'view' | 'download',
  part: 'main' | 'companion' = 'main',
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  const r = await reachable(tx, actor, id);
  const fileId = part === 'main' ? r.file_id : r.companion_file_id;
  if (!fileId) {
    if (r.purged_at) throw new UserError('Le contenu de ce document a été effacé (durée de conservation passée).');
    throw new NotFoundError('Document');
  }
  const f = await readFile(tx, key, actor.cooperativeId, fileId);
  await logAccess(tx, actor, r.user_id, r.id, how);
  return { name: f.name, mimeType: f.mimeType, content: f.content };
}

// ---------------------------------------------------------------------------------------------
// Archiving

interface ArchiveInput {
  userId: string;
  kind: DocumentKind;
  contractKind?: ContractKind | null;
  title: string;
  documentDate: string;
  endsOn?: string | null;
  file: StoredFile;
  companion?: StoredFile | null;
  source: ArchivedDocument['source'];
  sourceRef?: string | null;
}

/** Writes the document and appends its file(s) to the chain. No permission: callers check. */
async function archiveStored(tx: Tx, actor: Actor, input: ArchiveInput): Promise<ArchivedDocument> {
  const trx = vaultDb(tx);
  const id = uuidv7();
  await trx
    .insertInto('archive_document')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      user_id: input.userId,
      kind: input.kind,
      contract_kind: input.contractKind ?? null,
      title: input.title,
      document_date: input.documentDate,
      ends_on: input.endsOn ?? null,
      file_id: input.file.id,
      file_name: input.file.name,
      mime_type: input.file.mimeType,
      size: input.file.size,
      sha256: input.file.sha256,
      companion_file_id: input.companion?.id ?? null,
      companion_name: input.companion?.name ?? null,
      companion_sha256: input.companion?.sha256 ?? null,
      source: input.source,
      source_ref: input.sourceRef ?? null,
      deposited_by: actor.userId,
      created_at: new Date(),
      purged_at: null,
      purge_reason: null,
    })
    .execute();
  await appendEntry(tx, actor.cooperativeId, {
    documentId: id,
    part: 'main',
    kind: input.kind,
    sha256: input.file.sha256,
  });
  if (input.companion)
    await appendEntry(tx, actor.cooperativeId, {
      documentId: id,
      part: 'companion',
      kind: `${input.kind}-evidence`,
      sha256: input.companion.sha256,
    });
  await logAccess(tx, actor, input.userId, id, input.source === 'upload' ? 'upload' : 'deposit');
  return getDocumentUnchecked(tx, actor.cooperativeId, id);
}

async function getDocumentUnchecked(tx: Tx, cooperativeId: string, id: string): Promise<ArchivedDocument> {
  const r = await docQuery(tx, cooperativeId).where('id', '=', id).executeTakeFirstOrThrow();
  return toDocument(r, await entriesOf(tx, cooperativeId, [id]));
}

function checkTitleAndDate(input: { title?: string; documentDate?: string }): { title: string; date: string } {
  const title = (input.title ?? '').trim();
  if (!title) throw new UserError('Donnez un titre au document.', 'title');
  if (title.length > 200) throw new UserError('Le titre compte 200 caractères au plus.', 'title');
  const date = (input.documentDate ?? '').trim() || todayParis();
  if (!isIsoDate(date)) throw new UserError('Indiquez une date valide.', 'documentDate');
  return { title, date };
}

function checkSize(content: Buffer) {
  if (content.length > MAX_ARCHIVE_FILE_BYTES)
    throw new UserError(`Le fichier dépasse ${MAX_ARCHIVE_FILE_BYTES / 1024 / 1024} Mo.`, 'document');
}

/** The member adds a document of their own (kept until they delete it). */
export async function uploadOwnDocument(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  input: { title?: string; documentDate?: string; name: string; content: Buffer },
): Promise<ArchivedDocument> {
  authorize(actor, VAULT.ownUpload);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  const { title, date } = checkTitleAndDate(input);
  checkSize(input.content);
  const file = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: input.name,
    purpose: 'archived-document',
    content: input.content,
    createdBy: actor.userId,
    field: 'document',
  });
  return archiveStored(tx, actor, {
    userId: actor.userId,
    kind: 'own',
    title,
    documentDate: date,
    file,
    source: 'upload',
  });
}

export const DEPOSIT_KINDS = ['payslip', 'certificate', 'attestation', 'contract', 'invoice'] as const;

/** Staff deposit a document for a person: payslips and invoices need the payroll permission. */
export async function depositDocument(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  input: {
    userId: string;
    kind?: string;
    contractKind?: string;
    title?: string;
    documentDate?: string;
    endsOn?: string;
    name: string;
    content: Buffer;
    sourceRef?: string;
  },
): Promise<ArchivedDocument> {
  const kind = input.kind as (typeof DEPOSIT_KINDS)[number];
  if (!DEPOSIT_KINDS.includes(kind)) {
    authorize(actor, VAULT.deposit);
    throw new UserError('Choisissez le type de document.', 'kind');
  }
  authorize(actor, kind === 'payslip' || kind === 'invoice' ? VAULT.depositPayroll : VAULT.deposit);
  const person = await personOf(tx, actor.cooperativeId, input.userId);
  const { title, date } = checkTitleAndDate(input);
  let contractKind: ContractKind | null = null;
  if (kind === 'contract') {
    if (!(input.contractKind && input.contractKind in CONTRACT_KINDS))
      throw new UserError('Choisissez le type de contrat.', 'contractKind');
    contractKind = input.contractKind as ContractKind;
  }
  const endsOn = (input.endsOn ?? '').trim() || null;
  if (endsOn && !isIsoDate(endsOn)) throw new UserError('Indiquez une date de fin valide.', 'endsOn');
  checkSize(input.content);
  const file = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: input.name,
    purpose: 'archived-document',
    content: input.content,
    createdBy: actor.userId,
    field: 'document',
  });
  return archiveStored(tx, actor, {
    userId: person.id,
    kind,
    contractKind,
    title,
    documentDate: date,
    endsOn,
    file,
    source: kind === 'invoice' && input.sourceRef ? 'invoice' : 'deposit',
    sourceRef: input.sourceRef ?? null,
  });
}

/**
 * Archives an invoice PDF for the person it concerns (for sales to call once an invoice is
 * validated); archived once per invoice.
 */
export async function archiveInvoice(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  input: { userId: string; invoiceId: string; number: string; date: string; pdf: Buffer },
): Promise<ArchivedDocument> {
  authorize(actor, VAULT.depositPayroll);
  const existing = await docQuery(tx, actor.cooperativeId)
    .where('source', '=', 'invoice')
    .where('source_ref', '=', input.invoiceId)
    .executeTakeFirst();
  if (existing) return getDocumentUnchecked(tx, actor.cooperativeId, existing.id);
  return depositDocument(tx, actor, key, {
    userId: input.userId,
    kind: 'invoice',
    title: `Facture ${input.number}`,
    documentDate: input.date,
    name: `facture-${input.number}.pdf`,
    content: input.pdf,
    sourceRef: input.invoiceId,
  });
}

/** What the signature module emits when a contract is signed (`signatures.completed`). */
export interface SignatureCompleted {
  requestId: string;
  userId: string;
  kind: ContractKind;
  title: string;
  fileId: string;
  evidenceFileId: string;
  signedAt: string | Date;
}

/** The archive's own copy of a file another module stored (see `copyStoredFile`). */
async function ownCopyOf(tx: Tx, cooperativeId: string, id: string): Promise<StoredFile> {
  if (!ID_RE.test(id)) throw new Error(`coffre-fort : fichier signé inconnu (${id})`);
  const f = await copyStoredFile(tx, cooperativeId, id);
  if (!f) throw new Error(`coffre-fort : fichier signé introuvable dans la coopérative (${id})`);
  return f;
}

/**
 * The handler of `signatures.completed`: copies of the sealed PDF and its evidence file, stored by
 * the signature module, become one contract of the signer's archive, in the signature's
 * transaction (a signed contract is never missing from the archive). Archived once per request.
 */
export async function archiveSignedContract(tx: Tx, actor: Actor, p: SignatureCompleted): Promise<ArchivedDocument> {
  if (!(p.kind in CONTRACT_KINDS)) throw new Error(`coffre-fort : type de contrat inconnu (${String(p.kind)})`);
  const existing = await docQuery(tx, actor.cooperativeId)
    .where('source', '=', 'signature')
    .where('source_ref', '=', p.requestId)
    .executeTakeFirst();
  if (existing) return getDocumentUnchecked(tx, actor.cooperativeId, existing.id);
  await personOf(tx, actor.cooperativeId, p.userId);
  const file = await ownCopyOf(tx, actor.cooperativeId, p.fileId);
  const evidence = await ownCopyOf(tx, actor.cooperativeId, p.evidenceFileId);
  const signedAt = new Date(p.signedAt);
  const day = Number.isNaN(signedAt.getTime()) ? todayParis() : signedAt.toISOString().slice(0, 10);
  return archiveStored(tx, actor, {
    userId: p.userId,
    kind: 'contract',
    contractKind: p.kind,
    title: (p.title ?? '').trim().slice(0, 200) || `Contrat ${CONTRACT_KINDS[p.kind]}`,
    documentDate: day,
    file,
    companion: evidence,
    source: 'signature',
    sourceRef: p.requestId,
  });
}

/** Staff record the day a contract ended (its retention counts from it). */
export async function setContractEnd(tx: Tx, actor: Actor, id: string, endsOn: string): Promise<void> {
  authorize(actor, VAULT.deposit);
  const r = await reachable(tx, actor, id);
  if (r.kind !== 'contract') throw new UserError('Seul un contrat a une date de fin.', 'endsOn');
  if (!isIsoDate(endsOn)) throw new UserError('Indiquez une date de fin valide.', 'endsOn');
  await vaultDb(tx)
    .updateTable('archive_document')
    .set({ ends_on: endsOn })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(tx, actor, {
    action: 'archive.contract_ended',
    targetType: 'archive_document',
    targetId: id,
    data: { endsOn },
  });
}

// ---------------------------------------------------------------------------------------------
// Erasing contents (the chain entries stay, marked purged)

async function purgeContent(tx: Tx, actor: Actor, r: DocRow, reason: string): Promise<void> {
  const trx = vaultDb(tx);
  for (const f of [r.file_id, r.companion_file_id]) if (f) await deleteFile(tx, actor.cooperativeId, f);
  const now = new Date();
  await trx
    .updateTable('archive_document')
    .set({ file_id: null, companion_file_id: null, purged_at: now, purge_reason: reason })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', r.id)
    .execute();
  await trx
    .updateTable('archive_chain')
    .set({ purged_at: now })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('document_id', '=', r.id)
    .where('purged_at', 'is', null)
    .execute();
}

/** The member deletes a document of their own: its content goes, its proof stays in the chain. */
export async function deleteOwnDocument(tx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, VAULT.ownUpload);
  const r = await reachable(tx, actor, id);
  if (r.user_id !== actor.userId || r.kind !== 'own')
    throw new ForbiddenError('Seuls vos propres documents peuvent être supprimés par vous.');
  if (r.purged_at) return;
  await purgeContent(tx, actor, r, 'supprimé par la personne');
  await logAccess(tx, actor, r.user_id, r.id, 'delete');
}

/** The date after which a document's content may go, or null (kept). */
export function retentionEnd(
  d: { kind: DocumentKind; documentDate: string; endsOn: string | null },
  retention: Retention,
): string | null {
  const years = retention[d.kind];
  if (years == null) return null;
  const from = d.kind === 'contract' ? d.endsOn : d.documentDate;
  if (!from) return null;
  return `${String(Number(from.slice(0, 4)) + years).padStart(4, '0')}${from.slice(4)}`;
}

/** Erases the contents past their retention (on `today`), each logged; returns what went. */
export async function purgeExpired(
  tx: Tx,
  actor: Actor,
  today: string = todayParis(),
): Promise<{ id: string; userId: string; kind: DocumentKind; title: string; until: string }[]> {
  authorize(actor, VAULT.purge);
  const { retention } = await settingsOf(tx, actor.cooperativeId);
  const rows = await docQuery(tx, actor.cooperativeId).where('purged_at', 'is', null).execute();
  const gone: { id: string; userId: string; kind: DocumentKind; title: string; until: string }[] = [];
  for (const r of rows) {
    const d = toDocument(r, []);
    const until = retentionEnd(d, retention);
    if (!until || until >= today) continue;
    await purgeContent(tx, actor, r, `durée de conservation passée (${until})`);
    await logAccess(tx, actor, r.user_id, r.id, 'purge');
    gone.push({ id: r.id, userId: r.user_id, kind: d.kind, title: r.title, until });
  }
  return gone;
}
