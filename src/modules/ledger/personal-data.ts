// The ledger: salary requests and absences are the basis of payslips, kept.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

export const ledgerPersonalData: PersonalDataRules = {
  module: 'ledger',
  rules: [
    {
      table: 'salary_request',
      label: 'demandes de salaire',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: {
        kind: 'keep',
        reason:
          'éléments de paie : conservés 5 ans (art. L3243-4 du Code du travail) et pièces comptables 10 ans (art. L123-22 du Code de commerce)',
      },
    },
    {
      table: 'payroll_absence',
      label: 'absences (variables de paie)',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: {
        kind: 'keep',
        reason: 'éléments de paie (jours d’absence) : conservés 5 ans (art. L3243-4 du Code du travail)',
      },
    },
  ],
};
