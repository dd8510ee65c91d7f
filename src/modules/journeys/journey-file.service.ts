// Everything the person page shows of one journey, read in one go: the journey and its history,
// the cooperative's stage words, the documents and their checklist, the appointments, the
// workshop hours, and (for the team) the support members to choose from.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { can } from '../../core/authz.ts';
import { todayParis } from '../../core/dates.ts';
import { JOURNEYS } from './permissions.ts';
import { getJourney, journeyHistory, type Journey, type TransitionEntry } from './journeys.service.ts';
import { stageConfig, type StageConfig } from './stage-config.service.ts';
import { listDocuments, checklist, type ChecklistItem, type JourneyDocument } from './documents.service.ts';
import { listAppointments, type Appointment } from './appointments.queries.ts';
import { staffOptions } from './caseload.service.ts';
import { attendedHours } from './attendance.service.ts';
import type { Stage } from './stages.ts';

export interface JourneyFile {
  journey: Journey;
  history: TransitionEntry[];
  config: Record<Stage, StageConfig>;
  documents: JourneyDocument[];
  checklist: ChecklistItem[];
  appointments: Appointment[];
  hours: { sessions: number; hours: number } | null;
  /** Support members to choose from; empty for the person. */
  supports: [string, string][];
}

export async function journeyFile(tx: Tx, actor: Actor, id: string): Promise<JourneyFile> {
  const journey = await getJourney(tx, actor, id);
  const history = await journeyHistory(tx, actor, id);
  const config = await stageConfig(tx, actor);
  const documents = await listDocuments(tx, actor, id);
  return {
    journey,
    history,
    config,
    documents,
    checklist: checklist(journey, history, config, documents, todayParis()),
    appointments: await listAppointments(tx, actor, { journeyId: id }),
    hours: journey.userId ? await attendedHours(tx, actor, journey.userId) : null,
    supports: can(actor, JOURNEYS.caseloadRead) ? await staffOptions(tx, actor) : [],
  };
}
