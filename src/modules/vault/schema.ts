// The confidential archive (coffre-fort): archived documents of people, the append-only hash
// chain of their contents (one chain per cooperative, one entry per archived file), the access
// log shown to the member, and each cooperative's settings (timestamp authority, retention).
import type { Generated } from 'kysely';
import { tenantPolicySql } from '../../core/db/tenant.ts';
import type { SqlMigration } from '../../core/migrations.ts';

export interface VaultTables {
  archive_document: {
    cooperative_id: string;
    id: string;
    user_id: string;
    kind: string;
    /** For contracts: cape, cesa, amendment, associate-application. */
    contract_kind: string | null;
    title: string;
    document_date: string;
    /** For contracts: the day it ended (retention counts from it); null while it runs. */
    ends_on: string | null;
    file_id: string | null;
    file_name: string;
    mime_type: string;
    size: number;
    sha256: string;
    companion_file_id: string | null;
    companion_name: string | null;
    companion_sha256: string | null;
    source: string;
    /** What it came from (a signature request, an invoice): archived once. */
    source_ref: string | null;
    deposited_by: string | null;
    created_at: Date;
    purged_at: Date | null;
    purge_reason: string | null;
  };
  archive_chain: {
    cooperative_id: string;
    seq: number;
    document_id: string;
    part: string;
    kind: string;
    sha256: string;
    created_at: Date;
    prev_hash: string;
    entry_hash: string;
    tsa_response: Buffer | null;
    tsa_time: Date | null;
    tsa_name: string | null;
    tsa_error: string | null;
    purged_at: Date | null;
  };
  archive_access: {
    cooperative_id: string;
    id: string;
    user_id: string;
    document_id: string | null;
    actor_user_id: string | null;
    actor_label: string;
    action: string;
    at: Generated<Date>;
  };
  archive_settings: {
    cooperative_id: string;
    tsa_url: string | null;
    retention: unknown;
    updated_at: Generated<Date>;
  };
}

export const vaultMigrations: SqlMigration[] = [
  {
    name: '2026_12_07_0200_vault_archive',
    sql: `
create table archive_document (
  cooperative_id uuid not null references cooperative(id), id uuid not null,
  user_id uuid not null references user_account(id),
  kind text not null check (kind in ('contract','payslip','certificate','attestation','invoice','own')),
  contract_kind text check (contract_kind in ('cape','cesa','amendment','associate-application')),
  title text not null check (length(title) between 1 and 200), document_date date not null, ends_on date,
  file_id uuid, file_name text not null, mime_type text not null, size int not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  companion_file_id uuid, companion_name text, companion_sha256 text,
  source text not null check (source in ('upload','deposit','signature','invoice')), source_ref text,
  deposited_by uuid references user_account(id), created_at timestamptz not null,
  purged_at timestamptz, purge_reason text,
  primary key (cooperative_id, id)
);
create index archive_document_person on archive_document (cooperative_id, user_id, kind);
create unique index archive_document_source on archive_document (cooperative_id, source, source_ref) where source_ref is not null;
create table archive_chain (
  cooperative_id uuid not null references cooperative(id), seq bigint not null, document_id uuid not null,
  part text not null check (part in ('main','companion')), kind text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'), created_at timestamptz not null,
  prev_hash text not null, entry_hash text not null,
  tsa_response bytea, tsa_time timestamptz, tsa_name text, tsa_error text, purged_at timestamptz,
  primary key (cooperative_id, seq),
  unique (cooperative_id, document_id, part),
  foreign key (cooperative_id, document_id) references archive_document(cooperative_id, id)
);
-- Append-only: an entry is never deleted nor rewritten. Only what is added later may be set
-- once: the timestamp token (and the last error asking for it) and the purge mark.
create function archive_chain_append_only() returns trigger language plpgsql as $$
begin
  if tg_op <> 'UPDATE' then raise exception 'archive_chain est en ajout seul'; end if;
  if (new.cooperative_id, new.seq, new.document_id, new.part, new.kind, new.sha256, new.created_at, new.prev_hash, new.entry_hash)
     is distinct from (old.cooperative_id, old.seq, old.document_id, old.part, old.kind, old.sha256, old.created_at, old.prev_hash, old.entry_hash)
     or (old.tsa_response is not null and (new.tsa_response, new.tsa_time, new.tsa_name) is distinct from (old.tsa_response, old.tsa_time, old.tsa_name))
     or (old.purged_at is not null and new.purged_at is distinct from old.purged_at) then
    raise exception 'archive_chain est en ajout seul : une entrée ne change jamais';
  end if;
  return new;
end $$;
create trigger archive_chain_no_change before update or delete on archive_chain
  for each row execute function archive_chain_append_only();
create trigger archive_chain_no_truncate before truncate on archive_chain
  for each statement execute function archive_chain_append_only();
create table archive_access (
  cooperative_id uuid not null references cooperative(id), id uuid not null, user_id uuid not null,
  document_id uuid, actor_user_id uuid, actor_label text not null,
  action text not null check (action in ('view','download','export','deposit','upload','purge','delete')),
  at timestamptz not null default now(), primary key (cooperative_id, id)
);
create index archive_access_person on archive_access (cooperative_id, user_id, at);
create table archive_settings (
  cooperative_id uuid not null references cooperative(id), tsa_url text, retention jsonb not null default '{}',
  updated_at timestamptz not null default now(), primary key (cooperative_id)
);
${tenantPolicySql('archive_document')}
${tenantPolicySql('archive_chain')}
${tenantPolicySql('archive_access')}
${tenantPolicySql('archive_settings')}
`,
  },
];
