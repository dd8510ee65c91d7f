// Signature requests and each cooperative's sealing certificate. A request keeps the PDF shown
// to the signer (a stored file, with its SHA-256), the one-time code's hash and counters, and
// once signed the sealed PDF and the evidence file (stored files too). Nothing here is updated
// after signing but the request's own state.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export const SIGNATURE_KINDS = ['cape', 'cesa', 'amendment', 'associate-application'] as const;
export type SignatureKind = (typeof SIGNATURE_KINDS)[number];

export interface SignaturesTables {
  signature_request: {
    cooperative_id: string;
    id: string;
    kind: SignatureKind;
    title: string;
    signer_user_id: string;
    signer_name: string;
    signer_email: string;
    activity_id: string | null;
    activity_name: string | null;
    /** The contract's variable terms (dates, amounts in cents, subject), as typed by the preparer. */
    terms: unknown;
    document_file_id: string;
    document_sha256: string;
    status: 'pending' | 'signed' | 'cancelled';
    provider: string;
    created_by: string;
    preparer_name: string;
    created_at: Generated<Date>;
    expires_at: Date;
    notified_at: Date;
    otp_hash: string | null;
    otp_sent_at: Date | null;
    otp_expires_at: Date | null;
    otp_attempts: Generated<number>;
    /** Codes sent in the current hour (window starting at otp_window_start): the rate limit. */
    otp_sends: Generated<number>;
    otp_window_start: Date | null;
    otp_verified_at: Date | null;
    signed_at: Date | null;
    signed_file_id: string | null;
    evidence_file_id: string | null;
    evidence_sha256: string | null;
    cancelled_at: Date | null;
    cancelled_by: string | null;
  };
  signature_certificate: {
    cooperative_id: string;
    source: 'generated' | 'imported';
    subject: string;
    fingerprint: string;
    not_after: Date;
    /** The P12 and its passphrase, encrypted with the files' key (AES-256-GCM). */
    iv: string;
    auth_tag: string;
    content: Buffer;
    created_at: Generated<Date>;
  };
}

export const signaturesMigrations: SqlMigration[] = [
  {
    name: '2026_12_07_0300_signatures',
    sql: `
create table signature_request (
  cooperative_id uuid not null references cooperative(id), id uuid not null,
  kind text not null check (kind in ('cape', 'cesa', 'amendment', 'associate-application')),
  title text not null, signer_user_id uuid not null references user_account(id),
  signer_name text not null, signer_email text not null,
  activity_id uuid, activity_name text, terms jsonb not null default '{}'::jsonb,
  document_file_id uuid not null, document_sha256 text not null,
  status text not null default 'pending' check (status in ('pending', 'signed', 'cancelled')),
  provider text not null default 'simple',
  created_by uuid not null references user_account(id), preparer_name text not null,
  created_at timestamptz not null default now(), expires_at timestamptz not null, notified_at timestamptz not null,
  otp_hash text, otp_sent_at timestamptz, otp_expires_at timestamptz, otp_attempts int not null default 0,
  otp_sends int not null default 0, otp_window_start timestamptz, otp_verified_at timestamptz,
  signed_at timestamptz, signed_file_id uuid, evidence_file_id uuid, evidence_sha256 text,
  cancelled_at timestamptz, cancelled_by uuid references user_account(id),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, document_file_id) references stored_file(cooperative_id, id),
  foreign key (cooperative_id, signed_file_id) references stored_file(cooperative_id, id),
  foreign key (cooperative_id, evidence_file_id) references stored_file(cooperative_id, id),
  check ((status = 'signed') = (signed_at is not null and signed_file_id is not null and evidence_file_id is not null))
);
create index signature_request_signer on signature_request (cooperative_id, signer_user_id, status);
create table signature_certificate (
  cooperative_id uuid not null references cooperative(id),
  source text not null check (source in ('generated', 'imported')),
  subject text not null, fingerprint text not null, not_after timestamptz not null,
  iv text not null, auth_tag text not null, content bytea not null,
  created_at timestamptz not null default now(),
  primary key (cooperative_id)
);
${tenantPolicySql('signature_request')}
${tenantPolicySql('signature_certificate')}
`,
  },
];
