// The editable referential: versions of indicators written by network staff, without code.
// A survey-based indicator is bound to a question of a questionnaire (a built-in one, or one of
// the author's cooperative) and an aggregation; an ERP-sourced indicator stays computed in code
// (indicators.ts) and only its name and definition get versions here. Each row is one version,
// never updated: a figure names the version that computed it. The author's cooperative leads
// the key; the network reads every row of its cooperatives through the system handle.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export const AGGREGATIONS = ['share', 'mean', 'median'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface ReferentialTables {
  impact_indicator_def: {
    cooperative_id: string;
    network_id: string;
    code: string;
    version: number;
    kind: 'survey' | 'erp';
    name: string;
    definition: string;
    unit: string;
    /** Survey-based: a built-in key (`who5`, `qvt_entrepreneurs`, `qvt_support`) or a questionnaire id. */
    questionnaire: string | null;
    question: string | null;
    aggregation: Aggregation | null;
    /** `share`: the answers counted (option values or scale points). */
    match_values: string[] | null;
    created_by: string | null;
    created_at: Generated<Date>;
  };
}

export const referentialMigrations: SqlMigration[] = [
  {
    name: '2026_12_08_0700_impact_indicator_definitions',
    sql: `
create table impact_indicator_def (
  cooperative_id uuid not null references cooperative(id), network_id uuid not null references network(id),
  code text not null check (code ~ '^[A-Za-z][A-Za-z0-9_]{0,15}$'), version int not null check (version >= 1),
  kind text not null check (kind in ('survey','erp')), name text not null, definition text not null, unit text not null,
  questionnaire text, question text, aggregation text check (aggregation in ('share','mean','median')),
  match_values text[], created_by uuid references user_account(id), created_at timestamptz not null default now(),
  primary key (cooperative_id, code, version),
  check (kind = 'erp' or (questionnaire is not null and question is not null and aggregation is not null))
);
create index impact_indicator_def_network on impact_indicator_def (network_id, code, version);
${tenantPolicySql('impact_indicator_def')}
`,
  },
];
