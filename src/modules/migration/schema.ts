// Imports of a cooperative's history from another software (enDI…): the only table of this
// module remembers, for each imported object, which source row it came from, so that running
// the same import again adds nothing. Everything else is written through the other modules'
// services (directory, sales), never into their tables.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface MigrationTables {
  import_source_key: {
    cooperative_id: string;
    /** The software: 'endi'. */
    source: string;
    /** What the row was: activity, person, customer, invoice, credit_note, payment. */
    kind: string;
    /** Its identifier in the source (enDI's id, or its number when no id is exported). */
    source_id: string;
    /** Our id for it. */
    target_id: string;
    created_at: Generated<Date>;
  };
  /** The files a person uploaded on /import/endi, read, with the columns chosen: one per person. */
  endi_upload: {
    cooperative_id: string;
    id: string;
    created_by: string;
    /** UploadState (endi-web.service.ts): the tables read, the stored PDFs, the mapping. */
    state: unknown;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  /** A named column mapping of a cooperative, proposed again at its next upload. */
  endi_column_mapping: {
    cooperative_id: string;
    id: string;
    name: string;
    /** Kind of file → our field → the file's (normalised) header. */
    mapping: unknown;
    created_by: string | null;
    updated_at: Generated<Date>;
  };
}

const IMPORT_SOURCE_KEYS: SqlMigration = {
  name: '2026_12_06_2300_import_source_keys',
  sql: `
create table import_source_key (
  cooperative_id uuid not null references cooperative(id),
  source text not null check (source ~ '^[a-z0-9_-]{1,30}$'),
  kind text not null check (kind ~ '^[a-z_]{1,30}$'),
  source_id text not null check (char_length(source_id) between 1 and 200),
  target_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (cooperative_id, source, kind, source_id)
);
create index import_source_key_target on import_source_key (cooperative_id, target_id);
${tenantPolicySql('import_source_key')}
`,
};

const ENDI_WEB: SqlMigration = {
  name: '2026_12_10_01_endi_import_page',
  sql: `
create table endi_upload (
  cooperative_id uuid not null references cooperative(id),
  id uuid not null,
  created_by uuid not null,
  state jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  unique (cooperative_id, created_by)
);
create table endi_column_mapping (
  cooperative_id uuid not null references cooperative(id),
  id uuid not null,
  name text not null check (char_length(name) between 1 and 100),
  mapping jsonb not null,
  created_by uuid,
  updated_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  unique (cooperative_id, name)
);
${tenantPolicySql('endi_upload')}
${tenantPolicySql('endi_column_mapping')}
`,
};

export const migrationMigrations: SqlMigration[] = [IMPORT_SOURCE_KEYS, ENDI_WEB];
