import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import type { withTenant } from '../../../core/db/tenant.ts';
import type { Actor } from '../../../core/actor.ts';
import { UserError, NotFoundError } from '../../../core/errors.ts';
import { parseCents } from '../../../core/money.ts';
import {
  createDraft,
  submitInvoice,
  recordPayment,
  createCreditNote,
  getInvoice,
  getLines,
  loadInvoiceDocument,
} from '../invoice.service.ts';
import * as facturx from '../facturx/index.ts';
import { isUuid } from '../../../core/ids.ts';
import { sendInvoice } from '../sending.ts';
import { sendReminderNow, setRemindersPaused, noticeLetterPdf } from '../reminders.ts';
import { heldMessage, selfValidateInvoice } from '../inbox.ts';
import { tenant } from './kit.ts';

export const invoiceActionRoutes = new Hono<AppEnv>();

const action = (
  path: string,
  run: (
    trx: Parameters<Parameters<typeof withTenant>[2]>[0],
    actor: Actor,
    id: string,
    f: Record<string, string>,
  ) => Promise<{ id: string }>,
  text: string,
) =>
  invoiceActionRoutes.post(`/factures/:id/${path}`, async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    const f = await formValues(c);
    if (!isUuid(id)) throw new NotFoundError('Facture');
    const r = await tenant(c, (trx) => run(trx, actor, id, f)); // UserError → flash + back (app.onError)
    setFlash(c, { kind: 'success', text });
    return c.redirect(`/factures/${r.id}`, 303);
  });
action('soumettre', (trx, a, id) => submitInvoice(trx, a, id), 'Facture soumise à validation.');
invoiceActionRoutes.post('/factures/:id/valider', async (c) => {
  const actor = actorOf(c);
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Facture');
  const r = await tenant(c, (trx) => selfValidateInvoice(trx, actor, id)); // UserError → flash + back
  setFlash(
    c,
    r.held.length
      ? { kind: 'info', text: heldMessage(r.held) }
      : { kind: 'success', text: 'Facture validée : son numéro est attribué.' },
  );
  return c.redirect(`/factures/${r.invoice.id}`, 303);
});
action('avoir', (trx, a, id) => createCreditNote(trx, a, id), 'Avoir créé en brouillon : vérifiez-le puis validez-le.');
action('envoyer', (trx, a, id) => sendInvoice(trx, a, id), 'Facture envoyée au client par e-mail.');
action(
  'relancer',
  async (trx, a, id) => {
    await sendReminderNow(trx, a, id);
    return { id };
  },
  'Relance envoyée à votre client par e-mail.',
);
action(
  'relances',
  async (trx, a, id) => {
    const inv = await getInvoice(trx, a, id);
    if (!inv) throw new NotFoundError('Facture');
    await setRemindersPaused(trx, a, id, !inv.remindersPaused);
    return inv;
  },
  'Relances mises à jour.',
);
action(
  'dupliquer',
  async (trx, a, id) => {
    const inv = await getInvoice(trx, a, id);
    if (!inv) throw new NotFoundError('Facture');
    const lines = await getLines(trx, a, id);
    return createDraft(trx, a, {
      activityId: inv.activityId,
      customerId: inv.customerId,
      discountCents: inv.discountCents,
      discountReason: inv.discountReason,
      vatExemptionReason: inv.vatExemptionReason,
      buyerReference: null,
      notes: inv.notes,
      lines: lines.map((l) => ({
        description: l.description,
        quantityMilli: l.quantityMilli,
        unitCode: l.unitCode,
        unitPriceCents: l.unitPriceCents,
        discountBp: l.discountBp,
        vatCategory: l.vatCategory,
        vatRateBp: l.vatRateBp,
        nature: l.nature,
        section: l.section,
      })),
    });
  },
  'Copie créée en brouillon, datée du jour : vérifiez-la puis soumettez-la.',
);
action(
  'paiement',
  async (trx, a, id, f) => {
    const amount = parseCents(f.amount ?? '');
    if (amount === null) throw new UserError('Montant invalide (ex. : 120,00).', 'amount');
    return recordPayment(trx, a, id, {
      amountCents: amount,
      date: f.date || undefined,
      method: f.method || 'virement',
      reference: f.reference || null,
    });
  },
  'Paiement enregistré.',
);

invoiceActionRoutes.get('/factures/:id/pdf', async (c) => {
  const actor = actorOf(c);
  const doc = await tenant(c, async (trx) => {
    const inv = isUuid(c.req.param('id')) ? await getInvoice(trx, actor, c.req.param('id')) : null;
    if (!inv?.number) throw new NotFoundError('Facture validée');
    return loadInvoiceDocument(trx, actor, inv.id);
  });
  const pdf = await facturx.renderInvoicePdf(doc);
  return c.body(new Uint8Array(pdf), 200, {
    'content-type': 'application/pdf',
    'content-disposition': `attachment; filename="${doc.number.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf"`,
  });
});

invoiceActionRoutes.get('/factures/:id/mise-en-demeure', async (c) => {
  const actor = actorOf(c);
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Facture');
  const pdf = await tenant(c, (trx) => noticeLetterPdf(trx, actor, id));
  return c.body(new Uint8Array(pdf), 200, {
    'content-type': 'application/pdf',
    'content-disposition': 'attachment; filename="mise-en-demeure.pdf"',
  });
});
