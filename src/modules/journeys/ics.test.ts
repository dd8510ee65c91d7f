// The accompaniment's calendars, read back by a calendar parser (node-ical) as a calendar
// application would: Paris wall-clock times on both sides of a summer/winter time change, the
// Europe/Paris VTIMEZONE from the time zone library, long lines folded at 75 octets, and every
// line (the last one included) ended by CRLF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ical, { type VEvent } from 'node-ical';
import { icsCalendar, vtimezone } from './ics.ts';
import { parisInstant } from './paris-time.ts';

const eventsOf = (ics: string): VEvent[] =>
  Object.values(ical.sync.parseICS(ics)).filter((c): c is VEvent => c?.type === 'VEVENT');
const text = (v: VEvent['summary']) => (typeof v === 'string' ? v : v.val);

// 2027-03-28 is the last Sunday of March: Paris moves from UTC+1 to UTC+2 that night.
const WINTER = { start: parisInstant('2027-03-26', '10:00'), end: parisInstant('2027-03-26', '11:00') };
const SUMMER = { start: parisInstant('2027-03-29', '10:00'), end: parisInstant('2027-03-29', '11:30') };
const LONG =
  'Rendez-vous : préparation du prévisionnel, révision des tarifs à la journée et relance des devis (Émilie Lefèvre / Chloé)';

const sample = () =>
  icsCalendar('Radieuse — mon agenda', [
    { uid: 'winter@radieuse', ...WINTER, summary: 'Avant le changement d’heure', location: 'Lyon, 1 rue de la Paix' },
    { uid: 'summer@radieuse', ...SUMMER, summary: LONG, url: 'https://radieuse.example/rendez-vous/1' },
  ]);

test('times stay at 10:00 in Paris on both sides of the change to summer time, whatever the server zone', () => {
  const ics = sample();
  assert.match(ics, /DTSTART;TZID=Europe\/Paris:20270326T100000\r\n/);
  assert.match(ics, /DTSTART;TZID=Europe\/Paris:20270329T100000\r\n/);
  assert.match(ics, /DTEND;TZID=Europe\/Paris:20270329T113000\r\n/);
  const [winter, summer] = eventsOf(ics).sort((a, b) => a.start.getTime() - b.start.getTime());
  assert.equal(winter.start.toISOString(), '2027-03-26T09:00:00.000Z', 'UTC+1 before the change');
  assert.equal(summer.start.toISOString(), '2027-03-29T08:00:00.000Z', 'UTC+2 after the change');
  assert.equal(summer.end?.toISOString(), '2027-03-29T09:30:00.000Z');
  assert.equal(summer.start.tz, 'Europe/Paris');
});

test('the Europe/Paris VTIMEZONE comes from the time zone library, once, before the events', () => {
  const ics = sample();
  const block = vtimezone('Europe/Paris');
  assert.ok(block, 'the library knows Europe/Paris');
  assert.equal(ics.split('BEGIN:VTIMEZONE').length - 1, 1);
  assert.ok(ics.includes(block.replace(/\r?\n/g, '\r\n')), 'the block as the library gives it');
  assert.ok(ics.indexOf('BEGIN:VTIMEZONE') < ics.indexOf('BEGIN:VEVENT'));
  assert.match(ics, /BEGIN:DAYLIGHT\r\n[\s\S]*TZOFFSETTO:\+0200[\s\S]*BEGIN:STANDARD\r\n[\s\S]*TZOFFSETTO:\+0100/);
  assert.match(ics, /DTSTAMP:\d{8}T\d{6}Z\r\n/, 'the stamp stays in UTC');
});

test('lines longer than 75 octets are folded (accents count as two octets), and read back whole', () => {
  const ics = sample();
  const lines = ics.split('\r\n');
  assert.ok(
    lines.some((l) => l.startsWith(' ')),
    'at least one folded line',
  );
  for (const l of lines) assert.ok(Buffer.byteLength(l, 'utf8') <= 75, `line of ${Buffer.byteLength(l)} octets: ${l}`);
  const summer = eventsOf(ics).find((e) => e.uid === 'summer@radieuse');
  assert.equal(summer && text(summer.summary), LONG);
  const winter = eventsOf(ics).find((e) => e.uid === 'winter@radieuse');
  assert.equal(winter && text(winter.location ?? ''), 'Lyon, 1 rue de la Paix', 'the comma escaped, then unescaped');
});

test('every line ends with CRLF, the last one included; no bare LF', () => {
  const ics = sample();
  assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
  assert.doesNotMatch(ics.replace(/\r\n/g, ''), /[\r\n]/);
});
