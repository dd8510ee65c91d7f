// The directory's personal data: the member profile (sex, birth year, contact, bank details),
// memberships and activity ownership.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

export const directoryPersonalData: PersonalDataRules = {
  module: 'directory',
  rules: [
    {
      table: 'member_profile',
      label: 'profil (situation à l’entrée, contact, coordonnées bancaires)',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
    },
    {
      table: 'activity_owner',
      label: 'activités dont la personne est titulaire',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
    },
    {
      table: 'identity_verification',
      label:
        'vérification d’identité (type et validité de la pièce, décision ; la pièce elle-même si la coopérative la conserve)',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
      // A document kept by the cooperative's rule goes with the person's data.
      fileColumn: 'file_id',
    },
    {
      table: 'membership',
      label: 'rôles dans la coopérative (dates d’entrée et de sortie)',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: {
        kind: 'keep',
        reason:
          'registre du personnel et des associé·es : dates d’entrée et de sortie (art. L1221-13 du Code du travail, 5 ans après le départ)',
      },
    },
  ],
};
