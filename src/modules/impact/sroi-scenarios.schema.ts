// Saved SROI scenarios' table: the form as typed, its name, present value and ratio.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface ScenarioTables {
  impact_sroi_scenario: {
    cooperative_id: string;
    id: string;
    title: string;
    form: unknown;
    present_value: string;
    ratio: string;
    created_by: string | null;
    created_at: Generated<Date>;
  };
}

export const scenarioMigrations: SqlMigration[] = [
  {
    name: '2026_12_08_0720_impact_sroi_scenarios',
    sql: `
create table impact_sroi_scenario (
  cooperative_id uuid not null references cooperative(id), id uuid not null, title text not null,
  form jsonb not null, present_value numeric(16,2) not null, ratio numeric(12,2) not null,
  created_by uuid references user_account(id), created_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
${tenantPolicySql('impact_sroi_scenario')}
`,
  },
];
