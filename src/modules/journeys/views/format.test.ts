// Default times of the appointment form: the hour that just ended, never in the future and never
// across midnight (the e2e test once failed at 22:50 Paris: the default ran 23:00 → 23:00).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastFullHour, plusHour } from './format.ts';

test('the last full hour in Paris, on both sides of midnight and of the summer-time change', () => {
  // 22:50 Paris in winter (UTC+1)
  assert.deepEqual(lastFullHour(new Date('2026-12-06T21:50:00Z')), {
    date: '2026-12-06',
    start: '21:00',
    end: '22:00',
  });
  // 23:59 Paris
  assert.deepEqual(lastFullHour(new Date('2026-12-06T22:59:00Z')), {
    date: '2026-12-06',
    start: '22:00',
    end: '23:00',
  });
  // 00:30 Paris: the last hour of the day before
  assert.deepEqual(lastFullHour(new Date('2026-12-06T23:30:00Z')), {
    date: '2026-12-06',
    start: '23:00',
    end: '23:59',
  });
  // 01:10 Paris
  assert.deepEqual(lastFullHour(new Date('2026-12-07T00:10:00Z')), {
    date: '2026-12-07',
    start: '00:00',
    end: '01:00',
  });
  // Summer (UTC+2): 09:15 Paris
  assert.deepEqual(lastFullHour(new Date('2026-07-01T07:15:00Z')), {
    date: '2026-07-01',
    start: '08:00',
    end: '09:00',
  });
});

test('one hour later stays after the start within the day', () => {
  assert.equal(plusHour('09:30'), '10:30');
  assert.equal(plusHour('22:00'), '23:00');
  assert.equal(plusHour('23:00'), '23:59');
});
