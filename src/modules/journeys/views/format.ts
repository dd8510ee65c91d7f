// Small display helpers shared by the accompaniment's views: dates and times in Paris, the
// badge tone of each stage, sensible default times for a new appointment.
import { formatDate } from '../../../core/dates.ts';
import { parisDate, parisTime } from '../paris-time.ts';

/** "26 nov. 2026 10:00" (Paris time). */
export const dateTime = (d: Date) => `${formatDate(parisDate(d))} ${parisTime(d)}`;

export const STAGE_TONE: Record<string, string> = {
  contact: 'draft',
  info_meeting: 'submitted',
  diagnostic: 'submitted',
  cape: 'validated',
  cesa: 'paid',
  associate: 'accepted',
  exit: 'cancelled',
};

/** The next full hour in Paris, "HH:00": the default start of a new appointment or slot. */
export function nextHour(now = new Date()): string {
  return `${parisTime(new Date(now.getTime() + 3600000)).slice(0, 2)}:00`;
}
/** The full hour that has just ended, in Paris: the default of an appointment recorded right
 *  after it took place. Never in the future, and never across midnight (at 00:xx it is the last
 *  hour of the day before), so the end always follows the start on the same date. */
export function lastFullHour(now = new Date()): { date: string; start: string; end: string } {
  const h = Number(parisTime(now).slice(0, 2));
  if (h === 0) return { date: parisDate(new Date(now.getTime() - 3600000)), start: '23:00', end: '23:59' };
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: parisDate(now), start: `${pad(h - 1)}:00`, end: `${pad(h)}:00` };
}

/** One hour later, within the day. */
export const plusHour = (t: string) => {
  const h = Number(t.slice(0, 2)) + 1;
  // From 23:00 there is no later full hour that day: end at 23:59 rather than at the start.
  return h > 23 ? '23:59' : `${String(h).padStart(2, '0')}:${t.slice(3)}`;
};

/** Hours in French: "2,5 h". */
export const hoursFr = (h: number) => `${String(h).replace('.', ',')} h`;
/** A score in French: "4,2". */
export const decimalFr = (n: number | null) => (n === null ? '—' : String(n).replace('.', ','));
