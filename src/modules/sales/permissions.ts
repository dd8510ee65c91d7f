// Sales actions in the authorization matrix (docs/authorization.md). An entrepreneur (or a CAPE
// holder) reads, drafts, submits and self-validates (under their threshold) the invoices of their
// own activities; the service checks the ownership of each invoice. Recording a payment and
// issuing a credit note move money and the ledger: staff only.
import { definePermissions, type Grants } from '../../core/authz.ts';

const OWNERS_AND_STAFF: Grants = {
  entrepreneur: 'own',
  cape: 'own',
  support: 'all',
  accountant: 'all',
  director: 'all',
};
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
});
