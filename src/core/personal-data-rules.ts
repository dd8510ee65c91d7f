// The core's personal data: the account and what hangs on it, login attempts, mails, the audit
// trail. Account rules apply only when the person leaves their last cooperative (an account is
// shared by every cooperative the person belongs to).
import { sql } from 'kysely';
import type { PersonalDataRules } from './personal-data.ts';

const ERASED = 'Personne effacée';

/** Data of this cooperative about the person, kept or erased with the cooperative's data. */
export const corePersonalData: PersonalDataRules = {
  module: 'core',
  retention: [
    {
      table: 'login_attempt',
      label: 'tentatives de connexion, 1 an (sécurité des accès)',
      expired: sql`at < now() - interval '1 year'`,
      erase: { kind: 'delete' },
    },
    {
      table: 'auth_session',
      label: 'sessions, 3 mois après leur fin',
      expired: sql`coalesce(revoked_at, expires_at) < now() - interval '3 months'`,
      erase: { kind: 'delete' },
    },
    {
      table: 'auth_token',
      label: 'liens à usage unique (invitations, réinitialisations), 3 mois après leur expiration',
      expired: sql`expires_at < now() - interval '3 months'`,
      erase: { kind: 'delete' },
    },
    {
      table: 'mail_outbox',
      label: "e-mails envoyés : contenu effacé après 1 an (l'envoi reste tracé)",
      expired: sql`status = 'sent' and sent_at < now() - interval '1 year' and text_body <> ''`,
      erase: { kind: 'anonymise', set: { text_body: '', html_body: null, attachments: null } },
    },
  ],
  rules: [
    {
      table: 'mail_outbox',
      label: 'e-mails envoyés à la personne',
      match: (p) => sql`lower(to_address) = lower(${p.email})`,
      erase: { kind: 'delete' },
    },
    {
      table: 'audit_log',
      label: "actions de la personne au journal d'audit",
      match: (p) => sql`actor_user_id = ${p.userId}`,
      erase: {
        kind: 'keep',
        reason:
          "journal d'audit chaîné : preuve des opérations (obligation de traçabilité des documents comptables, art. A47 A-1 LPF) ; le modifier romprait la chaîne",
      },
    },
  ],
};

/** The account itself: erased only when the person has no other cooperative. */
export const accountPersonalData: PersonalDataRules = {
  module: 'core',
  rules: [
    {
      table: 'auth_session',
      label: 'sessions',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
      global: true,
    },
    {
      table: 'passkey',
      label: "clés d'accès",
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
      global: true,
    },
    {
      table: 'auth_token',
      label: 'liens de connexion, invitations et réinitialisations',
      match: (p) => sql`user_id = ${p.userId} or lower(email) = lower(${p.email})`,
      erase: { kind: 'delete' },
      global: true,
    },
    {
      table: 'login_attempt',
      label: 'tentatives de connexion',
      match: (p) => sql`lower(email) = lower(${p.email})`,
      erase: { kind: 'delete' },
      global: true,
    },
    {
      table: 'user_account',
      label: 'compte',
      match: (p) => sql`id = ${p.userId}`,
      // The row stays (invoices, entries and the audit log point to it), emptied of the person.
      erase: {
        kind: 'anonymise',
        set: {
          // Unique and required: a per-row address that can never receive mail (.invalid, RFC 2606).
          email: sql`'efface-' || id || '@radieuse.invalid'`,
          display_name: ERASED,
          totp_enabled: false,
          disabled_at: sql`now()`,
          password_hash: null,
          totp_secret: null,
          recovery_codes: null,
        },
      },
      global: true,
    },
  ],
};
