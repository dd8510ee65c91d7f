// Payment reminders: a per-cooperative schedule (days relative to the due date, negative =
// before), polite e-mails queued in the outbox, a history table, pause per invoice, and the
// formal notice letter for long overdue invoices. `sendDueReminders` is idempotent: one row per
// (invoice, step) and a mail dedupe key per (invoice, step).
import { sql } from 'kysely';
import type { Db } from '../../core/db/index.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant, withSystem, type Tx } from '../../core/db/tenant.ts';
import { ForbiddenError, systemActor, type Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { SALES } from './permissions.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { enqueueMail } from '../../core/mail.ts';
import { audit } from '../../core/audit.ts';
import { addDays, daysBetween, formatDateLong, todayParis, toIsoDate, type IsoDate } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import type { Schedule } from '../../core/jobs.ts';
import { getCooperative, updateCooperativeSettings, listCooperatives } from '../directory/index.ts';
import { getInvoice, loadInvoiceDocument } from './invoice.service.ts';
import { getCustomer } from './customer.service.ts';
import { htmlFromParagraphs } from './sending.ts';
import { renderNoticePdf } from './letters.ts';
import { salesDb } from './db.ts';

/** Days relative to the due date: 3 days before, then 7, 21 and 45 days after. */
export const DEFAULT_REMINDER_DAYS = [-3, 7, 21, 45] as const;
/** Beyond this many days overdue, the formal notice letter is offered. */
export const NOTICE_AFTER_DAYS = 45;
const SETTINGS_KEY = 'salesReminderDays';

export async function reminderSchedule(trx: Tx | Db, cooperativeId: string): Promise<number[]> {
  const coop = await getCooperative(trx as Tx, cooperativeId);
  const v = coop?.settings?.[SETTINGS_KEY];
  return Array.isArray(v) && v.every((x) => Number.isInteger(x))
    ? [...(v as number[])].sort((a, b) => a - b)
    : [...DEFAULT_REMINDER_DAYS];
}

/** Parses "-3, 7, 21, 45" (the director's form) into sorted unique days; French errors. */
export function parseReminderDays(raw: string): number[] {
  const parts = raw.split(/[\s,;]+/).filter(Boolean);
  if (parts.length > 8) throw new UserError('Huit relances au plus.', 'days');
  const days = parts.map((p) => {
    if (!/^[+-]?\d{1,3}$/.test(p))
      throw new UserError(`« ${p} » n'est pas un nombre de jours (ex. : -3, 7, 21, 45).`, 'days');
    const n = Number(p);
    if (n < -30 || n > 365)
      throw new UserError("Chaque relance doit se situer entre 30 jours avant et 365 jours après l'échéance.", 'days');
    return n;
  });
  return [...new Set(days)].sort((a, b) => a - b);
}

export async function setReminderSchedule(trx: Tx, actor: Actor, days: number[]): Promise<void> {
  if (!can(actor, SALES.reminderSettings))
    throw new ForbiddenError('Seule la direction peut modifier le calendrier des relances.');
  await updateCooperativeSettings(trx, actor, { [SETTINGS_KEY]: days });
}

export async function setRemindersPaused(trx: Tx, actor: Actor, invoiceId: string, paused: boolean): Promise<void> {
  authorize(actor, SALES.invoiceSend);
  const inv = await getInvoice(trx, actor, invoiceId);
  if (!inv) throw new NotFoundError('Facture');
  await salesDb(trx)
    .updateTable('invoice')
    .set({ reminders_paused: paused, updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', invoiceId)
    .execute();
  await audit(trx, actor, {
    action: paused ? 'invoice.reminders_paused' : 'invoice.reminders_resumed',
    targetType: 'invoice',
    targetId: invoiceId,
  });
}

export interface ReminderRecord {
  id: string;
  step: string;
  offsetDays: number;
  kind: 'email' | 'notice';
  sentOn: IsoDate;
}
export async function reminderHistory(trx: Tx, actor: Actor, invoiceId: string): Promise<ReminderRecord[]> {
  // getInvoice checks the role and that the invoice is the actor's (an entrepreneur's own).
  if (!(await getInvoice(trx, actor, invoiceId))) throw new NotFoundError('Facture');
  const rows = await salesDb(trx)
    .selectFrom('sales_reminder')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('invoice_id', '=', invoiceId)
    .orderBy('sent_on')
    .orderBy('offset_days')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    step: r.step,
    offsetDays: r.offset_days,
    kind: r.kind,
    sentOn: toIsoDate(r.sent_on),
  }));
}

export const stepKey = (offset: number) => (offset < 0 ? `avant-${-offset}` : `apres-${offset}`);

export function reminderMail(p: {
  number: string;
  issueDate: IsoDate;
  dueDate: IsoDate;
  dueCents: number;
  offset: number;
  tradingName: string;
  sellerName: string;
  contactName: string | null;
  iban: string | null;
}) {
  const amount = formatEuros(p.dueCents);
  const before = p.offset < 0;
  const subject = before
    ? `Rappel : échéance de la facture ${p.number} le ${formatDateLong(p.dueDate)}`
    : `Relance : facture ${p.number} en attente de règlement`;
  const body = before
    ? [
        `Nous nous permettons de vous rappeler que la facture n° ${p.number} du ${formatDateLong(p.issueDate)}, d'un montant de ${amount}, arrive à échéance le ${formatDateLong(p.dueDate)}.`,
        'Si le règlement est déjà programmé, merci et ne tenez pas compte de ce message.',
      ]
    : p.offset < 21
      ? [
          `Sauf erreur de notre part, la facture n° ${p.number} du ${formatDateLong(p.issueDate)}, échue le ${formatDateLong(p.dueDate)}, reste à régler : ${amount}.`,
          "Il s'agit peut-être d'un simple oubli : pourriez-vous vérifier de votre côté ? Si le paiement est en cours, merci et ne tenez pas compte de ce message.",
        ]
      : [
          `Malgré notre précédent message, la facture n° ${p.number} du ${formatDateLong(p.issueDate)}, échue le ${formatDateLong(p.dueDate)}, reste impayée : ${amount}.`,
          'Nous vous remercions de procéder à son règlement dans les meilleurs délais, ou de nous indiquer si une difficulté vous en empêche : nous trouverons ensemble une solution.',
        ];
  const paragraphs = [
    'Bonjour,',
    ...body,
    ...(p.iban ? [`Règlement par virement sur le compte ${p.iban}, en indiquant la référence ${p.number}.`] : []),
    `Bien cordialement,\n${p.contactName ? `${p.contactName} — ` : ''}${p.tradingName}\n${p.sellerName}`,
  ];
  return { subject, text: paragraphs.join('\n\n'), html: htmlFromParagraphs(paragraphs) };
}

/** Sends, for every cooperative, the reminders due on `today`: at most one per invoice (the latest step reached). */
export async function sendDueReminders(db: Db, today: IsoDate = todayParis()): Promise<{ sent: number }> {
  const coops = await withSystem(db, (trx) => listCooperatives(trx));
  let sent = 0;
  for (const { id: coopId } of coops) {
    const actor = systemActor(coopId, 'Relances');
    const schedule = await withTenant(db, coopId, (trx) => reminderSchedule(trx, coopId));
    if (!schedule.length) continue;
    const earliest = addDays(today, -schedule[0]); // due dates from which the first step is reached
    const candidates = await withTenant(db, coopId, (trx) =>
      salesDb(trx)
        .selectFrom('invoice')
        .select(['id', 'due_date'])
        .where('cooperative_id', '=', coopId)
        .where('status', 'in', ['validated', 'sent', 'partly_paid'])
        .where('type_code', 'in', ['380', '386'])
        .where('reminders_paused', '=', false)
        .where('due_date', 'is not', null)
        .where('due_date', '<=', earliest)
        .orderBy('due_date')
        .execute(),
    );
    for (const c of candidates) {
      const due = toIsoDate(c.due_date);
      const reached = schedule.filter((d) => addDays(due, d) <= today);
      if (!reached.length) continue;
      const offset = reached[reached.length - 1];
      if (offset < 0 && today >= due) continue; // the pre-due reminder is pointless once due
      // One transaction per invoice: a failure never blocks the others.
      const ok = await withTenant(db, coopId, async (trx) => {
        const step = stepKey(offset);
        const inserted = await salesDb(trx)
          .insertInto('sales_reminder')
          .values({
            cooperative_id: coopId,
            id: uuidv7(),
            invoice_id: c.id,
            step,
            offset_days: offset,
            kind: 'email',
            sent_on: today,
            mail_id: null,
          })
          .onConflict((oc) => oc.columns(['cooperative_id', 'invoice_id', 'step']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return false;
        const inv = (await getInvoice(trx, actor, c.id, today))!;
        const customer = (await getCustomer(trx, actor, inv.customerId))!;
        if (!customer.email || inv.dueCents <= 0) {
          await salesDb(trx)
            .deleteFrom('sales_reminder')
            .where('cooperative_id', '=', coopId)
            .where('id', '=', inserted.id)
            .execute();
          return false;
        }
        const doc = await loadInvoiceDocument(trx, actor, c.id);
        const m = reminderMail({
          number: inv.number!,
          issueDate: inv.issueDate,
          dueDate: due,
          dueCents: inv.dueCents,
          offset,
          tradingName: doc.seller.tradingName,
          sellerName: doc.seller.name,
          contactName: doc.seller.contactName,
          iban: doc.payment.iban,
        });
        const mailId = await enqueueMail(trx, {
          to: customer.email,
          subject: m.subject,
          text: m.text,
          html: m.html,
          cooperativeId: coopId,
          dedupeKey: `sales-reminder:${c.id}:${step}`,
        });
        await salesDb(trx)
          .updateTable('sales_reminder')
          .set({ mail_id: mailId })
          .where('cooperative_id', '=', coopId)
          .where('id', '=', inserted.id)
          .execute();
        await audit(trx, actor, {
          action: 'invoice.reminder_sent',
          targetType: 'invoice',
          targetId: c.id,
          data: { step, to: customer.email },
        });
        return true;
      });
      if (ok) sent++;
    }
  }
  return { sent };
}

/** pg-boss schedules of the sales module (the lead wires them in modules/jobs.ts). */
export function salesSchedules(odb: Pick<OpenDb, 'db'>): Schedule[] {
  return [
    {
      name: 'sales-reminders',
      cron: '0 9 * * *',
      handler: async () => {
        await sendDueReminders(odb.db, todayParis());
      },
    },
  ];
}

/** The formal notice letter for an invoice more than 45 days overdue; recorded in the history. */
export async function noticeLetterPdf(
  trx: Tx,
  actor: Actor,
  invoiceId: string,
  today: IsoDate = todayParis(),
): Promise<Buffer> {
  const inv = await getInvoice(trx, actor, invoiceId, today);
  if (!inv) throw new NotFoundError('Facture');
  if (
    !inv.number ||
    !inv.dueDate ||
    inv.dueCents <= 0 ||
    inv.displayStatus !== 'overdue' ||
    daysBetween(inv.dueDate, today) <= NOTICE_AFTER_DAYS
  )
    throw new UserError(`La mise en demeure concerne une facture impayée depuis plus de ${NOTICE_AFTER_DAYS} jours.`);
  const doc = await loadInvoiceDocument(trx, actor, invoiceId);
  const pdf = await renderNoticePdf({
    seller: doc.seller,
    buyer: doc.buyer,
    city: doc.seller.address.city,
    date: today,
    deadlineDays: 8,
    invoices: [{ number: inv.number, issueDate: inv.issueDate, dueDate: inv.dueDate, dueCents: inv.dueCents }],
    latePenaltyText: doc.latePenaltyText,
    recoveryIndemnityText: doc.buyer.isBusiness ? doc.recoveryIndemnityText : null,
  });
  await salesDb(trx)
    .insertInto('sales_reminder')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      invoice_id: invoiceId,
      step: `mise-en-demeure-${today}`,
      offset_days: daysBetween(inv.dueDate, today),
      kind: 'notice',
      sent_on: today,
      mail_id: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'invoice_id', 'step']).doNothing())
    .execute();
  await audit(trx, actor, {
    action: 'invoice.notice_printed',
    targetType: 'invoice',
    targetId: invoiceId,
    data: { dueCents: inv.dueCents },
  });
  return pdf;
}
void sql;

/**
 * "Relancer" in one action (home page, invoice page): the reminder e-mail of how late the invoice
 * is, sent now, recorded in the history (step `manuel-<date>`: at most one a day; the automatic
 * steps still follow their schedule).
 */
export async function sendReminderNow(
  trx: Tx,
  actor: Actor,
  invoiceId: string,
  today: IsoDate = todayParis(),
): Promise<{ to: string }> {
  authorize(actor, SALES.invoiceSend);
  // getInvoice checks the role and that the invoice is the actor's (an entrepreneur's own).
  const inv = await getInvoice(trx, actor, invoiceId, today);
  if (!inv) throw new NotFoundError('Facture');
  if (inv.typeCode === '381' || !['validated', 'sent', 'partly_paid'].includes(inv.status) || inv.dueCents <= 0)
    throw new UserError('Cette facture ne demande rien à votre client : aucune relance à envoyer.');
  if (!inv.dueDate || inv.dueDate >= today) throw new UserError("Cette facture n'est pas encore échue.");
  const customer = await getCustomer(trx, actor, inv.customerId);
  if (!customer?.email)
    throw new UserError("Votre client n'a pas d'adresse e-mail : ajoutez-la sur sa fiche, puis relancez.", 'email');
  const step = `manuel-${today}`;
  const offset = daysBetween(inv.dueDate, today);
  const inserted = await salesDb(trx)
    .insertInto('sales_reminder')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      invoice_id: invoiceId,
      step,
      offset_days: offset,
      kind: 'email',
      sent_on: today,
      mail_id: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'invoice_id', 'step']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new UserError("Une relance est déjà partie aujourd'hui pour cette facture.");
  const doc = await loadInvoiceDocument(trx, actor, invoiceId);
  const m = reminderMail({
    number: inv.number!,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    dueCents: inv.dueCents,
    offset,
    tradingName: doc.seller.tradingName,
    sellerName: doc.seller.name,
    contactName: doc.seller.contactName,
    iban: doc.payment.iban,
  });
  const mailId = await enqueueMail(trx, {
    to: customer.email,
    subject: m.subject,
    text: m.text,
    html: m.html,
    cooperativeId: actor.cooperativeId,
    dedupeKey: `sales-reminder:${invoiceId}:${step}`,
  });
  await salesDb(trx)
    .updateTable('sales_reminder')
    .set({ mail_id: mailId })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', inserted.id)
    .execute();
  await audit(trx, actor, {
    action: 'invoice.reminder_sent',
    targetType: 'invoice',
    targetId: invoiceId,
    data: { step, to: customer.email },
  });
  return { to: customer.email };
}
