// Accompaniment (journeys, documents, info meetings, appointments, workshops, caseload): what
// other modules may use. Each service authorizes its actor (permissions.ts).
export { journeysMigrations, type JourneysTables } from './schema.ts';
export { JOURNEYS } from './permissions.ts';
export {
  STAGES,
  EXIT_REASONS,
  type Stage,
  type ExitReason,
  type Journey,
  getJourney,
  journeyOfUser,
  createJourney,
  transitionJourney,
  journeyHistory,
} from './journeys.service.ts';
export { caseload, type CaseloadRow, type AlertType } from './caseload.service.ts';
export { createAppointment } from './appointments.service.ts';
export { listAppointments, type Appointment } from './appointments.queries.ts';
export { addAction, completeAction } from './appointment-notes.service.ts';
export { calendarFeed } from './calendar-feed.service.ts';
export { addDocument } from './documents.service.ts';
export { freeSlots, offerPeerSlot, type Slot } from './slots.service.ts';
export {
  createTheme,
  createSession,
  register as registerForWorkshop,
  listSessions,
  getSession,
  type Session as WorkshopSession,
} from './workshops.service.ts';
export { attendedHours, attendedSessions, recordAttendance, sessionHours } from './attendance.service.ts';
export { trainingHours } from './training-hours.service.ts';
export { journeysSchedules, sendJourneyReminders } from './reminders.service.ts';
export { journeysPersonalData } from './personal-data.ts';
export { journeyFacts, type JourneyFact } from './statistics.service.ts';
