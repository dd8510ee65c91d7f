// Purchases: expense reports, their receipts and mileage are accounting documents, kept.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

const TEN_YEARS =
  'pièces justificatives comptables, conservées 10 ans (art. L123-22 du Code de commerce ; 6 ans au titre de l’art. L102 B du LPF)';

export const purchasesPersonalData: PersonalDataRules = {
  module: 'purchases',
  rules: [
    {
      table: 'expense_line',
      label: 'dépenses et justificatifs',
      match: (p) =>
        sql`report_id in (select id from expense_report where cooperative_id = ${p.cooperativeId} and user_id = ${p.userId})`,
      erase: { kind: 'keep', reason: TEN_YEARS },
      fileColumn: 'receipt_file_id',
    },
    {
      table: 'mileage_trip',
      label: 'trajets (indemnités kilométriques)',
      match: (p) =>
        sql`report_id in (select id from expense_report where cooperative_id = ${p.cooperativeId} and user_id = ${p.userId})`,
      erase: { kind: 'keep', reason: TEN_YEARS },
    },
    {
      table: 'expense_report',
      label: 'notes de frais',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'keep', reason: TEN_YEARS },
    },
    {
      table: 'vehicle',
      label: 'véhicules déclarés (puissance fiscale)',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'keep', reason: `justifient le barème des indemnités kilométriques : ${TEN_YEARS}` },
    },
  ],
};
