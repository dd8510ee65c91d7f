// Accompaniment (journeys, documents, info meetings, appointments, workshops, caseload).
export { journeysMigrations, type JourneysTables } from './schema.ts';
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
  caseload,
} from './journeys.service.ts';
export { listAppointments, calendarFeed } from './appointments.service.ts';
export { attendedHours } from './workshops.service.ts';
export { journeysSchedules, sendJourneyReminders } from './reminders.service.ts';
export { trainingHours } from './feedback.service.ts';
