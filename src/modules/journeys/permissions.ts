// The accompaniment's actions in the authorization matrix (docs/authorization.md). `own` means:
// the person's own journey (and what hangs from it: documents, appointments, action items), their
// own registration or attendance, their own training hours. Support notes marked internal are a
// permission of their own, held by the team only.
import { definePermissions, EVERY_MEMBER, type Grants } from '../../core/authz.ts';

/** The accompaniment team: support, direction and the network's staff. */
const TEAM: Grants = { support: 'all', director: 'all', network_admin: 'all' };
/** The person followed (entrepreneur or CAPE), on their own journey, and the team on all. */
const PERSON_AND_TEAM: Grants = { entrepreneur: 'own', cape: 'own', ...TEAM };
/** Every member of the cooperative. */
const EVERYONE = EVERY_MEMBER;

export const JOURNEYS = definePermissions('journeys', {
  journeyRead: { label: 'Voir un parcours (étape, historique, documents demandés)', grants: PERSON_AND_TEAM },
  caseloadRead: { label: 'Voir les personnes accompagnées et les exporter', grants: TEAM },
  journeyCreate: { label: 'Ouvrir un parcours', grants: TEAM },
  journeyTransition: { label: 'Faire changer un parcours d’étape (CAPE, CESA, sortie…)', grants: TEAM },
  journeyCorrect: {
    label: 'Corriger un parcours (annuler la dernière étape, changer de chargé·e d’accompagnement)',
    grants: TEAM,
  },
  stageSettings: {
    label: 'Régler les étapes et les documents demandés',
    grants: { director: 'all', network_admin: 'all' },
  },
  documentAdd: { label: 'Déposer un document de parcours', grants: PERSON_AND_TEAM },
  documentRead: { label: 'Lire un document de parcours', grants: PERSON_AND_TEAM },
  appointmentRead: { label: 'Voir un rendez-vous, ses notes partagées et ses actions', grants: PERSON_AND_TEAM },
  appointmentCreate: { label: 'Enregistrer un rendez-vous', grants: TEAM },
  appointmentCancel: { label: 'Annuler un rendez-vous', grants: PERSON_AND_TEAM },
  noteAdd: { label: 'Écrire une note de rendez-vous', grants: TEAM },
  privateNoteRead: { label: 'Lire les notes internes à l’équipe d’accompagnement', grants: TEAM },
  actionAdd: { label: 'Ajouter une action à mener', grants: TEAM },
  actionComplete: { label: 'Marquer une action comme faite', grants: PERSON_AND_TEAM },
  slotCreate: { label: 'Proposer un créneau libre', grants: { support: 'all' } },
  peerSlotOffer: { label: 'Proposer un créneau libre à ses pairs (personne ressource du campus)', grants: EVERYONE },
  slotList: { label: 'Voir les créneaux libres', grants: { entrepreneur: 'all', cape: 'all', ...TEAM } },
  slotBook: { label: 'Réserver un créneau pour son parcours', grants: { entrepreneur: 'own', cape: 'own' } },
  calendarFeed: { label: 'Créer son lien d’agenda (rendez-vous et ateliers)', grants: EVERYONE },
  workshopList: { label: 'Voir les ateliers', grants: EVERYONE },
  workshopManage: { label: 'Créer des thèmes d’atelier et programmer des séances', grants: TEAM },
  workshopRegister: {
    label: 'S’inscrire à un atelier ou s’en désinscrire (l’équipe : y inscrire quelqu’un)',
    grants: { entrepreneur: 'own', cape: 'own', accountant: 'own', ...TEAM },
  },
  workshopParticipants: { label: 'Voir les inscrit·es et imprimer la feuille d’émargement', grants: TEAM },
  workshopAttendance: { label: 'Saisir les présences à un atelier', grants: TEAM },
  hoursRead: { label: 'Voir les heures d’atelier suivies par une personne', grants: PERSON_AND_TEAM },
  hoursExport: { label: 'Exporter les heures de formation de tout le monde', grants: TEAM },
  infoMeetingManage: {
    label: 'Programmer les réunions d’information et voir les personnes inscrites',
    grants: TEAM,
  },
  infoMeetingAttendance: { label: 'Saisir les présences à une réunion d’information', grants: TEAM },
  infoMeetingConvert: { label: 'Créer la fiche contact d’une personne inscrite', grants: TEAM },
  feedbackGive: {
    label: 'Donner son avis (anonyme) sur un atelier suivi',
    grants: { entrepreneur: 'own', cape: 'own', accountant: 'own' },
  },
  feedbackRead: { label: 'Voir la synthèse des avis sur un atelier', grants: TEAM },
});
