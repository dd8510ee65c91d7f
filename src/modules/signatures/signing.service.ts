// The signature itself (signature électronique simple, eIDAS art. 25): a one-time code sent by
// e-mail (6 digits, kept only as an HMAC, valid 10 minutes, 5 tries, then a new code is needed;
// one code a minute and 5 an hour at most), the consent box, then the evidence file and the PDF
// sealed with the cooperative's certificate, both stored, and the `signatures.completed` event.
// A wrong code must count even though the signature fails: these functions return the failure
// instead of throwing, so the caller's transaction keeps the counter.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { type Actor, ForbiddenError } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize } from '../../core/authz.ts';
import type { Tx } from '../../core/db/handles.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { emit } from '../../core/events.ts';
import { readFile, storeFile } from '../../core/files.ts';
import { isUuid } from '../../core/ids.ts';
import { enqueueMail } from '../../core/mail.ts';
import { getCooperative } from '../directory/index.ts';
import { decryptBundle, encryptBundle, generateSelfSignedP12, inspectP12, type P12Bundle } from './certificate.ts';
import { signaturesDb } from './db.ts';
import { SIGNATURES_COMPLETED, type SignaturesCompletedPayload } from './events.ts';
import { sealPdf } from './pades.ts';
import { SIGNATURES } from './permissions.ts';
import { MAX_CODE_ATTEMPTS, sha256Hex, type SignatureRequest, statusOf, toRequest } from './requests.service.ts';

export const CODE_VALID_MINUTES = 10;
export const CODE_MIN_INTERVAL_SECONDS = 60;
export const CODES_PER_HOUR = 5;
export const CONSENT_TEXT =
  "J'ai lu et j'accepte le document ci-dessus, et je le signe électroniquement avec le code reçu par e-mail.";
export const EVIDENCE_FORMAT = 'radieuse-signature-evidence/1';

export async function signerRow(tx: Tx, actor: Actor, id: string) {
  authorize(actor, SIGNATURES.sign);
  if (!actor.userId || !isUuid(id)) throw new NotFoundError('Demande de signature');
  const r = await signaturesDb(tx)
    .selectFrom('signature_request')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  // Only the person it is addressed to signs it; for anyone else it does not exist.
  if (!r || r.signer_user_id !== actor.userId) throw new NotFoundError('Demande de signature');
  return r;
}

function openOrRefuse(r: { status: 'pending' | 'signed' | 'cancelled'; expires_at: Date }, now: Date) {
  const s = statusOf(r, now);
  if (s === 'signed') throw new UserError('Ce document est déjà signé.');
  if (s === 'cancelled') throw new UserError('Cette demande a été annulée par la coopérative.');
  if (s === 'expired')
    throw new UserError('Cette demande a expiré : demandez à votre chargé·e d’accompagnement de la relancer.');
}

const codeHash = (key: Buffer, requestId: string, code: string) =>
  createHmac('sha256', key).update(`signature-code:${requestId}:${code}`).digest('hex');

/** Sends a fresh one-time code to the signer's e-mail. Throws UserError when rate-limited. */
export async function sendSignatureCode(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  id: string,
  now = new Date(),
): Promise<{ sentTo: string; expiresAt: Date }> {
  const r = await signerRow(tx, actor, id);
  openOrRefuse(r, now);
  if (r.otp_sent_at && now.getTime() - r.otp_sent_at.getTime() < CODE_MIN_INTERVAL_SECONDS * 1000)
    throw new UserError('Un code vient de vous être envoyé : attendez une minute avant d’en demander un autre.');
  const windowOpen = r.otp_window_start && now.getTime() - r.otp_window_start.getTime() < 3_600_000;
  const sends = windowOpen ? r.otp_sends : 0;
  if (sends >= CODES_PER_HOUR) {
    await audit(tx, actor, { action: 'signatures.code.rate_limited', targetType: 'signature_request', targetId: id });
    throw new UserError('Trop de codes demandés : réessayez dans une heure.');
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + CODE_VALID_MINUTES * 60_000);
  await signaturesDb(tx)
    .updateTable('signature_request')
    .set({
      otp_hash: codeHash(key, id, code),
      otp_sent_at: now,
      otp_expires_at: expiresAt,
      otp_attempts: 0,
      otp_sends: sends + 1,
      otp_window_start: windowOpen ? r.otp_window_start : now,
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await enqueueMail(tx, {
    to: r.signer_email,
    cooperativeId: actor.cooperativeId,
    subject: 'Votre code de signature',
    text: [
      `Bonjour ${r.signer_name},`,
      '',
      `Votre code pour signer « ${r.title} » : ${code}`,
      '',
      `Il est valable ${CODE_VALID_MINUTES} minutes. Ne le communiquez à personne : personne de la coopérative ne vous le demandera.`,
      "Si vous n'avez pas demandé ce code, ignorez ce message et prévenez votre coopérative.",
    ].join('\n'),
  });
  await audit(tx, actor, {
    action: 'signatures.code.sent',
    targetType: 'signature_request',
    targetId: id,
    data: { to: r.signer_email },
  });
  return { sentTo: r.signer_email, expiresAt };
}

export interface SignInput {
  code: string;
  consent: boolean;
  userAgent: string | null;
}
export type SignResult =
  | { signed: true; request: SignatureRequest; evidence: SignatureEvidence }
  | { signed: false; field: 'code' | 'consent'; message: string };

export interface SignatureEvidence {
  format: typeof EVIDENCE_FORMAT;
  level: string;
  provider: 'simple';
  requestId: string;
  cooperative: { id: string; name: string; siren: string };
  document: { kind: string; title: string; fileId: string; sha256: string };
  signer: { userId: string; name: string; email: string };
  signedAt: string;
  ip: string | null;
  userAgent: string | null;
  otp: { channel: 'email'; sentTo: string; sentAt: string; verifiedAt: string; failedAttempts: number };
  consent: { text: string; accepted: true };
  preparedBy: { userId: string; name: string; at: string };
  seal: { certificateSubject: string; certificateSha256: string; subFilter: 'ETSI.CAdES.detached' };
}

/** Checks the code and signs; a wrong or expired code is a result, not an exception. */
export async function signWithCode(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  id: string,
  input: SignInput,
  now = new Date(),
): Promise<SignResult> {
  const r = await signerRow(tx, actor, id);
  openOrRefuse(r, now);
  const trx = signaturesDb(tx);
  if (!input.consent)
    return { signed: false, field: 'consent', message: 'Cochez la case pour confirmer que vous acceptez le document.' };
  if (!r.otp_hash || !r.otp_expires_at)
    return { signed: false, field: 'code', message: 'Demandez d’abord un code : il vous est envoyé par e-mail.' };
  if (r.otp_expires_at.getTime() < now.getTime()) {
    await trx
      .updateTable('signature_request')
      .set({ otp_hash: null })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', id)
      .execute();
    await audit(tx, actor, { action: 'signatures.code.expired', targetType: 'signature_request', targetId: id });
    return { signed: false, field: 'code', message: 'Ce code a expiré : demandez-en un nouveau.' };
  }
  const typed = input.code.replace(/\s/g, '');
  const good =
    /^\d{6}$/.test(typed) &&
    timingSafeEqual(Buffer.from(codeHash(key, id, typed), 'hex'), Buffer.from(r.otp_hash, 'hex'));
  if (!good) {
    const attempts = r.otp_attempts + 1;
    const locked = attempts >= MAX_CODE_ATTEMPTS;
    await trx
      .updateTable('signature_request')
      .set({ otp_attempts: attempts, otp_hash: locked ? null : r.otp_hash })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', id)
      .execute();
    await audit(tx, actor, {
      action: locked ? 'signatures.code.locked' : 'signatures.code.failed',
      targetType: 'signature_request',
      targetId: id,
      data: { attempts },
    });
    return {
      signed: false,
      field: 'code',
      message: locked
        ? 'Code incorrect, et c’était le dernier essai : demandez un nouveau code.'
        : `Code incorrect : encore ${MAX_CODE_ATTEMPTS - attempts} essai(s).`,
    };
  }

  return completeSignature(tx, actor, key, r, { ...input, otpVerifiedAt: now }, now);
}

type RequestRow = Awaited<ReturnType<typeof signerRow>>;
/**
 * Once the code is verified: builds the evidence, seals the PDF that was shown, stores both,
 * marks the request signed and emits `signatures.completed`. Not exported through index.ts:
 * only signWithCode (and the demo, which has no mailbox to read) reach it.
 */
export async function completeSignature(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  r: RequestRow,
  input: { userAgent: string | null; otpVerifiedAt: Date },
  now: Date,
): Promise<SignResult & { signed: true }> {
  const id = r.id;
  const trx = signaturesDb(tx);
  const coop = await getCooperative(tx, actor.cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  const shown = await readFile(tx, key, actor.cooperativeId, r.document_file_id);
  // The stored file must still be the one whose hash was recorded when it was prepared.
  if (sha256Hex(shown.content) !== r.document_sha256)
    throw new Error(`signature request ${id}: the document no longer matches its recorded hash`);
  const bundle = await cooperativeSealBundle(tx, actor, key);
  const cert = inspectP12(bundle);
  const evidence: SignatureEvidence = {
    format: EVIDENCE_FORMAT,
    level: 'Signature électronique simple (règlement eIDAS, article 25), document scellé par la coopérative',
    provider: 'simple',
    requestId: id,
    cooperative: { id: coop.id, name: coop.name, siren: coop.siren },
    document: { kind: r.kind, title: r.title, fileId: r.document_file_id, sha256: r.document_sha256 },
    signer: { userId: r.signer_user_id, name: r.signer_name, email: r.signer_email },
    signedAt: now.toISOString(),
    ip: actor.ip ?? null,
    userAgent: input.userAgent ? input.userAgent.slice(0, 500) : null,
    otp: {
      channel: 'email',
      sentTo: r.signer_email,
      sentAt: (r.otp_sent_at ?? now).toISOString(),
      verifiedAt: input.otpVerifiedAt.toISOString(),
      failedAttempts: r.otp_attempts,
    },
    consent: { text: CONSENT_TEXT, accepted: true },
    preparedBy: { userId: r.created_by, name: r.preparer_name, at: r.created_at.toISOString() },
    seal: { certificateSubject: cert.subject, certificateSha256: cert.fingerprint, subFilter: 'ETSI.CAdES.detached' },
  };
  const evidenceBytes = Buffer.from(`${JSON.stringify(evidence, null, 2)}\n`, 'utf8');
  const evidenceSha = sha256Hex(evidenceBytes);
  const sealed = await sealPdf({
    pdf: shown.content,
    p12: bundle.p12,
    passphrase: bundle.passphrase,
    // ASCII only: readers show the reason as it is written.
    reason: `Signature electronique simple; dossier de preuve SHA-256 ${evidenceSha}`,
    name: r.signer_name,
    location: coop.city,
    contactInfo: r.signer_email,
    signingTime: now,
  });
  const base = r.title.replace(/[\\/]/g, '-');
  const evidenceFile = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: `${base} — preuve.json`,
    purpose: 'signature-evidence',
    content: evidenceBytes,
    createdBy: actor.userId,
  });
  const signedFile = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: `${base} — signé.pdf`,
    purpose: 'signature-document',
    content: sealed,
    createdBy: actor.userId,
  });
  await trx
    .updateTable('signature_request')
    .set({
      status: 'signed',
      signed_at: now,
      otp_verified_at: now,
      otp_hash: null,
      signed_file_id: signedFile.id,
      evidence_file_id: evidenceFile.id,
      evidence_sha256: evidenceSha,
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
  const payload: SignaturesCompletedPayload = {
    requestId: id,
    userId: r.signer_user_id,
    kind: r.kind,
    title: r.title,
    fileId: signedFile.id,
    evidenceFileId: evidenceFile.id,
    signedAt: now.toISOString(),
  };
  await emit(tx, actor, SIGNATURES_COMPLETED, payload as unknown as Record<string, unknown>);
  await audit(tx, actor, {
    action: 'signatures.request.signed',
    targetType: 'signature_request',
    targetId: id,
    data: { documentSha256: r.document_sha256, evidenceSha256: evidenceSha, signedSha256: signedFile.sha256 },
  });
  await enqueueMail(tx, {
    to: r.signer_email,
    cooperativeId: actor.cooperativeId,
    subject: `Document signé — ${r.title}`.slice(0, 200),
    text: [
      `Bonjour ${r.signer_name},`,
      '',
      `Vous avez signé « ${r.title} » le ${now.toLocaleString('fr-FR', { timeZone: 'Europe/Paris' })}.`,
      'Le document signé et son dossier de preuve sont disponibles dans Radieuse, rubrique Signatures.',
    ].join('\n'),
  });
  const after = await trx
    .selectFrom('signature_request')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { signed: true, request: toRequest(after, now), evidence };
}

// --- the cooperative's certificate --------------------------------------------------------------
/** The cooperative's sealing P12, generated self-signed on first use. */
async function cooperativeSealBundle(tx: Tx, actor: Actor, key: Buffer): Promise<P12Bundle> {
  const trx = signaturesDb(tx);
  const stored = await trx
    .selectFrom('signature_certificate')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .executeTakeFirst();
  if (stored) return decryptBundle(key, { iv: stored.iv, authTag: stored.auth_tag, content: stored.content });
  const coop = await getCooperative(tx, actor.cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  const bundle = generateSelfSignedP12(coop);
  await saveCertificate(tx, actor, key, bundle, 'generated');
  return bundle;
}

async function saveCertificate(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  bundle: P12Bundle,
  source: 'generated' | 'imported',
): Promise<CooperativeCertificate> {
  const info = inspectP12(bundle);
  if (info.notAfter.getTime() < Date.now()) throw new UserError('Ce certificat a expiré.', 'p12');
  const enc = encryptBundle(key, bundle);
  const values = {
    source,
    subject: info.subject,
    fingerprint: info.fingerprint,
    not_after: info.notAfter,
    iv: enc.iv,
    auth_tag: enc.authTag,
    content: enc.content,
  };
  await signaturesDb(tx)
    .insertInto('signature_certificate')
    .values({ cooperative_id: actor.cooperativeId, ...values })
    .onConflict((oc) => oc.column('cooperative_id').doUpdateSet({ ...values, created_at: new Date() }))
    .execute();
  await audit(tx, actor, {
    action: `signatures.certificate.${source}`,
    targetType: 'signature_certificate',
    targetId: actor.cooperativeId,
    data: { subject: info.subject, fingerprint: info.fingerprint, notAfter: info.notAfter.toISOString() },
  });
  return { source, subject: info.subject, fingerprint: info.fingerprint, notAfter: info.notAfter };
}

export interface CooperativeCertificate {
  source: 'generated' | 'imported';
  subject: string;
  fingerprint: string;
  notAfter: Date;
}

/** The operator's import (CLI, system actor): a P12 from a certificate authority replaces the
 *  generated one for the seals to come; seals already made keep their own certificate. */
export async function importCooperativeCertificate(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  bundle: P12Bundle,
): Promise<CooperativeCertificate> {
  if (actor.userId !== null) throw new ForbiddenError('Import réservé à l’exploitant (commande radieuse).');
  return saveCertificate(tx, actor, key, bundle, 'imported');
}

/** The certificate seals are made with, if any yet (shown on the team's page). */
export async function cooperativeCertificate(tx: Tx, actor: Actor): Promise<CooperativeCertificate | null> {
  authorize(actor, SIGNATURES.requestManage);
  const r = await signaturesDb(tx)
    .selectFrom('signature_certificate')
    .select(['source', 'subject', 'fingerprint', 'not_after'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .executeTakeFirst();
  return r ? { source: r.source, subject: r.subject, fingerprint: r.fingerprint, notAfter: r.not_after } : null;
}
