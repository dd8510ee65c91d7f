// Ledger actions in the authorization matrix (docs/authorization.md). Closing a period and
// posting manual entries are the accountant's and the director's. The automatic postings
// (invoices, payments, purchases) follow the action of the module that triggers them, which
// authorizes its actor itself.
import { definePermissions, type Grants } from '../../core/authz.ts';

const ACCOUNTING: Grants = { accountant: 'all', director: 'all' };

export const LEDGER = definePermissions('ledger', {
  periodClose: { label: 'Clôturer une période comptable', grants: ACCOUNTING },
  manualEntry: { label: 'Passer une écriture manuelle (opérations diverses)', grants: ACCOUNTING },
});
