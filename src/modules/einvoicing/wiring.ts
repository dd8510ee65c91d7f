// What the module registers when it loads: the sales events it listens to (an invoice validated
// is queued for the platform or kept for e-reporting; a payment recorded, also when the bank
// module matches a transfer, becomes « encaissée »), purchases' approvals and payments of
// received invoices (buyer statuses), the panel of the invoice page, and the inbox
// items (refused or disputed invoices for their entrepreneur with the platform's reason; failed
// transmissions and received invoices to assign for accountants).
import { hasRole } from '../../core/actor.ts';
import { can } from '../../core/authz.ts';
import { onEvent } from '../../core/events.ts';
import { requestJob } from '../../core/jobs.ts';
import { formatEuros } from '../../core/money.ts';
import { registerInboxProvider, type InboxItem } from '../inbox/index.ts';
import { registerInvoicePanel, SALES_EVENTS, type InvoiceValidated, type PaymentRecorded } from '../sales/index.ts';
import {
  PURCHASES_EVENTS,
  type SupplierInvoiceApproved,
  type SupplierInvoicePaid,
  type SupplierInvoiceRefused,
} from '../purchases/index.ts';
import {
  recordSupplierInvoiceApproved,
  recordSupplierInvoicePaid,
  recordSupplierInvoiceRefused,
} from './buyer-status.service.ts';
import { EINVOICING } from './permissions.ts';
import {
  invoiceEInvoicing,
  listTransmissions,
  recordPaymentReceived,
  recordPaymentsReceived,
  recordValidated,
} from './transmission.service.ts';
import { listIncoming } from './incoming.service.ts';
import { InvoiceEInvoicingPanel } from './views/invoice-panel.tsx';

async function validated(...a: Parameters<typeof recordValidated>) {
  await recordValidated(...a);
  // A nudge: the minute schedule sends it anyway if this job runs before the commit.
  await requestJob('einvoicing-send-now', {});
}
onEvent<InvoiceValidated>(SALES_EVENTS.invoiceValidated, validated);
onEvent<InvoiceValidated>(SALES_EVENTS.creditNoteValidated, validated);
onEvent<PaymentRecorded>(
  SALES_EVENTS.paymentRecorded,
  (tx, actor, p) => recordPaymentReceived(tx, actor, p),
  recordPaymentsReceived,
);
// As the buyer: received invoices approved, refused, disputed or paid in purchases are reported to the platform.
onEvent<SupplierInvoiceApproved>(PURCHASES_EVENTS.supplierInvoiceApproved, recordSupplierInvoiceApproved);
onEvent<SupplierInvoicePaid>(PURCHASES_EVENTS.supplierInvoicePaid, recordSupplierInvoicePaid);
onEvent<SupplierInvoiceRefused>(PURCHASES_EVENTS.supplierInvoiceRefused, recordSupplierInvoiceRefused);
onEvent<SupplierInvoiceRefused>(PURCHASES_EVENTS.supplierInvoiceDisputed, recordSupplierInvoiceRefused);

registerInvoicePanel('einvoicing', async (tx, actor, inv, csrf) => {
  if (!inv.number || !can(actor, EINVOICING.read)) return null;
  const e = await invoiceEInvoicing(tx, actor, inv.id);
  if (!e) return null;
  return InvoiceEInvoicingPanel({ data: e, csrf, mayRetry: can(actor, EINVOICING.operate) });
});

registerInboxProvider({
  name: 'einvoicing',
  async items(trx, actor) {
    if (!can(actor, EINVOICING.read)) return [];
    const items: InboxItem[] = [];
    for (const t of await listTransmissions(trx, actor, { attention: true, limit: 50 })) {
      if (t.status === 'refused' || t.status === 'disputed') {
        const what = t.typeCode === '381' ? 'L’avoir' : 'La facture';
        items.push({
          key: `einvoicing.${t.status}:${t.invoiceId}`,
          kind: `einvoicing.${t.status}`,
          urgency: 'high',
          dueDate: null,
          title: `${what} ${t.number} (${t.customerName}) est ${t.status === 'refused' ? 'refusée' : 'en litige'} par le client`,
          why: `Motif donné par la plateforme : ${t.statusReason ?? 'non précisé'}. Corrigez par un avoir ou contactez le client.`,
          action: { label: 'Voir la facture', href: `/factures/${t.invoiceId}` },
          link: `/factures/${t.invoiceId}`,
        });
      } else if (t.state === 'failed' && hasRole(actor, 'accountant', 'director')) {
        items.push({
          key: `einvoicing.failed:${t.invoiceId}`,
          kind: 'einvoicing.failed',
          urgency: 'high',
          dueDate: null,
          title: `La facture ${t.number} n’a pas pu être transmise à la plateforme`,
          why: `${t.lastError ?? 'Erreur inconnue'}. Vérifiez la configuration de la plateforme puis relancez.`,
          action: { label: 'Voir la facture', href: `/factures/${t.invoiceId}` },
          link: '/facturation-electronique',
        });
      }
    }
    if (can(actor, EINVOICING.operate))
      for (const r of await listIncoming(trx, actor, { pending: true }))
        items.push({
          key: `einvoicing.incoming:${r.id}`,
          kind: 'einvoicing.incoming',
          urgency: 'medium',
          dueDate: null,
          title: `Facture reçue de ${r.supplierName ?? 'fournisseur inconnu'}${r.totalInclCents !== null ? ` (${formatEuros(r.totalInclCents)})` : ''} : à traiter`,
          why: r.problem ?? 'Choisissez l’activité concernée.',
          action: { label: 'Traiter', href: '/facturation-electronique#recues' },
          link: '/facturation-electronique#recues',
        });
    return items;
  },
});
