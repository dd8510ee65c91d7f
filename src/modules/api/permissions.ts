// The API module's actions in the authorization matrix (docs/authorization.md). A personal token
// acts as its user, an application token with the role fixed at its creation: what that role
// allows, narrowed by the token's scopes (scopes.ts).
import { definePermissions, type Grants } from '../../core/authz.ts';

const EVERYONE: Grants = {
  entrepreneur: 'own',
  cape: 'own',
  support: 'own',
  accountant: 'own',
  director: 'own',
  network_admin: 'own',
};

export const API = definePermissions('api', {
  tokens: { label: 'Créer, lister et révoquer ses propres jetons d’API', grants: EVERYONE },
  applications: {
    label: 'Créer, lister et révoquer les jetons d’application de la coopérative',
    grants: { director: 'all' },
  },
  webhooks: {
    label: 'Gérer les webhooks de la coopérative (abonnements, journal, rejouer)',
    grants: { director: 'all', network_admin: 'all' },
  },
});
