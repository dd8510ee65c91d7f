// Electronic signature in the authorization matrix (docs/authorization.md). Support and the
// direction prepare contracts for the people of their cooperative and follow them; each person
// signs only what is addressed to them (`own`, whatever their role: a director signs their own
// associate application too).
import { definePermissions } from '../../core/authz.ts';

const PREPARERS = { support: 'all', director: 'all' } as const;
const EVERYONE_OWN = {
  entrepreneur: 'own',
  cape: 'own',
  support: 'own',
  accountant: 'own',
  director: 'own',
  network_admin: 'own',
} as const;

export const SIGNATURES = definePermissions('signatures', {
  requestPrepare: {
    label: 'Préparer un contrat à signer (CAPE, CESA, avenant, candidature au sociétariat) pour une personne',
    grants: PREPARERS,
  },
  requestManage: {
    label: 'Suivre les demandes de signature, les annuler ou relancer la personne',
    grants: PREPARERS,
  },
  documentRead: {
    label: 'Lire un contrat à signer ou signé, et son dossier de preuve (les siens ; l’équipe : tous)',
    grants: { ...EVERYONE_OWN, support: 'all', director: 'all' },
  },
  sign: {
    label: 'Signer électroniquement un contrat qui vous est adressé (code reçu par e-mail)',
    grants: EVERYONE_OWN,
  },
});
