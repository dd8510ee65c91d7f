// Sales in the inbox: what to do with invoices (submit drafts, send validated ones, remind late
// payers; support validates, direction watches receivables), self-validation through the
// automatic checks (registered in invoice-checks.ts and quote-checks.ts), and the notification
// sent when an invoice is validated. Reads sales through its index.ts only.
import type { Tx } from '../../core/db/tenant.ts';
import { hasRole, type Actor } from '../../core/actor.ts';
import { addDays, daysBetween, formatDate, toIsoDate, todayParis, type IsoDate } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import { onEvent } from '../../core/events.ts';
import { listActivities, activityOwnerIds } from '../directory/index.ts';
import {
  registerInboxProvider,
  registerDeadlineSource,
  runChecks,
  runChecksMany,
  notify,
  type InboxItem,
} from '../inbox/index.ts';
import {
  listInvoices,
  invoicesDue,
  getInvoice,
  SALES_EVENTS,
  submitInvoice,
  validateInvoice,
  type Invoice,
  type InvoiceValidated,
} from './index.ts';
// Not part of the module's public face: only this file plugs the checks into validation.
import { setSelfValidationGuard } from './invoice.service.ts';
import { authorize } from '../../core/authz.ts';
import { SALES } from './permissions.ts';
// The checks on invoices and quotes (the inbox's registry), each in a file of its own.
import './invoice-checks.ts';
import './quote-checks.ts';
import { salesDb } from './db.ts';
import { customerEmails } from './customer.service.ts';

const ALL = 10000;
/** A sent quote expiring within this many days shows in the inbox. */
export const QUOTE_WARNING_DAYS = 7;

async function ownInvoices(
  trx: Tx,
  actor: Actor,
  status: 'draft' | 'validated' | 'overdue',
  today: IsoDate,
): Promise<Invoice[]> {
  if (!actor.userId) return [];
  const acts = await listActivities(trx, actor, { ownedBy: actor.userId });
  const out: Invoice[] = [];
  for (const a of acts)
    out.push(...(await listInvoices(trx, actor, { status, activityId: a.id, pageSize: ALL, today })).items);
  return out;
}

registerInboxProvider({
  name: 'sales',
  async items(trx, actor, today) {
    const items: InboxItem[] = [];
    if (hasRole(actor, 'entrepreneur', 'cape')) {
      const draftInvoices = await ownInvoices(trx, actor, 'draft', today);
      // The automatic checks run before submission: the entrepreneur sees the warnings first.
      const invoiceFindings = await runChecksMany(
        trx,
        actor,
        'invoice',
        draftInvoices.map((i) => i.id),
      );
      for (const i of draftInvoices) {
        const findings = invoiceFindings.get(i.id) ?? [];
        items.push({
          key: `sales.invoice.submit:${i.id}`,
          kind: 'sales.invoice.submit',
          urgency: daysBetween(i.issueDate, today) > 7 ? 'high' : 'medium',
          dueDate: null,
          title: `Soumettez ${i.typeCode === '381' ? "l'avoir" : 'la facture'} pour ${i.customerName} (${formatEuros(i.totalInclCents)})`,
          why: findings.length
            ? `Avant de soumettre, vérifiez : ${findings.map((f) => f.message).join(' ')}`
            : "Un brouillon n'est pas encore une facture : votre client ne pourra la payer qu'une fois validée.",
          action: { label: 'Soumettre', href: `/factures/${i.id}/soumettre`, method: 'post' },
          link: `/factures/${i.id}`,
        });
      }
      const validated = await ownInvoices(trx, actor, 'validated', today);
      const validatedEmails = await customerEmails(
        trx,
        actor,
        validated.map((i) => i.customerId),
      );
      for (const i of validated) {
        if (i.typeCode === '381') continue;
        // With the customer's e-mail, one click sends it (sales' e-mail sending); otherwise the
        // entrepreneur sends the PDF themselves and says so.
        const email = validatedEmails.get(i.customerId);
        items.push({
          key: `sales.invoice.send:${i.id}`,
          kind: 'sales.invoice.send',
          urgency: 'high',
          dueDate: i.dueDate,
          title: `Envoyez la facture ${i.number} à ${i.customerName}`,
          why: email
            ? `Elle est validée. Votre client ne la paiera qu'après l'avoir reçue : elle partira par e-mail à ${email}, avec le PDF.`
            : `Elle est validée. Votre client ne la paiera qu'après l'avoir reçue : téléchargez le PDF et envoyez-le, puis dites-le ici.`,
          action: email
            ? { label: 'Envoyer par e-mail', href: `/factures/${i.id}/envoyer`, method: 'post' }
            : { label: "C'est envoyé", href: `/a-faire/factures/${i.id}/envoyee`, method: 'post' },
          link: `/factures/${i.id}/pdf`,
        });
      }
      // Quotes sent and about to expire (read-only query: quotes are not in sales' index yet).
      const acts = (await listActivities(trx, actor, { ownedBy: actor.userId! })).map((a) => a.id);
      const quotes = acts.length
        ? await salesDb(trx)
            .selectFrom('quote')
            .innerJoin('customer', (j) =>
              j
                .onRef('customer.cooperative_id', '=', 'quote.cooperative_id')
                .onRef('customer.id', '=', 'quote.customer_id'),
            )
            .select(['quote.id', 'quote.number', 'quote.validity_date', 'quote.total_incl_cents', 'customer.name'])
            .where('quote.cooperative_id', '=', actor.cooperativeId)
            .where('quote.activity_id', 'in', acts)
            .where('quote.status', '=', 'sent')
            .where('quote.validity_date', '>=', today)
            .where('quote.validity_date', '<=', addDays(today, QUOTE_WARNING_DAYS))
            .execute()
        : [];
      for (const q of quotes) {
        const until = toIsoDate(q.validity_date);
        items.push({
          key: `sales.quote.expiring:${q.id}`,
          kind: 'sales.quote.expiring',
          urgency: 'medium',
          dueDate: until,
          title: `Relancez ${q.name} : le devis ${q.number} (${formatEuros(Number(q.total_incl_cents))}) expire le ${formatDate(until)}`,
          why: "Un devis sans réponse se perd souvent : un petit message avant l'échéance aide votre client à se décider.",
          action: { label: 'Voir le devis', href: `/devis/${q.id}` },
          link: `/devis/${q.id}`,
        });
      }
      // Draft quotes the automatic checks flag: shown before they are sent, only when something is wrong.
      const drafts = acts.length
        ? await salesDb(trx)
            .selectFrom('quote')
            .innerJoin('customer', (j) =>
              j
                .onRef('customer.cooperative_id', '=', 'quote.cooperative_id')
                .onRef('customer.id', '=', 'quote.customer_id'),
            )
            .select(['quote.id', 'quote.total_incl_cents', 'customer.name'])
            .where('quote.cooperative_id', '=', actor.cooperativeId)
            .where('quote.activity_id', 'in', acts)
            .where('quote.status', '=', 'draft')
            .orderBy('quote.issue_date')
            .limit(50)
            .execute()
        : [];
      const quoteFindings = await runChecksMany(
        trx,
        actor,
        'quote',
        drafts.map((q) => q.id),
      );
      for (const q of drafts) {
        const findings = quoteFindings.get(q.id) ?? [];
        if (!findings.length) continue;
        items.push({
          key: `sales.quote.check:${q.id}`,
          kind: 'sales.quote.check',
          urgency: findings.some((f) => f.severity === 'blocking') ? 'high' : 'medium',
          dueDate: null,
          title: `Vérifiez le devis pour ${q.name} (${formatEuros(Number(q.total_incl_cents))}) avant de l'envoyer`,
          why: findings.map((f) => f.message).join(' '),
          action: { label: 'Voir le devis', href: `/devis/${q.id}` },
          link: `/devis/${q.id}`,
        });
      }
      const overdue = await ownInvoices(trx, actor, 'overdue', today);
      const overdueEmails = await customerEmails(
        trx,
        actor,
        overdue.map((i) => i.customerId),
      );
      for (const i of overdue) {
        if (i.dueCents <= 0 || !i.dueDate) continue;
        const late = daysBetween(i.dueDate, today);
        items.push({
          key: `sales.invoice.remind:${i.id}`,
          kind: 'sales.invoice.remind',
          urgency: 'high',
          dueDate: i.dueDate,
          title: `Relancez ${i.customerName} : facture ${i.number} en retard de ${late} jour${late > 1 ? 's' : ''}`,
          why: `Il reste ${formatEuros(i.dueCents)} à payer depuis le ${formatDate(i.dueDate)}. Un rappel aimable dans les premiers jours suffit souvent.`,
          // One action: the reminder e-mail, sent now (a customer without an e-mail: the invoice page says why).
          action: overdueEmails.get(i.customerId)
            ? { label: 'Relancer', href: `/factures/${i.id}/relancer`, method: 'post' }
            : { label: 'Voir la facture', href: `/factures/${i.id}` },
          link: `/factures/${i.id}`,
        });
      }
    }
    if (hasRole(actor, 'support', 'director')) {
      for (const i of (await listInvoices(trx, actor, { status: 'to_validate', pageSize: ALL, today })).items) {
        const since = i.submittedAt ? todayParis(new Date(i.submittedAt)) : today;
        items.push({
          key: `sales.invoice.validate:${i.id}`,
          kind: 'sales.invoice.validate',
          urgency: since < addDays(today, -2) ? 'high' : 'medium',
          dueDate: null,
          title: `Validez ${i.typeCode === '381' ? "l'avoir" : 'la facture'} pour ${i.customerName} (${formatEuros(i.totalInclCents)})`,
          why: "L'entrepreneur·e attend la validation pour l'envoyer à son client.",
          action: { label: 'Ouvrir la file de validation', href: '/validation' },
          link: `/factures/${i.id}`,
        });
      }
    }
    if (hasRole(actor, 'director', 'accountant')) {
      const late = await invoicesDue(trx, actor, { status: 'overdue', today });
      if (late.count) {
        const total = late.dueCents;
        items.push({
          key: 'sales.receivables.overdue',
          kind: 'sales.receivables.overdue',
          urgency: 'medium',
          dueDate: null,
          title: `${late.count} facture${late.count > 1 ? 's' : ''} en retard de paiement (${formatEuros(total)})`,
          why: 'Ces sommes manquent à la trésorerie des activités : vérifiez que les relances sont faites.',
          action: { label: 'Voir les factures en retard', href: '/factures?status=overdue' },
          link: null,
        });
      }
    }
    return items;
  },
});

// --- calendar: when customers should pay ----------------------------------------------------
registerDeadlineSource({
  name: 'sales',
  async deadlines(trx, actor, from, to) {
    if (!hasRole(actor, 'entrepreneur', 'cape') || !actor.userId) return [];
    const acts = await listActivities(trx, actor, { ownedBy: actor.userId });
    const out = [];
    for (const a of acts) {
      for (const i of (await listInvoices(trx, actor, { status: 'issued', activityId: a.id, pageSize: ALL })).items) {
        if (!i.dueDate || i.typeCode === '381' || i.dueDate < from || i.dueDate > to) continue;
        out.push({
          uid: `sales.due:${i.id}`,
          date: i.dueDate,
          kind: 'sales',
          title: `Échéance de la facture ${i.number} (${i.customerName}, ${formatEuros(i.dueCents)})`,
          href: `/factures/${i.id}`,
        });
      }
    }
    return out;
  },
});

// --- self-validation ---------------------------------------------------------------------
/**
 * An entrepreneur's "Valider la facture" / "Valider et envoyer" (under their self-validation
 * threshold) runs the same automatic checks as support's validation queue: if any check raises
 * something (a probable duplicate, an unusual amount…), the invoice goes to support's queue
 * (submitted) instead of being validated, and `held` says why, in French. Validators (support,
 * accountant, director) validate directly: they see the findings in their queue.
 */
// Every validation by an entrepreneur runs the checks, not only the page's button.
setSelfValidationGuard(async (trx, actor, id) =>
  (await runChecks(trx as unknown as Parameters<typeof runChecks>[0], actor, 'invoice', id)).map((f) => f.message),
);

export async function selfValidateInvoice(
  trx: Tx,
  actor: Actor,
  id: string,
): Promise<{ invoice: Invoice; held: string[] }> {
  authorize(actor, SALES.invoiceValidate);
  if (!hasRole(actor, 'support', 'accountant', 'director')) {
    const findings = await runChecks(trx as unknown as Parameters<typeof runChecks>[0], actor, 'invoice', id);
    if (findings.length) {
      const inv = await getInvoice(trx, actor, id);
      const invoice = inv?.status === 'submitted' ? inv : await submitInvoice(trx, actor, id);
      return { invoice, held: findings.map((f) => f.message) };
    }
  }
  return { invoice: await validateInvoice(trx, actor, id), held: [] };
}

/** The French message for an invoice held for support by the automatic checks. */
export const heldMessage = (held: string[]) =>
  `Facture transmise à l'équipe d'accompagnement pour validation, car un contrôle automatique l'a signalée : ${held.join(' ')}`;

// --- notifications ------------------------------------------------------------------------
onEvent<InvoiceValidated>(SALES_EVENTS.invoiceValidated, async (tx, actor, p) => {
  for (const userId of await activityOwnerIds(tx, actor.cooperativeId, p.activityId)) {
    if (userId === actor.userId) continue;
    await notify(
      tx,
      actor,
      userId,
      'sales.invoice.validated',
      `Votre facture ${p.number} pour ${p.customerName} (${formatEuros(p.totalInclCents)}) est validée : vous pouvez l'envoyer.`,
    );
  }
});
