import type { SqlMigration } from '../../core/migrations.ts';
export interface JourneysTables {}
export const journeysMigrations: SqlMigration[] = [];
