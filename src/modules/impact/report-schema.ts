// Stored indicators and funder shares.
// - `impact_indicator_run`: one computation of a cooperative's year by the background job (or on
//   demand), kept as history: the mergeable measures (so the network figure still pools people),
//   the published rows, the data coverage and `computed_at`. Pages read the latest run when fresh.
// - `impact_funder`: a funder's read-only access, a secret link whose hash alone is kept.
// - `impact_report_share`: which report (scope, year, kind) a funder may download.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface ReportTables {
  impact_indicator_run: {
    cooperative_id: string;
    id: string;
    year: number;
    computed_at: Date;
    measures: unknown;
    rows: unknown;
    coverage: unknown;
  };
  impact_funder: {
    cooperative_id: string;
    id: string;
    name: string;
    email: string;
    token_hash: string;
    created_by: string | null;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
  impact_report_share: {
    cooperative_id: string;
    funder_id: string;
    scope: 'cooperative' | 'network';
    year: number;
    kind: 'impact' | 'fse';
    shared_by: string | null;
    shared_at: Generated<Date>;
  };
}

export const reportMigrations: SqlMigration[] = [
  {
    name: '2026_12_07_0500_impact_indicator_runs_and_funders',
    sql: `
create table impact_indicator_run (
  cooperative_id uuid not null references cooperative(id), id uuid not null, year int not null check (year between 2000 and 2200),
  computed_at timestamptz not null, measures jsonb not null, rows jsonb not null, coverage jsonb not null,
  primary key (cooperative_id, id)
);
create index impact_indicator_run_latest on impact_indicator_run (cooperative_id, year, computed_at desc);
create table impact_funder (
  cooperative_id uuid not null references cooperative(id), id uuid not null, name text not null, email text not null,
  token_hash text not null, created_by uuid references user_account(id), created_at timestamptz not null default now(),
  revoked_at timestamptz, primary key (cooperative_id, id)
);
create unique index impact_funder_token on impact_funder (cooperative_id, token_hash);
create table impact_report_share (
  cooperative_id uuid not null, funder_id uuid not null,
  scope text not null check (scope in ('cooperative','network')), year int not null check (year between 2000 and 2200),
  kind text not null check (kind in ('impact','fse')), shared_by uuid references user_account(id),
  shared_at timestamptz not null default now(),
  primary key (cooperative_id, funder_id, scope, year, kind),
  foreign key (cooperative_id, funder_id) references impact_funder(cooperative_id, id)
);
${tenantPolicySql('impact_indicator_run')}
${tenantPolicySql('impact_funder')}
${tenantPolicySql('impact_report_share')}
`,
  },
];
