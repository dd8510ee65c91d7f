// The inbox's actions in the authorization matrix (docs/authorization.md). The to-do list, the
// snoozes, the digest preferences, the beginner mode and the deadlines calendar are each
// person's own: the services take no other person's id, so every member holds them on what is
// theirs (the scope says "toutes" because there is nothing else to reach). Validation by
// exception and its thresholds belong to the staff who validate. Running the automatic checks
// needs no permission of its own: each check reads the document through its owner's services,
// which authorize the actor.
import { definePermissions, EVERY_MEMBER, type Grants } from '../../core/authz.ts';

const EVERYONE = EVERY_MEMBER;
const VALIDATORS: Grants = { support: 'all', accountant: 'all', director: 'all' };

export const INBOX = definePermissions('inbox', {
  todoRead: { label: 'Voir sa liste « À faire », ses chiffres clés et ses premiers pas', grants: EVERYONE },
  todoSnooze: { label: 'Reporter un élément de sa liste « À faire »', grants: EVERYONE },
  validationQueue: { label: 'Voir la file de validation par exception', grants: VALIDATORS },
  validationBatch: { label: 'Valider en lot les documents sans alerte', grants: VALIDATORS },
  validationException: { label: 'Valider malgré les alertes, avec un motif écrit', grants: VALIDATORS },
  thresholdsRead: { label: 'Voir les seuils des contrôles automatiques', grants: VALIDATORS },
  thresholdsSave: { label: 'Régler les seuils des contrôles automatiques', grants: { director: 'all' } },
  digestPreference: { label: 'Choisir quand recevoir ses résumés', grants: EVERYONE },
  beginnerMode: { label: 'Activer ou couper le mode simplifié pour soi', grants: EVERYONE },
  deadlinesRead: { label: 'Voir ses échéances et créer le lien de son agenda', grants: EVERYONE },
});
