// Signatures: a signed contract and its evidence file are the proof of the contract, kept; a
// request never signed (waiting, expired, cancelled) is erased with the PDF prepared for it.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

export const signaturesPersonalData: PersonalDataRules = {
  module: 'signatures',
  rules: [
    {
      table: 'signature_request',
      label: 'contrats signés électroniquement (document scellé)',
      match: (p) => sql`signer_user_id = ${p.userId} and status = 'signed'`,
      erase: {
        kind: 'keep',
        reason:
          'preuve du contrat (CAPE, CESA, avenant, sociétariat) : conservée 5 ans après la fin du contrat (art. 2224 du Code civil ; L3245-1 du Code du travail pour le salaire)',
      },
      fileColumn: 'signed_file_id',
    },
    {
      table: 'signature_request',
      label: 'dossiers de preuve des signatures',
      match: (p) => sql`signer_user_id = ${p.userId} and status = 'signed' and evidence_file_id is not null`,
      erase: { kind: 'keep', reason: 'preuve de la signature, conservée avec le contrat signé' },
      fileColumn: 'evidence_file_id',
    },
    {
      table: 'signature_request',
      label: 'demandes de signature non signées (en attente, expirées, annulées)',
      match: (p) => sql`signer_user_id = ${p.userId} and status <> 'signed'`,
      erase: { kind: 'delete' },
      fileColumn: 'document_file_id',
    },
  ],
};
