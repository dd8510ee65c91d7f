// Calendars (ICS) of the accompaniment: appointment invitations and each person's feed. Written
// by ical-generator (escaping, line folding at 75 octets), with the Europe/Paris VTIMEZONE taken
// from timezones-ical-library: events carry Paris wall-clock times (DTSTART;TZID=Europe/Paris),
// so that calendars show the right hour on both sides of a summer/winter time change.
import ical from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { TZ } from '../../core/dates.ts';
import { parisParts } from './paris-time.ts';

export interface CalEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  location?: string | null;
  url?: string | null;
  description?: string | null;
}

/** The VTIMEZONE block of a zone, from the time zone library (null for an unknown zone). */
export function vtimezone(zone: string): string | null {
  const block = tzlib_get_ical_block(zone);
  return Array.isArray(block) && block[0]?.startsWith('BEGIN:VTIMEZONE') ? block[0] : null;
}

const two = (n: number) => String(n).padStart(2, '0');
/** An instant as Paris wall-clock time, in the Day.js shape ical-generator accepts for zoned
 *  times (`format`, `tz`), so that it writes the Paris hour and not the server's. */
function parisClock(d: Date) {
  const p = parisParts(d);
  const clock = {
    isValid: () => true,
    toDate: () => new Date(d),
    toJSON: () => d.toISOString(),
    tz: () => clock,
    format: (f?: string) =>
      f === 'YYYYMMDD'
        ? `${p.y}${two(p.m)}${two(p.d)}`
        : f === 'HHmmss'
          ? `${two(p.h)}${two(p.mi)}${two(p.s)}`
          : d.toISOString(),
  };
  return clock;
}

/** A calendar of timed events in Paris time, ending with CRLF as RFC 5545 wants every line to. */
export function icsCalendar(name: string, events: CalEvent[]): string {
  const cal = ical({
    name,
    prodId: { company: 'Radieuse', product: 'radieuse', language: 'FR' },
    // No calendar-wide zone: DTSTAMP stays in UTC; each event names its zone and the generator
    // adds that zone's VTIMEZONE once.
    timezone: { name: null, generator: vtimezone },
  });
  cal.x([{ key: 'X-WR-TIMEZONE', value: TZ }]);
  for (const e of events)
    cal.createEvent({
      id: e.uid,
      start: parisClock(e.start),
      end: parisClock(e.end),
      timezone: TZ,
      summary: e.summary,
      location: e.location ?? undefined,
      url: e.url ?? undefined,
      description: e.description ?? undefined,
    });
  return `${cal.toString()}\r\n`;
}
