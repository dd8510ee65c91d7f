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

export const migrationMigrations: SqlMigration[] = [IMPORT_SOURCE_KEYS];
