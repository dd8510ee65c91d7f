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
export {
  listAppointments,
  calendarFeed,
  createAppointment,
  addAction,
  completeAction,
} from './appointments.service.ts';
export { addDocument } from './journeys.service.ts';
export { createTheme, createSession, register as registerForWorkshop } from './workshops.service.ts';
export { attendedHours } from './workshops.service.ts';
export { journeysSchedules, sendJourneyReminders } from './reminders.service.ts';
export { trainingHours } from './feedback.service.ts';
export { journeysPersonalData } from './personal-data.ts';
