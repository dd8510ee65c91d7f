// The stages of a journey, the moves between them and their default labels and documents (each
// cooperative may rename stages and change the documents: stage-config.service.ts).
export const STAGES = ['contact', 'info_meeting', 'diagnostic', 'cape', 'cesa', 'associate', 'exit'] as const;
export type Stage = (typeof STAGES)[number];
export const EXIT_REASONS = ['own_company', 'salaried_job', 'training', 'stop', 'other'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const DEFAULT_STAGE_LABELS: Record<Stage, string> = {
  contact: 'Premier contact',
  info_meeting: "Réunion d'information",
  diagnostic: 'Entretien de diagnostic',
  cape: 'CAPE',
  cesa: "CESA (contrat d'entrepreneur salarié)",
  associate: 'Associé·e',
  exit: 'Sortie',
};
export const DEFAULT_REQUIRED_DOCUMENTS: Record<Stage, string[]> = {
  contact: [],
  info_meeting: [],
  diagnostic: ["Pièce d'identité", 'Attestation France Travail'],
  cape: ['Contrat CAPE signé', "Attestation d'assurance"],
  cesa: ['Contrat CESA signé', "Attestation d'assurance"],
  associate: ['Bulletin de souscription de parts'],
  exit: [],
};
export const EXIT_REASON_LABELS: Record<ExitReason, string> = {
  own_company: 'Création de sa propre entreprise',
  salaried_job: 'Emploi salarié',
  training: 'Formation',
  stop: "Arrêt de l'activité",
  other: 'Autre',
};

/** Allowed next stages. cape → cape is a CAPE renewal; exit → contact is a return. */
export const TRANSITIONS: Record<Stage, Stage[]> = {
  contact: ['info_meeting', 'diagnostic', 'exit'],
  info_meeting: ['diagnostic', 'exit'],
  diagnostic: ['cape', 'cesa', 'exit'],
  cape: ['cape', 'cesa', 'exit'],
  cesa: ['associate', 'exit'],
  associate: ['exit'],
  exit: ['contact'],
};
export const MAX_CAPE_RENEWALS = 2;
