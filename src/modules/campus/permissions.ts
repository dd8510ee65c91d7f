// The campus's actions in the authorization matrix (docs/authorization.md). `own` means: one's
// own question (accepting an answer, editing), one's own answer (editing).
import { definePermissions, EVERY_MEMBER, type Grants } from '../../core/authz.ts';

const EVERYONE = EVERY_MEMBER;
const MODERATORS: Grants = { support: 'all', director: 'all', network_admin: 'all' };

export const CAMPUS = definePermissions('campus', {
  read: { label: 'Lire les questions et réponses du campus (sa coopérative et le réseau)', grants: EVERYONE },
  ask: { label: 'Poser une question sur le campus', grants: EVERYONE },
  answer: { label: 'Répondre à une question du campus', grants: EVERYONE },
  vote: { label: 'Voter pour une question ou une réponse utile', grants: EVERYONE },
  edit: {
    label: 'Modifier une question ou une réponse (la sienne ; l’historique est gardé)',
    grants: { entrepreneur: 'own', cape: 'own', accountant: 'own', ...MODERATORS },
  },
  accept: {
    label: 'Accepter une réponse à sa question',
    grants: {
      entrepreneur: 'own',
      cape: 'own',
      accountant: 'own',
      support: 'own',
      director: 'own',
      network_admin: 'own',
    },
  },
  moderate: { label: 'Masquer ou rétablir une question ou une réponse du campus', grants: MODERATORS },
  import: { label: 'Importer des questions d’un ancien forum', grants: { director: 'all', network_admin: 'all' } },
  expertise: { label: 'Déclarer ses domaines d’expertise (personne ressource)', grants: EVERYONE },
  comment: { label: 'Commenter une question ou une réponse du campus', grants: EVERYONE },
  follow: { label: 'Suivre une question du campus (réponses et mentions dans « À faire »)', grants: EVERYONE },
  report: { label: 'Signaler un message du campus à la modération', grants: EVERYONE },
  attach: {
    label: 'Joindre un fichier à sa question du campus',
    grants: { entrepreneur: 'own', cape: 'own', accountant: 'own', ...MODERATORS },
  },
  moderateNetwork: {
    label: 'Modérer les messages partagés avec le réseau par les autres coopératives du réseau',
    grants: { network_admin: 'all' },
  },
});
