// Purchases actions in the authorization matrix (docs/authorization.md). An entrepreneur (or a
// CAPE holder) reads and records the supplier invoices of their own activities, keeps their own
// expense sheets (lines, submission), their own vehicles and mileage trips; the service checks
// the ownership of each object. Approving and paying supplier invoices, validating and
// reimbursing expense sheets move money and the ledger: staff only.
import { definePermissions, OWNERS_AND_STAFF, type Grants } from '../../core/authz.ts';

const STAFF: Grants = { support: 'all', accountant: 'all', director: 'all' };

export const PURCHASES = definePermissions('purchases', {
  supplierInvoiceRead: { label: 'Voir les factures fournisseurs et leurs documents', grants: OWNERS_AND_STAFF },
  supplierInvoiceDraft: {
    label: 'Enregistrer une facture fournisseur et l’envoyer pour approbation',
    grants: OWNERS_AND_STAFF,
  },
  supplierInvoiceApprove: { label: 'Approuver une facture fournisseur (passée en comptabilité)', grants: STAFF },
  supplierInvoiceRefuse: {
    label: 'Refuser une facture fournisseur ou la mettre en litige (avec le motif)',
    grants: STAFF,
  },
  supplierInvoicePay: { label: 'Enregistrer le paiement d’une facture fournisseur', grants: STAFF },
  expenseRead: { label: 'Voir les notes de frais', grants: OWNERS_AND_STAFF },
  expenseLine: { label: 'Ajouter et retirer des dépenses de sa note de frais', grants: OWNERS_AND_STAFF },
  expenseSubmit: { label: 'Envoyer sa note de frais', grants: OWNERS_AND_STAFF },
  mileage: { label: 'Déclarer ses véhicules et ses trajets (indemnités kilométriques)', grants: OWNERS_AND_STAFF },
  expenseValidate: { label: 'Valider ou renvoyer les notes de frais', grants: STAFF },
  supplierImport: {
    label: "Reprendre les fournisseurs de l'historique d'un autre logiciel",
    grants: { accountant: 'all', director: 'all' },
  },
  expenseLimits: {
    label: 'Régler les plafonds des notes de frais par catégorie',
    grants: { director: 'all' },
  },
  expenseReimburse: { label: 'Marquer une note de frais comme remboursée', grants: STAFF },
  // One supplier file for the cooperative: every member reads it; an entrepreneur changes only the
  // suppliers they created (a changed IBAN redirects the cooperative's payments).
  supplierRead: {
    label: 'Voir les fournisseurs de la coopérative',
    grants: { ...OWNERS_AND_STAFF, entrepreneur: 'all', cape: 'all' },
  },
  supplierWrite: {
    label: "Créer ou modifier un fournisseur (l'entrepreneur : ceux qu'il a créés)",
    grants: OWNERS_AND_STAFF,
  },
});
