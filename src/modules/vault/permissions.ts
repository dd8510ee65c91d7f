// The confidential archive in the authorization matrix. Everyone is a person with an archive of
// their own ('own': the service checks the document is the actor's). Staff reach other people's
// archives only through the permissions below: support and the direction for contracts and
// attestations, the accountant (payroll) for payslips too.
import { definePermissions, type Grants } from '../../core/authz.ts';

const EVERYONE_OWN: Grants = {
  entrepreneur: 'own',
  cape: 'own',
  support: 'own',
  accountant: 'own',
  director: 'own',
  network_admin: 'own',
};

export const VAULT = definePermissions('vault', {
  ownRead: {
    label: 'Consulter et télécharger son coffre-fort (documents, preuves, journal des accès)',
    grants: EVERYONE_OWN,
  },
  ownUpload: {
    label: 'Déposer et supprimer ses propres documents dans son coffre-fort',
    grants: EVERYONE_OWN,
  },
  personRead: {
    label: "Consulter et exporter le coffre-fort d'une personne de la coopérative (accès tracé)",
    grants: { support: 'all', accountant: 'all', director: 'all' },
  },
  deposit: {
    label: "Déposer un contrat, un certificat ou une attestation dans le coffre-fort d'une personne",
    grants: { support: 'all', accountant: 'all', director: 'all' },
  },
  depositPayroll: {
    label: "Déposer un bulletin de paie ou une facture dans le coffre-fort d'une personne",
    grants: { accountant: 'all', director: 'all' },
  },
  settingsManage: {
    label: "Régler l'horodatage et les durées de conservation du coffre-fort",
    grants: { director: 'all' },
  },
  purge: {
    label: 'Effacer le contenu des documents dont la durée de conservation est passée',
    grants: { director: 'all' },
  },
});
