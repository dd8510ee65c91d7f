// The e-invoicing module's actions in the authorization matrix (docs/authorization.md).
// `own` for entrepreneurs: the e-invoicing state of the invoices of their own activities.
import { definePermissions } from '../../core/authz.ts';

export const EINVOICING = definePermissions('einvoicing', {
  read: {
    label: 'Voir l’état de transmission et le cycle de vie des factures électroniques',
    grants: { entrepreneur: 'own', cape: 'own', support: 'all', accountant: 'all', director: 'all' },
  },
  configure: {
    label: 'Choisir et configurer la plateforme agréée de la coopérative (adresse, jeton, format)',
    grants: { director: 'all' },
  },
  operate: {
    label: 'Relancer une transmission, affecter une facture fournisseur reçue, envoyer l’e-reporting',
    grants: { accountant: 'all', director: 'all' },
  },
  report: {
    label: 'Voir et exporter l’e-reporting (ventes B2C et internationales)',
    grants: { support: 'all', accountant: 'all', director: 'all' },
  },
});
