// Paris wall-clock time ↔ instants. Appointments, slots, workshops and meetings are typed as a
// date and times in Paris; they are stored as instants and shown again in Paris time, whatever
// the server's own time zone (summer and winter time included).
import { TZ } from '../../core/dates.ts';

const partsFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
/** An instant read on a Paris clock. */
export function parisParts(d: Date) {
  const p = Object.fromEntries(partsFmt.formatToParts(d).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}
const two = (n: number) => String(n).padStart(2, '0');

/** '2026-12-03' + '10:00' in Paris → the instant (handles summer/winter time). */
export function parisInstant(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, h, mi);
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const p = parisParts(new Date(t));
    const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
    t = guess - (asUtc - t);
  }
  return new Date(t);
}
/** The business date (Paris) of an instant, 'YYYY-MM-DD'. */
export function parisDate(d: Date): string {
  const p = parisParts(d);
  return `${p.y}-${two(p.m)}-${two(p.d)}`;
}
/** The Paris time of an instant, 'HH:MM'. */
export function parisTime(d: Date): string {
  const p = parisParts(d);
  return `${two(p.h)}:${two(p.mi)}`;
}
/** A time of day typed in a form, 'HH:MM' (24 h). */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
