// Network-wide waves: one wave launched by network staff is one wave per cooperative (each in its
// own tenant, its own links and answers), tied together by `network_wave_id`.
import type { ColumnType } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';

/** Column the migration adds to `impact_survey` (merged into its type in schema.ts). */
export interface NetworkWaveColumns {
  network_wave_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export const networkWaveMigrations: SqlMigration[] = [
  {
    name: '2026_12_10_04_impact_network_waves',
    sql: `
alter table impact_survey add column network_wave_id uuid;
create index impact_survey_network_wave on impact_survey (network_wave_id) where network_wave_id is not null;
`,
  },
];
