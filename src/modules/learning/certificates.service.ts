// Certificates of completion: the learner's list, the PDF (learner, course, date, duration, the
// verification code and where to check it), revocation by the direction of the learner's
// cooperative, and the lookup of a code for the public verification page.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { formatDateLong, todayParis } from '../../core/dates.ts';
import { getCooperative } from '../directory/index.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';

const fonts = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export interface Certificate {
  id: string;
  code: string;
  userId: string;
  learnerName: string;
  courseId: string;
  courseTitle: string;
  durationMinutes: number;
  issuedAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

type Row = {
  id: string;
  code: string;
  user_id: string;
  learner_name: string;
  course_id: string;
  course_title: string;
  duration_minutes: number;
  issued_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
};
const toCert = (r: Row): Certificate => ({
  id: r.id,
  code: r.code,
  userId: r.user_id,
  learnerName: r.learner_name,
  courseId: r.course_id,
  courseTitle: r.course_title,
  durationMinutes: r.duration_minutes,
  issuedAt: new Date(r.issued_at),
  revokedAt: r.revoked_at,
  revokedReason: r.revoked_reason,
});

/** "3 h 30", "45 min". */
export function durationFr(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
}

/** The actor's own certificates, or, for the team, every certificate of the cooperative. */
export async function listCertificates(tx: Tx, actor: Actor, opts: { mine?: boolean } = {}): Promise<Certificate[]> {
  const scope = authorize(actor, LEARNING.certificates);
  let q = learningDb(tx)
    .selectFrom('learning_certificate')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId);
  if (scope === 'own' || opts.mine) q = q.where('user_id', '=', actor.userId ?? '00000000-0000-7000-8000-000000000000');
  return (await q.orderBy('issued_at', 'desc').execute()).map(toCert);
}

/** Certificates of the cooperative's own courses held by learners of other cooperatives (the team
 *  may revoke them; the PDF stays with the learner's cooperative). */
export async function courseCertificatesElsewhere(tx: Tx, actor: Actor): Promise<Certificate[]> {
  authorize(actor, LEARNING.revoke);
  return (
    await learningDb(tx)
      .selectFrom('learning_certificate')
      .selectAll()
      .where('course_cooperative_id', '=', actor.cooperativeId)
      .where('cooperative_id', '<>', actor.cooperativeId)
      .orderBy('issued_at', 'desc')
      .execute()
  ).map(toCert);
}

export async function getCertificate(tx: Tx, actor: Actor, id: string): Promise<Certificate> {
  const scope = authorize(actor, LEARNING.certificates);
  if (!isUuid(id)) throw new NotFoundError('Attestation');
  const r = await learningDb(tx)
    .selectFrom('learning_certificate')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r || (scope === 'own' && r.user_id !== actor.userId)) throw new NotFoundError('Attestation');
  return toCert(r);
}

const parisIso = (d: Date) => todayParis(d);

export async function certificatePdf(
  tx: Tx,
  actor: Actor,
  id: string,
  verifyUrl: string,
): Promise<{ pdf: Buffer; name: string }> {
  return renderCertificate(tx, await getCertificate(tx, actor, id), actor.cooperativeId, verifyUrl);
}

/** The certificate of one learner in one course, in the rows of `cooperativeId` (for the MOOC
 *  pages, which checked the enrolment: mooc.service.ts); null before completion. */
export async function learnerCertificate(
  tx: Tx,
  cooperativeId: string,
  courseId: string,
  userId: string,
): Promise<Certificate | null> {
  const r = await learningDb(tx)
    .selectFrom('learning_certificate')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .where('course_id', '=', courseId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r ? toCert(r) : null;
}

/** The PDF of a certificate held in `cooperativeId` (which attests it). */
export async function renderCertificate(
  tx: Tx,
  cert: Certificate,
  cooperativeId: string,
  verifyUrl: string,
): Promise<{ pdf: Buffer; name: string }> {
  const coop = await getCooperative(tx, cooperativeId);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 60,
    info: { Title: `Attestation de formation — ${cert.courseTitle}` },
  });
  doc.registerFont('body', join(fonts, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res) => doc.on('end', () => res()));
  const w = doc.page.width - 120;
  doc
    .rect(30, 30, doc.page.width - 60, doc.page.height - 60)
    .lineWidth(2)
    .stroke('#2f5d50');
  doc
    .font('bold')
    .fontSize(28)
    .fillColor('#2f5d50')
    .text('Attestation de formation', 60, 90, { width: w, align: 'center' });
  doc.moveDown(1.2).font('body').fontSize(14).fillColor('black');
  doc.text(`${coop?.name ?? ''} atteste que`, { width: w, align: 'center' });
  doc.moveDown(0.5).font('bold').fontSize(22).text(cert.learnerName, { width: w, align: 'center' });
  doc.moveDown(0.5).font('body').fontSize(14).text('a suivi et achevé la formation', { width: w, align: 'center' });
  doc.moveDown(0.5).font('bold').fontSize(18).text(cert.courseTitle, { width: w, align: 'center' });
  doc
    .moveDown(1)
    .font('body')
    .fontSize(13)
    .text(`Durée : ${durationFr(cert.durationMinutes)}`, { width: w, align: 'center' })
    .text(`Date : ${formatDateLong(parisIso(cert.issuedAt))}`, { width: w, align: 'center' });
  if (cert.revokedAt)
    doc
      .moveDown(0.5)
      .font('bold')
      .fillColor('#a00')
      .text('ATTESTATION RÉVOQUÉE', { width: w, align: 'center' })
      .fillColor('black');
  doc
    .font('body')
    .fontSize(11)
    .text(`Code de vérification : ${cert.code}`, 60, doc.page.height - 130, { width: w, align: 'center' })
    .text(`À vérifier sur ${verifyUrl}`, { width: w, align: 'center' });
  doc.end();
  await done;
  return { pdf: Buffer.concat(chunks), name: `attestation-${cert.code}.pdf` };
}

export async function revokeCertificate(tx: Tx, actor: Actor, id: string, reason: string): Promise<void> {
  authorize(actor, LEARNING.revoke);
  if (!isUuid(id)) throw new NotFoundError('Attestation');
  const why = reason.trim();
  if (why.length < 3) throw new UserError('Indiquez le motif de la révocation.', 'reason');
  if (why.length > 500) throw new UserError('Motif : 500 caractères au plus.', 'reason');
  // The learner's cooperative, or the course's owner for a learner of another cooperative.
  const r = await learningDb(tx)
    .updateTable('learning_certificate')
    .set({ revoked_at: new Date(), revoked_reason: why })
    .where((eb) =>
      eb.or([eb('cooperative_id', '=', actor.cooperativeId), eb('course_cooperative_id', '=', actor.cooperativeId)]),
    )
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new UserError('Attestation introuvable ou déjà révoquée.');
  await audit(tx, actor, {
    action: 'learning.certificate_revoked',
    targetType: 'learning_certificate',
    targetId: id,
    data: { reason: why },
  });
}

export interface Verification {
  status: 'valid' | 'revoked';
  learnerName: string;
  courseTitle: string;
  durationMinutes: number;
  issuedAt: Date;
  revokedAt: Date | null;
}

/** The certificate bearing this code in the tenant's cooperative (the public page asks each one). */
export async function findByCode(tx: Tx, cooperativeId: string, code: string): Promise<Verification | null> {
  const r = await learningDb(tx)
    .selectFrom('learning_certificate')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!r) return null;
  return {
    status: r.revoked_at ? 'revoked' : 'valid',
    learnerName: r.learner_name,
    courseTitle: r.course_title,
    durationMinutes: r.duration_minutes,
    issuedAt: new Date(r.issued_at),
    revokedAt: r.revoked_at,
  };
}

export const assertOwnCertificate = (actor: Actor, cert: Certificate) => {
  if (cert.userId !== actor.userId) throw new ForbiddenError();
};
