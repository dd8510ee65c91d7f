// The import of a cooperative's history in the authorization matrix (docs/authorization.md):
// it creates activities, people, invoices and payments at once, so only the direction and the
// accountant may run it (each service it calls checks its own right again).
import { definePermissions } from '../../core/authz.ts';

export const MIGRATION = definePermissions('migration', {
  importHistory: {
    label: "Importer l'historique d'une coopérative depuis un autre logiciel (enDI)",
    grants: { accountant: 'all', director: 'all' },
  },
});
