// Which domain events become which webhooks (registered when the module loads), and the inbox
// item of a subscription disabled after repeated failures.
import { hasRole } from '../../core/actor.ts';
import { onEvent } from '../../core/events.ts';
import { registerInboxProvider } from '../inbox/index.ts';
import {
  PURCHASES_EVENTS,
  type ExpenseReportReimbursed,
  type ExpenseReportValidated,
  type SupplierInvoiceApproved,
  type SupplierInvoicePaid,
} from '../purchases/index.ts';
import { EINVOICING_EVENTS, type EInvoiceStatusChanged } from '../einvoicing/index.ts';
import {
  SALES_EVENTS,
  type InvoicePaid,
  type InvoiceValidated,
  type PaymentRecorded,
  type QuoteAccepted,
  type QuoteInvoiced,
  type QuoteRefused,
  type QuoteSent,
} from '../sales/index.ts';
import { autoDisabledSubscriptions, enqueueEvent, enqueueEvents } from './webhooks.service.ts';

onEvent<InvoiceValidated>(SALES_EVENTS.invoiceValidated, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'invoice.validated', p).then(() => undefined),
);
onEvent<InvoiceValidated>(SALES_EVENTS.creditNoteValidated, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'credit_note.validated', p).then(() => undefined),
);
onEvent<PaymentRecorded>(
  SALES_EVENTS.paymentRecorded,
  (tx, actor, p) => enqueueEvent(tx, actor, 'payment.recorded', p).then(() => undefined),
  (tx, actor, ps) => enqueueEvents(tx, actor, 'payment.recorded', ps).then(() => undefined),
);
// Emitted right after the payment that settles the invoice, with what the webhook tells.
const invoicePaidData = (p: InvoicePaid) => ({
  invoiceId: p.invoiceId,
  number: p.invoiceNumber,
  customerId: p.customerId,
  activityId: p.activityId,
  totalInclCents: p.totalInclCents,
  paidCents: p.paidCents,
  date: p.date,
});
onEvent<InvoicePaid>(
  SALES_EVENTS.invoicePaid,
  (tx, actor, p) => enqueueEvent(tx, actor, 'invoice.paid', invoicePaidData(p)).then(() => undefined),
  (tx, actor, ps) => enqueueEvents(tx, actor, 'invoice.paid', ps.map(invoicePaidData)).then(() => undefined),
);
// Quotes: the payload as the sales module gives it (ids, number, customer, totals in cents, date).
onEvent<QuoteSent>(SALES_EVENTS.quoteSent, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'quote.sent', p).then(() => undefined),
);
onEvent<QuoteAccepted>(SALES_EVENTS.quoteAccepted, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'quote.accepted', p).then(() => undefined),
);
onEvent<QuoteRefused>(SALES_EVENTS.quoteRefused, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'quote.refused', p).then(() => undefined),
);
onEvent<QuoteInvoiced>(SALES_EVENTS.quoteInvoiced, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'quote.invoiced', p).then(() => undefined),
);
onEvent<SupplierInvoiceApproved>(PURCHASES_EVENTS.supplierInvoiceApproved, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'supplier_invoice.approved', p).then(() => undefined),
);
onEvent<SupplierInvoicePaid>(PURCHASES_EVENTS.supplierInvoicePaid, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'supplier_invoice.paid', p).then(() => undefined),
);
onEvent<ExpenseReportValidated>(PURCHASES_EVENTS.expenseReportValidated, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'expense_report.approved', p).then(() => undefined),
);
onEvent<ExpenseReportReimbursed>(PURCHASES_EVENTS.expenseReportReimbursed, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'expense_report.reimbursed', p).then(() => undefined),
);
onEvent<EInvoiceStatusChanged>(EINVOICING_EVENTS.statusChanged, (tx, actor, p) =>
  enqueueEvent(tx, actor, 'e_invoice.status_changed', p).then(() => undefined),
);

registerInboxProvider({
  name: 'api',
  async items(trx, actor) {
    if (!hasRole(actor, 'director', 'network_admin')) return [];
    return (await autoDisabledSubscriptions(trx, actor)).map((s) => ({
      key: `api.webhook.disabled:${s.id}`,
      kind: 'api.webhook.disabled',
      title: `Webhook désactivé : ${s.url}`,
      why: `${s.disabledReason ?? ''} Le logiciel connecté ne reçoit plus les événements ; corrigez l’adresse puis réactivez-le.`,
      dueDate: null,
      urgency: 'high' as const,
      action: { label: 'Voir le webhook', href: `/webhooks/${s.id}` },
      link: `/webhooks/${s.id}`,
    }));
  },
});
