// The marketplace's personal data: quote requests hold the name, e-mail and phone of people
// from the public. Unconfirmed requests are deleted after 30 days, the others anonymised after
// three years (the customer, once created, lives in sales). A person's request can be exported
// and erased by their e-mail, with the messages of its thread.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

const ERASED = 'Personne effacée';

export const marketPersonalData: PersonalDataRules = {
  module: 'market',
  rules: [
    {
      // Before the request itself: its e-mail is what finds the thread.
      table: 'market_message',
      label: 'messages échangés au sujet d’une demande de devis',
      // No reference to the outer table by name: the export reads it under an alias.
      match: (p) =>
        sql`(cooperative_id, request_id) in (select r.cooperative_id, r.id from market_request r
          where lower(r.email) = lower(${p.email}))`,
      erase: { kind: 'anonymise', set: { body: ERASED, ip_hash: null } },
    },
    {
      table: 'market_request',
      label: 'demandes de devis envoyées par la place de marché',
      match: (p) => sql`lower(email) = lower(${p.email})`,
      erase: { kind: 'anonymise', set: { name: ERASED, email: '', phone: null, postcode: null, message: ERASED } },
    },
    {
      // An independent outside the cooperative: the invitation and charter acceptance. Erasing
      // keeps the acceptance (version, date) but not who; their public profile is unpublished
      // by the staff (it is what they chose to publish, not ERP data).
      table: 'market_external',
      label: 'invitation et acceptation de la charte (indépendant·e hors coopérative)',
      match: (p) => sql`lower(email) = lower(${p.email})`,
      erase: { kind: 'anonymise', set: { name: ERASED, email: sql`'efface-' || id::text` } },
    },
  ],
  retention: [
    {
      table: 'market_message',
      label: 'messages des demandes de devis : effacés après 3 ans',
      expired: sql`created_at < now() - interval '3 years' and body <> ${ERASED}`,
      erase: { kind: 'anonymise', set: { body: ERASED, ip_hash: null } },
    },
    {
      table: 'market_request',
      label: 'demandes de devis non confirmées, 30 jours',
      expired: sql`status = 'unverified' and created_at < now() - interval '30 days'`,
      erase: { kind: 'delete' },
    },
    {
      table: 'market_request',
      label: 'demandes de devis : coordonnées effacées après 3 ans',
      expired: sql`created_at < now() - interval '3 years' and email <> ''`,
      erase: { kind: 'anonymise', set: { name: ERASED, email: '', phone: null, postcode: null, message: ERASED } },
    },
  ],
};
