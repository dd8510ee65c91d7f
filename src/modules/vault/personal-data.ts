// The archive's personal data: the archived documents (kept by their own retention periods,
// purged by the archive's job; the export of a data access request carries them) and the log
// of who accessed them.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

export const vaultPersonalData: PersonalDataRules = {
  module: 'vault',
  rules: [
    {
      table: 'archive_access',
      label: 'journal des accès à son coffre-fort',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: {
        kind: 'keep',
        reason: 'trace des consultations de documents confidentiels, gardée avec les documents eux-mêmes',
      },
    },
    {
      table: 'archive_document',
      label: 'documents de son coffre-fort (contrats, bulletins de paie, certificats, attestations, factures)',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: {
        kind: 'keep',
        reason:
          'coffre-fort : chaque document est gardé pour la personne pendant sa durée de conservation (bulletins de paie 50 ans, contrats 5 ans après leur fin, factures 10 ans), puis son contenu est effacé ; sa preuve reste dans la chaîne',
      },
      fileColumn: 'file_id',
    },
  ],
};
