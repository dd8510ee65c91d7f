// Signature requests, from preparation to signature. Support or the direction prepares a
// contract for a person of the cooperative (the PDF is generated and stored, the person gets an
// e-mail and an item in their inbox); the person reads it, asks for a one-time code by e-mail,
// ticks the consent box and types the code; the signature then produces the evidence file and
// the PDF sealed with the cooperative's certificate (signing.service.ts).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Actor, ForbiddenError } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize, scopeOf } from '../../core/authz.ts';
import { isIsoDate } from '../../core/dates.ts';
import type { Tx } from '../../core/db/handles.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { readFile, storeFile } from '../../core/files.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { enqueueMail } from '../../core/mail.ts';
import { parseCents } from '../../core/money.ts';
import { parseInput } from '../../core/validation.ts';
import { getActivity, getCooperative, getMember, listActivities, listMembers } from '../directory/index.ts';
import { type ContractTerms, contractPdf, contractTitle, KIND_LABELS } from './contracts.ts';
import { signaturesDb } from './db.ts';
import { SIGNATURES } from './permissions.ts';
import { SIGNATURE_KINDS, type SignatureKind } from './schema.ts';

/** A request waits this long for its signature; resending gives it the same time again. */
export const REQUEST_VALID_DAYS = 30;
const DAY_MS = 86_400_000;

export type SignatureStatus = 'pending' | 'signed' | 'expired' | 'cancelled';
export const STATUS_LABELS: Record<SignatureStatus, string> = {
  pending: 'À signer',
  signed: 'Signé',
  expired: 'Expiré',
  cancelled: 'Annulé',
};

export interface SignatureRequest {
  id: string;
  kind: SignatureKind;
  kindLabel: string;
  title: string;
  signerUserId: string;
  signerName: string;
  signerEmail: string;
  activityName: string | null;
  status: SignatureStatus;
  documentSha256: string;
  preparerName: string;
  createdAt: Date;
  expiresAt: Date;
  notifiedAt: Date;
  otpSentAt: Date | null;
  otpExpiresAt: Date | null;
  otpAttemptsLeft: number;
  signedAt: Date | null;
  hasSignedFile: boolean;
  evidenceSha256: string | null;
  cancelledAt: Date | null;
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;
function baseQuery(tx: Tx, cooperativeId: string) {
  return signaturesDb(tx).selectFrom('signature_request').selectAll().where('cooperative_id', '=', cooperativeId);
}
export const MAX_CODE_ATTEMPTS = 5;

export function statusOf(r: Pick<Row, 'status' | 'expires_at'>, now = new Date()): SignatureStatus {
  if (r.status === 'pending' && r.expires_at.getTime() < now.getTime()) return 'expired';
  return r.status;
}

export function toRequest(r: Row, now = new Date()): SignatureRequest {
  return {
    id: r.id,
    kind: r.kind,
    kindLabel: KIND_LABELS[r.kind],
    title: r.title,
    signerUserId: r.signer_user_id,
    signerName: r.signer_name,
    signerEmail: r.signer_email,
    activityName: r.activity_name,
    status: statusOf(r, now),
    documentSha256: r.document_sha256,
    preparerName: r.preparer_name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    notifiedAt: r.notified_at,
    otpSentAt: r.otp_sent_at,
    otpExpiresAt: r.otp_hash ? r.otp_expires_at : null,
    otpAttemptsLeft: r.otp_hash ? Math.max(0, MAX_CODE_ATTEMPTS - r.otp_attempts) : 0,
    signedAt: r.signed_at,
    hasSignedFile: !!r.signed_file_id,
    evidenceSha256: r.evidence_sha256,
    cancelledAt: r.cancelled_at,
  };
}

/**
 * The request's row if the actor may see it, else NotFound: a person sees only what is
 * addressed to them (another person's request does not exist for them), the team sees all.
 */
export async function visibleRow(tx: Tx, actor: Actor, id: string): Promise<Row> {
  const scope = authorize(actor, SIGNATURES.documentRead);
  if (!isUuid(id)) throw new NotFoundError('Demande de signature');
  const r = await baseQuery(tx, actor.cooperativeId).where('id', '=', id).executeTakeFirst();
  if (!r || (scope === 'own' && r.signer_user_id !== actor.userId)) throw new NotFoundError('Demande de signature');
  return r;
}

// --- preparing --------------------------------------------------------------------------------
const dateField = (message: string) => z.string().trim().refine(isIsoDate, message);
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null));
export const PrepareSignature = z
  .object({
    kind: z.enum(SIGNATURE_KINDS, { message: 'Choisissez le type de contrat.' }),
    userId: z.string().uuid('Choisissez la personne qui signe.'),
    activityId: optionalText.refine((v) => v === null || isUuid(v), 'Activité inconnue.'),
    startDate: dateField('Indiquez la date de début (JJ/MM/AAAA).'),
    endDate: optionalText.refine((v) => v === null || isIsoDate(v), 'Date de fin invalide.'),
    amount: optionalText.refine((v) => v === null || parseCents(v) !== null, 'Montant invalide (ex. 1 500,00).'),
    subject: optionalText.refine((v) => v === null || v.length <= 200, 'Objet trop long (200 caractères au plus).'),
  })
  .superRefine((v, ctx) => {
    if (v.endDate && v.endDate < v.startDate)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'La date de fin précède la date de début.' });
    if (v.kind === 'cape' && !v.endDate)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'Un CAPE a une date de fin (un an au plus).' });
    if (v.kind === 'cape' && v.endDate && v.endDate > addYear(v.startDate))
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'Un CAPE dure un an au plus (renouvelable).' });
    if (v.kind === 'amendment' && !v.subject)
      ctx.addIssue({ code: 'custom', path: ['subject'], message: "Indiquez l'objet de l'avenant." });
    if (v.kind === 'associate-application' && !v.amount)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Indiquez le montant des parts souscrites.' });
    if ((v.kind === 'cape' || v.kind === 'cesa') && !v.activityId)
      ctx.addIssue({ code: 'custom', path: ['activityId'], message: "Choisissez l'activité concernée." });
    const cents = v.amount ? parseCents(v.amount) : null;
    if (cents !== null && cents <= 0)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Le montant doit être positif.' });
  });
export type PrepareSignatureInput = z.input<typeof PrepareSignature>;

function addYear(d: string): string {
  return `${Number(d.slice(0, 4)) + 1}${d.slice(4)}`;
}

export interface MailLinks {
  /** The app's public address, for the links in e-mails (config.publicUrl). */
  baseUrl: string;
}

export async function prepareSignature(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  raw: PrepareSignatureInput,
  links: MailLinks,
): Promise<SignatureRequest> {
  authorize(actor, SIGNATURES.requestPrepare);
  if (!actor.userId) throw new ForbiddenError();
  const input = parseInput(PrepareSignature, raw);
  const trx = signaturesDb(tx);
  // The person must be a member of this cooperative: the directory answers NotFound otherwise.
  const person = await getMember(tx, actor, input.userId).catch((e) => {
    if (e instanceof NotFoundError)
      throw new UserError('Cette personne ne fait pas partie de la coopérative.', 'userId');
    throw e;
  });
  const activity = input.activityId
    ? await getActivity(tx, actor, input.activityId).catch((e) => {
        if (e instanceof NotFoundError) throw new UserError('Activité inconnue.', 'activityId');
        throw e;
      })
    : null;
  if (activity && !activity.ownerIds.includes(person.userId))
    throw new UserError("Cette activité n'est pas celle de la personne choisie.", 'activityId');
  const coop = await getCooperative(tx, actor.cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  const preparer = await getMember(tx, actor, actor.userId).catch(() => null);
  const preparerName = preparer?.displayName ?? actor.label;
  const terms: ContractTerms = {
    startDate: input.startDate,
    endDate: input.endDate,
    amountCents: input.amount ? parseCents(input.amount) : null,
    subject: input.subject,
  };
  const title = contractTitle(input.kind, person.displayName, terms);
  const now = new Date();
  const pdf = await contractPdf(
    input.kind,
    title,
    {
      cooperative: {
        name: coop.name,
        legalForm: coop.legalForm,
        siren: coop.siren,
        rcsCity: coop.rcsCity,
        address: `${coop.addressLine}, ${coop.postalCode} ${coop.city}`,
        capitalCents: coop.capitalCents,
      },
      person: { name: person.displayName, email: person.email },
      activity: activity ? { name: activity.name, analyticCode: activity.analyticCode } : null,
      preparer: preparerName,
    },
    terms,
    now,
  );
  const file = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: `${title}.pdf`,
    purpose: 'signature-document',
    content: pdf,
    createdBy: actor.userId,
  });
  const id = uuidv7();
  await trx
    .insertInto('signature_request')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      kind: input.kind,
      title,
      signer_user_id: person.userId,
      signer_name: person.displayName,
      signer_email: person.email,
      activity_id: activity?.id ?? null,
      activity_name: activity?.name ?? null,
      terms: JSON.stringify(terms),
      document_file_id: file.id,
      document_sha256: file.sha256,
      status: 'pending',
      provider: 'simple',
      created_by: actor.userId,
      preparer_name: preparerName,
      expires_at: new Date(now.getTime() + REQUEST_VALID_DAYS * DAY_MS),
      notified_at: now,
      otp_hash: null,
      otp_sent_at: null,
      otp_expires_at: null,
      otp_window_start: null,
      otp_verified_at: null,
      signed_at: null,
      signed_file_id: null,
      evidence_file_id: null,
      evidence_sha256: null,
      cancelled_at: null,
      cancelled_by: null,
    })
    .execute();
  await notifySigner(
    tx,
    actor.cooperativeId,
    { id, title, email: person.email, name: person.displayName },
    links,
    coop.name,
  );
  await audit(tx, actor, {
    action: 'signatures.request.prepared',
    targetType: 'signature_request',
    targetId: id,
    data: { kind: input.kind, signer: person.userId, documentSha256: file.sha256 },
  });
  return toRequest(await baseQuery(tx, actor.cooperativeId).where('id', '=', id).executeTakeFirstOrThrow());
}

async function notifySigner(
  tx: Tx,
  cooperativeId: string,
  r: { id: string; title: string; email: string; name: string },
  links: MailLinks,
  coopName: string,
  reminder = false,
) {
  const url = `${links.baseUrl.replace(/\/$/, '')}/signatures/${r.id}`;
  await enqueueMail(tx, {
    to: r.email,
    cooperativeId,
    subject: `${reminder ? 'Rappel : ' : ''}un document à signer — ${coopName}`,
    text: [
      `Bonjour ${r.name},`,
      '',
      `${coopName} vous invite à lire et signer électroniquement : ${r.title}.`,
      '',
      `Ouvrez ce lien, connectez-vous, lisez le document puis demandez votre code de signature : ${url}`,
      '',
      `La demande reste ouverte ${REQUEST_VALID_DAYS} jours. Si vous ne vous attendiez pas à ce message, répondez-y ou contactez votre chargé·e d'accompagnement.`,
    ].join('\n'),
  });
}

// --- reading ----------------------------------------------------------------------------------
export async function listSignatureRequests(
  tx: Tx,
  actor: Actor,
  opts: { status?: SignatureStatus; mine?: boolean } = {},
): Promise<SignatureRequest[]> {
  const scope = authorize(actor, SIGNATURES.documentRead);
  let q = baseQuery(tx, actor.cooperativeId);
  if (scope === 'own' || opts.mine) q = q.where('signer_user_id', '=', actor.userId ?? '');
  const now = new Date();
  const rows = (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute()).map((r) =>
    toRequest(r, now),
  );
  return opts.status ? rows.filter((r) => r.status === opts.status) : rows;
}

/** The team's follow-up list (every request of the cooperative). */
export async function signatureRequestsToFollow(
  tx: Tx,
  actor: Actor,
  opts: { status?: SignatureStatus } = {},
): Promise<SignatureRequest[]> {
  authorize(actor, SIGNATURES.requestManage);
  return listSignatureRequests(tx, actor, opts);
}

export async function getSignatureRequest(tx: Tx, actor: Actor, id: string): Promise<SignatureRequest> {
  return toRequest(await visibleRow(tx, actor, id));
}

export type SignatureFileKind = 'document' | 'signed' | 'evidence';
/** The PDF shown to the signer, the sealed PDF, or the evidence file; each reading is audited. */
export async function readSignatureFile(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  id: string,
  which: SignatureFileKind,
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  const r = await visibleRow(tx, actor, id);
  const fileId = which === 'document' ? r.document_file_id : which === 'signed' ? r.signed_file_id : r.evidence_file_id;
  if (!fileId) throw new NotFoundError(which === 'evidence' ? 'Dossier de preuve' : 'Document signé');
  const f = await readFile(tx, key, actor.cooperativeId, fileId);
  await audit(tx, actor, {
    action: `signatures.file.read`,
    targetType: 'signature_request',
    targetId: id,
    data: { which, sha256: f.sha256 },
  });
  return { name: f.name, mimeType: f.mimeType, content: f.content };
}

// --- following up -----------------------------------------------------------------------------
async function manageableRow(tx: Tx, actor: Actor, id: string): Promise<Row> {
  authorize(actor, SIGNATURES.requestManage);
  if (!isUuid(id)) throw new NotFoundError('Demande de signature');
  const r = await baseQuery(tx, actor.cooperativeId).where('id', '=', id).executeTakeFirst();
  if (!r) throw new NotFoundError('Demande de signature');
  return r;
}

export async function cancelSignatureRequest(tx: Tx, actor: Actor, id: string): Promise<SignatureRequest> {
  const r = await manageableRow(tx, actor, id);
  if (r.status === 'signed') throw new UserError('Ce document est déjà signé : il ne peut plus être annulé.');
  if (r.status === 'cancelled') throw new UserError('Cette demande est déjà annulée.');
  await signaturesDb(tx)
    .updateTable('signature_request')
    .set({ status: 'cancelled', cancelled_at: new Date(), cancelled_by: actor.userId, otp_hash: null })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(tx, actor, { action: 'signatures.request.cancelled', targetType: 'signature_request', targetId: id });
  return toRequest(await baseQuery(tx, actor.cooperativeId).where('id', '=', id).executeTakeFirstOrThrow());
}

/** Sends the invitation again and gives an expired request a new period. */
export async function resendSignatureRequest(
  tx: Tx,
  actor: Actor,
  id: string,
  links: MailLinks,
): Promise<SignatureRequest> {
  const r = await manageableRow(tx, actor, id);
  if (r.status !== 'pending') throw new UserError('Seule une demande en attente de signature peut être relancée.');
  const now = new Date();
  if (now.getTime() - r.notified_at.getTime() < 60_000)
    throw new UserError('La personne vient d’être prévenue : attendez une minute avant de la relancer.');
  await signaturesDb(tx)
    .updateTable('signature_request')
    .set({ notified_at: now, expires_at: new Date(now.getTime() + REQUEST_VALID_DAYS * DAY_MS) })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  const coop = await getCooperative(tx, actor.cooperativeId);
  await notifySigner(
    tx,
    actor.cooperativeId,
    { id, title: r.title, email: r.signer_email, name: r.signer_name },
    links,
    coop?.name ?? 'Votre coopérative',
    true,
  );
  await audit(tx, actor, { action: 'signatures.request.resent', targetType: 'signature_request', targetId: id });
  return toRequest(await baseQuery(tx, actor.cooperativeId).where('id', '=', id).executeTakeFirstOrThrow());
}

/** Pending requests addressed to a person (their inbox); no permission: the inbox's own query. */
export async function pendingForSigner(tx: Tx, cooperativeId: string, userId: string): Promise<SignatureRequest[]> {
  const now = new Date();
  const rows = await baseQuery(tx, cooperativeId)
    .where('signer_user_id', '=', userId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => toRequest(r, now));
}

export const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Whether a scope lets the actor act on every request (the team) rather than their own. */
export const seesAll = (actor: Actor) => scopeOf(actor, SIGNATURES.documentRead) === 'all';

export interface PreparationChoices {
  people: { userId: string; name: string; email: string }[];
  activities: { id: string; name: string; ownerIds: string[] }[];
}
/** The people and activities the preparation form offers. */
export async function preparationChoices(tx: Tx, actor: Actor): Promise<PreparationChoices> {
  authorize(actor, SIGNATURES.requestPrepare);
  const members = await listMembers(tx, actor, { pageSize: 5000 });
  const activities = await listActivities(tx, actor);
  return {
    people: members.items.map((m) => ({ userId: m.userId, name: m.displayName, email: m.email })),
    activities: activities
      .filter((a) => !a.closedAt)
      .map((a) => ({ id: a.id, name: `${a.name} (${a.analyticCode})`, ownerIds: a.ownerIds })),
  };
}
