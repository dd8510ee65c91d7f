// The core's tables as Kysely sees them: identity, sessions, audit, mail outbox, files, events.
import type { ColumnType, Generated } from 'kysely';

type Ts = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CoreTables {
  user_account: {
    id: string;
    email: string;
    display_name: string;
    password_hash: string | null;
    totp_secret: string | null;
    totp_enabled: boolean;
    recovery_codes: string[] | null;
    failed_logins: Generated<number>;
    locked_until: Date | null;
    beginner_mode: Generated<boolean>;
    created_at: Generated<Date>;
    disabled_at: Date | null;
    /** The last TOTP time step accepted: an older or equal one is a replay. */
    totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
    totp_failures: Generated<number>;
    totp_locked_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
    /** When the password was last set (null: before this was recorded, or no password). */
    password_changed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  auth_session: {
    id: string;
    token_hash: string;
    user_id: string;
    current_cooperative_id: string | null;
    second_factor_ok: boolean;
    csrf_token: string;
    ip: string | null;
    user_agent: string | null;
    created_at: Generated<Date>;
    last_seen_at: Generated<Date>;
    expires_at: Ts;
    revoked_at: Date | null;
    /** When the person last proved who they are (sign-in, password, passkey or code): security
     *  changes need it recent. */
    reauthenticated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  login_attempt: { id: Generated<number>; email: string; ip: string | null; ok: boolean; at: Generated<Date> };
  passkey: {
    id: string;
    user_id: string;
    credential_id: string;
    public_key: string;
    counter: number;
    transports: string[] | null;
    name: string;
    created_at: Generated<Date>;
    last_used_at: Date | null;
  };
  /** OpenID Connect providers; cooperative_id null = the whole network (core/auth/oidc.ts). */
  oidc_provider: {
    id: string;
    cooperative_id: string | null;
    label: string;
    issuer: string;
    client_id: string;
    /** AES-256-GCM with the file key: `v1.iv.tag.body`. */
    client_secret: string;
    enabled: boolean;
    created_at: Generated<Date>;
  };
  /** An external identity (issuer + subject) linked to an account after a proof on Radieuse. */
  oidc_identity: {
    id: string;
    user_id: string;
    provider_id: string | null;
    issuer: string;
    subject: string;
    email: string | null;
    created_at: Generated<Date>;
    last_used_at: Date | null;
  };
  auth_token: {
    token_hash: string;
    kind: 'reset' | 'invitation' | 'webauthn' | 'unsubscribe' | 'oidc' | 'oidc_link';
    user_id: string | null;
    email: string | null;
    cooperative_id: string | null;
    role: string | null;
    data: unknown | null;
    expires_at: Ts;
    used_at: Date | null;
    created_at: Generated<Date>;
  };
  audit_log: {
    cooperative_id: string;
    seq: number;
    id: string;
    at: Ts;
    actor_user_id: string | null;
    actor_label: string;
    action: string;
    target_type: string | null;
    target_id: string | null;
    ip: string | null;
    data: unknown;
    prev_hash: string;
    hash: string;
  };
  mail_outbox: {
    id: string;
    cooperative_id: string | null;
    to_address: string;
    subject: string;
    text_body: string;
    html_body: string | null;
    attachments: unknown | null;
    status: Generated<'pending' | 'sent' | 'failed'>;
    attempts: Generated<number>;
    last_error: string | null;
    next_attempt_at: Generated<Date>;
    created_at: Generated<Date>;
    sent_at: Date | null;
    message_id: string | null;
    dedupe_key: string | null;
    /** Extra headers (List-Unsubscribe…), only from an allow-list. */
    headers: unknown | null;
  };
  stored_file: {
    cooperative_id: string;
    id: string;
    name: string;
    mime_type: string;
    size: number;
    sha256: string;
    iv: string;
    auth_tag: string;
    content: ColumnType<Buffer, Buffer, Buffer>;
    created_by: string | null;
    created_at: Generated<Date>;
    /** The data key the content is sealed with; null: a file from before, sealed with the master key. */
    data_key_id: string | null;
  };
  /** A cooperative's data keys, each wrapped (AES-256-GCM) by a master key: core/file-keys.ts. */
  cooperative_data_key: {
    cooperative_id: string;
    id: string;
    /** The data key sealed by the master key (base64); never stored in clear. */
    wrapped_key: string;
    iv: string;
    auth_tag: string;
    /** Which master key wrapped it (a fingerprint, never the key). */
    master_fingerprint: string;
    created_at: Generated<Date>;
    /** Set when a newer key takes over new files; a retired key still opens its files. */
    retired_at: Date | null;
  };
  domain_event: {
    id: string;
    cooperative_id: string;
    name: string;
    payload: unknown;
    created_at: Generated<Date>;
    processed_at: Date | null;
  };
}
