// The accompaniment's personal data: the journey and everything about it. Notes, actions,
// appointments and documents go; the stage history stays without the name (impact figures,
// funders' reports); workshop attendance stays (training hours declared to funders).
import { sql } from 'kysely';
import type { PersonRef, PersonalDataRules } from '../../core/personal-data.ts';

const journeysOf = (p: PersonRef) =>
  sql`select id from journey where cooperative_id = ${p.cooperativeId} and (user_id = ${p.userId} or lower(email) = lower(${p.email}))`;
const appointmentsOf = (p: PersonRef) =>
  sql`select id from appointment where cooperative_id = ${p.cooperativeId} and journey_id in (${journeysOf(p)})`;

export const journeysPersonalData: PersonalDataRules = {
  module: 'journeys',
  retention: [
    {
      table: 'info_meeting_registration',
      label: "inscriptions aux réunions d'information sans suite, 3 ans (prospects : recommandation de la CNIL)",
      expired: sql`journey_id is null and created_at < now() - interval '3 years'`,
      erase: { kind: 'delete' },
    },
    {
      table: 'journey',
      label: 'prospects sans suite (contact, réunion, diagnostic) : anonymisés 3 ans après le dernier échange',
      expired: sql`user_id is null and stage in ('contact', 'info_meeting', 'diagnostic') and display_name <> 'Personne effacée'
        and stage_since < current_date - interval '3 years'`,
      erase: { kind: 'anonymise', set: { display_name: 'Personne effacée', email: null, phone: null } },
    },
  ],
  rules: [
    {
      table: 'appointment_note',
      label: 'notes de rendez-vous',
      match: (p) => sql`appointment_id in (${appointmentsOf(p)})`,
      erase: { kind: 'delete' },
    },
    {
      table: 'appointment_action',
      label: 'actions décidées en rendez-vous',
      match: (p) => sql`appointment_id in (${appointmentsOf(p)})`,
      erase: { kind: 'delete' },
    },
    {
      table: 'support_slot',
      label: 'créneaux réservés',
      match: (p) => sql`appointment_id in (${appointmentsOf(p)})`,
      erase: { kind: 'anonymise', set: { appointment_id: null } },
    },
    {
      table: 'appointment',
      label: 'rendez-vous',
      match: (p) => sql`journey_id in (${journeysOf(p)})`,
      erase: { kind: 'delete' },
    },
    {
      table: 'journey_document',
      label: 'documents du parcours (pièce d’identité, contrats, attestations)',
      match: (p) => sql`journey_id in (${journeysOf(p)})`,
      erase: { kind: 'delete' },
      fileColumn: 'file_id',
    },
    {
      table: 'journey_transition',
      label: 'étapes du parcours',
      match: (p) => sql`journey_id in (${journeysOf(p)})`,
      erase: {
        kind: 'anonymise',
        set: { comment: null },
      },
    },
    {
      table: 'info_meeting_registration',
      label: 'inscriptions aux réunions d’information',
      match: (p) => sql`lower(email) = lower(${p.email}) or journey_id in (${journeysOf(p)})`,
      erase: { kind: 'delete' },
    },
    {
      table: 'workshop_registration',
      label: 'inscriptions et présences aux ateliers',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: {
        kind: 'keep',
        reason:
          'heures de formation déclarées aux financeurs (bilan pédagogique et financier, art. L6352-11 du Code du travail) ; le compte est anonymisé',
      },
    },
    {
      table: 'workshop_feedback_given',
      label: 'avis donnés sur les ateliers (le fait d’avoir répondu)',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
    },
    {
      table: 'calendar_feed',
      label: 'abonnement à l’agenda',
      match: (p) => sql`user_id = ${p.userId}`,
      erase: { kind: 'delete' },
    },
    {
      table: 'journey',
      label: 'parcours (nom, contact, étapes, dates du CAPE)',
      match: (p) => sql`user_id = ${p.userId} or lower(email) = lower(${p.email})`,
      // Last: the rules above find the rows through the journey's email.
      erase: { kind: 'anonymise', set: { display_name: 'Personne effacée', email: null, phone: null, user_id: null } },
    },
  ],
};
