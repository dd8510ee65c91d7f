// Sales actions in the authorization matrix (docs/authorization.md). An entrepreneur (or a CAPE
// holder) reads, drafts, submits and self-validates (under their threshold) the invoices of their
// own activities; the service checks the ownership of each invoice. Recording a payment and
// issuing a credit note move money and the ledger: staff only.
import { definePermissions, OWNERS_AND_STAFF, type Grants } from '../../core/authz.ts';

const STAFF: Grants = { support: 'all', accountant: 'all', director: 'all' };

export const SALES = definePermissions('sales', {
  invoiceRead: { label: 'Voir les factures et leurs documents', grants: OWNERS_AND_STAFF },
  invoiceDraft: { label: 'Créer, modifier et soumettre une facture brouillon', grants: OWNERS_AND_STAFF },
  invoiceValidate: {
    label: "Valider une facture (l'entrepreneur : sous son seuil d'autovalidation, après les contrôles)",
    grants: OWNERS_AND_STAFF,
  },
  invoiceSend: { label: 'Marquer une facture comme envoyée', grants: OWNERS_AND_STAFF },
  creditNote: { label: 'Émettre un avoir', grants: STAFF },
  invoiceImport: {
    label: "Reprendre l'historique d'un autre logiciel : factures et avoirs déjà émis, avec leur numéro",
    grants: { accountant: 'all', director: 'all' },
  },
  paymentRecord: { label: 'Enregistrer un paiement et le passer en comptabilité', grants: STAFF },
  quoteRead: { label: 'Voir les devis et leur PDF', grants: OWNERS_AND_STAFF },
  quoteDraft: {
    label: 'Créer, modifier, envoyer un devis, en noter l’acceptation ou le refus',
    grants: OWNERS_AND_STAFF,
  },
  // One customer file for the whole cooperative (one company invoices them all): every member reads it.
  customerRead: {
    label: 'Voir les clients de la coopérative',
    grants: { ...OWNERS_AND_STAFF, entrepreneur: 'all', cape: 'all' },
  },
  customerWrite: {
    label: "Créer, importer, modifier un client (l'entrepreneur : ceux qu'il a créés ou à qui il a facturé)",
    grants: OWNERS_AND_STAFF,
  },
  catalogueRead: { label: 'Voir le catalogue des activités', grants: OWNERS_AND_STAFF },
  catalogueWrite: { label: 'Ajouter ou retirer un article du catalogue', grants: OWNERS_AND_STAFF },
  reminderSettings: { label: 'Régler le calendrier des relances de la coopérative', grants: { director: 'all' } },
});
