// Sales: the invoices, quotes and payments of the person's activities are the cooperative's
// accounting documents, kept ten years; they are listed (export) but never erased.
import { sql } from 'kysely';
import type { PersonRef, PersonalDataRules } from '../../core/personal-data.ts';

const TEN_YEARS =
  'factures et pièces comptables : conservées 10 ans (art. L123-22 du Code de commerce ; art. L102 B du LPF)';
/** Documents the person created (the activity, not the person, is the seller: the CAE invoices). */
const createdBy = (p: PersonRef) => sql`created_by = ${p.userId}`;

export const salesPersonalData: PersonalDataRules = {
  module: 'sales',
  rules: [
    {
      table: 'invoice',
      label: 'factures et avoirs établis',
      match: createdBy,
      erase: { kind: 'keep', reason: TEN_YEARS },
    },
    { table: 'quote', label: 'devis établis', match: createdBy, erase: { kind: 'keep', reason: TEN_YEARS } },
    {
      table: 'customer',
      label: 'clients créés',
      match: createdBy,
      erase: {
        kind: 'keep',
        reason: `les clients sont des tiers de la coopérative, nommés sur ses factures : ${TEN_YEARS}`,
      },
    },
  ],
};
