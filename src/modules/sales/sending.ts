// Sending an issued invoice by e-mail: the Factur-X PDF attached, queued in the mail outbox in
// the same transaction as the "sent" state, so a crash never leaves one without the other.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { enqueueMail } from '../../core/mail.ts';
import { audit } from '../../core/audit.ts';
import { formatDateLong } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import { getInvoice, loadInvoiceDocument, markSent, type Invoice } from './invoice.service.ts';
import { getCustomer } from './customer.service.ts';
import { renderInvoicePdf, DOCUMENT_TITLES } from './facturx/pdf.ts';
import type { InvoiceDocument } from './types.ts';
import { salesDb } from './db.ts';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
/** Plain paragraphs → a sober HTML body (no images, no tracking). */
export function htmlFromParagraphs(paragraphs: string[]): string {
  return `<!doctype html><html lang="fr"><body style="font-family:Arial,Helvetica,sans-serif;color:#1d2733;line-height:1.5">${paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`;
}
export const pdfFileName = (title: string, number: string) =>
  `${title.replace(/[^A-Za-z]+/g, '-')}-${number.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`;

export function invoiceMail(doc: InvoiceDocument) {
  const what = DOCUMENT_TITLES[doc.typeCode].toLowerCase();
  const subject = `${DOCUMENT_TITLES[doc.typeCode]} ${doc.number} — ${doc.seller.tradingName}`;
  const paragraphs = [
    'Bonjour,',
    `Veuillez trouver ci-joint notre ${what} n° ${doc.number} du ${formatDateLong(doc.issueDate)}, d'un montant de ${formatEuros(doc.totals.dueCents)} TTC.`,
    doc.typeCode === '381'
      ? "Aucun paiement n'est à effectuer pour ce document."
      : `Le règlement est attendu${doc.dueDate ? ` au plus tard le ${formatDateLong(doc.dueDate)}` : ''}${doc.payment.iban ? `, par virement sur le compte ${doc.payment.iban} en indiquant la référence ${doc.payment.remittance}` : ''}.`,
    'Le fichier PDF contient aussi la facture électronique (Factur-X) : votre logiciel comptable peut la lire directement.',
    'Pour toute question, il vous suffit de répondre à ce message.',
    `Bien cordialement,\n${doc.seller.contactName ? `${doc.seller.contactName} — ` : ''}${doc.seller.tradingName}\n${doc.seller.name}`,
  ];
  return { subject, text: paragraphs.join('\n\n'), html: htmlFromParagraphs(paragraphs) };
}

/**
 * Sends a validated invoice (or credit note) to the customer. A first sending marks it "sent";
 * sending again later (lost e-mail) is allowed and only queues the message again.
 */
export async function sendInvoice(
  trx: Tx,
  actor: Actor,
  invoiceId: string,
  opts: { to?: string | null } = {},
): Promise<Invoice> {
  const inv = await getInvoice(trx, actor, invoiceId);
  if (!inv) throw new NotFoundError('Facture');
  if (!inv.number) throw new UserError("Seule une facture validée peut être envoyée : faites-la d'abord valider.");
  if (inv.status === 'cancelled') throw new UserError('Cette facture est annulée : elle ne peut plus être envoyée.');
  const customer = (await getCustomer(trx, actor, inv.customerId))!;
  const to = (opts.to?.trim() || customer.email || '').trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to))
    throw new UserError("Indiquez l'adresse e-mail du client (fiche client) pour lui envoyer la facture.", 'to');
  const doc = await loadInvoiceDocument(trx, actor, invoiceId);
  const pdf = await renderInvoicePdf(doc);
  const mail = invoiceMail(doc);
  const first = inv.status === 'validated';
  const result = first ? await markSent(trx, actor, invoiceId) : inv;
  if (!first)
    await salesDb(trx)
      .updateTable('invoice')
      .set({ sent_at: new Date(), updated_at: new Date() })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', invoiceId)
      .execute();
  const mailId = await enqueueMail(trx, {
    to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    cooperativeId: actor.cooperativeId,
    attachments: [
      {
        filename: pdfFileName(DOCUMENT_TITLES[doc.typeCode], doc.number),
        contentType: 'application/pdf',
        contentBase64: pdf.toString('base64'),
      },
    ],
  });
  await audit(trx, actor, {
    action: first ? 'invoice.emailed' : 'invoice.emailed_again',
    targetType: 'invoice',
    targetId: invoiceId,
    data: { to, mailId },
  });
  return first ? result : (await getInvoice(trx, actor, invoiceId))!;
}
