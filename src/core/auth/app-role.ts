// What the application role (`radieuse_app`, under which every tenant transaction runs) may do
// on the core's identity and audit tables. The migration runner grants it the module tables
// wholesale, then applies this, so a forgotten filter or an injected query in a tenant
// transaction can neither rewrite history nor read a password hash, a TOTP secret or a session.
// Sign-in, sessions and the mail sender run outside tenant transactions, as the owner.
// A cooperative's data keys (core/file-keys.ts) are created and re-wrapped, never deleted: a
// lost data key is every file it encrypts lost.
import { APP_ROLE } from '../db/tenant.ts';

/** Columns of user_account the modules read in tenant transactions (names on pages and mails). */
const USER_COLUMNS = ['id', 'email', 'display_name', 'beginner_mode', 'totp_enabled', 'created_at', 'disabled_at'];

export const APP_ROLE_PRIVILEGES_SQL = `revoke update, delete, truncate on audit_log from ${APP_ROLE};
revoke all on user_account from ${APP_ROLE};
grant select (${USER_COLUMNS.join(', ')}) on user_account to ${APP_ROLE};
revoke all on auth_session, login_attempt, passkey, oidc_identity, oidc_provider from ${APP_ROLE};
revoke delete, truncate on cooperative_data_key from ${APP_ROLE};`;
