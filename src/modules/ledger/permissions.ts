// Ledger actions in the authorization matrix (docs/authorization.md). Closing a period and
// posting manual entries are the accountant's and the director's. The automatic postings
// (invoices, payments, purchases) follow the action of the module that triggers them, which
// authorizes its actor itself.
import { definePermissions, type Grants } from '../../core/authz.ts';

const ACCOUNTING: Grants = { accountant: 'all', director: 'all' };

export const LEDGER = definePermissions('ledger', {
  periodClose: { label: 'Clôturer une période comptable', grants: ACCOUNTING },
  yearClose: { label: 'Clôturer un exercice et reporter les soldes (à-nouveaux)', grants: ACCOUNTING },
  manualEntry: { label: 'Passer une écriture manuelle (opérations diverses)', grants: ACCOUNTING },
  entriesImport: {
    label: "Importer les écritures d'un logiciel comptable (FEC, CSV)",
    grants: ACCOUNTING,
  },
  entryReverse: { label: 'Extourner une écriture', grants: ACCOUNTING },
  reportsRead: {
    label: 'Consulter et exporter la comptabilité (balance, grand livre, journaux, TVA, balance âgée, FEC)',
    grants: ACCOUNTING,
  },
  activityAccountRead: {
    label: "Voir un compte d'activité (l'entrepreneur : celui de ses activités)",
    grants: { entrepreneur: 'own', cape: 'own', support: 'all', accountant: 'all', director: 'all' },
  },
  lettering: { label: 'Lettrer et délettrer des comptes de tiers', grants: ACCOUNTING },
  chartManage: { label: 'Gérer le plan comptable', grants: ACCOUNTING },
  contributionManage: {
    label: 'Régler, simuler et passer la contribution coopérative',
    grants: ACCOUNTING,
  },
  salaryRequest: { label: 'Demander un salaire sur son activité', grants: { entrepreneur: 'own', cape: 'own' } },
  salaryDecide: { label: 'Accepter ou refuser une demande de salaire', grants: { support: 'all', director: 'all' } },
  salaryPay: { label: 'Payer les salaires et les passer en comptabilité', grants: ACCOUNTING },
  payrollSettings: {
    label: 'Régler les paramètres de paie de la coopérative (effectif, versement mobilité, AT/MP, mutuelle)',
    grants: { director: 'all' },
  },
  absenceRecord: {
    label: 'Enregistrer et retirer les absences des salarié·es (variables de paie)',
    grants: { support: 'all', accountant: 'all', director: 'all' },
  },
  payrollVariables: {
    label: 'Préparer les variables de paie du mois',
    grants: { support: 'all', accountant: 'all', director: 'all' },
  },
});
