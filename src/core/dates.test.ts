// Paris wall time with its offset, across both sides of the daylight-saving changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parisDateTime } from './dates.ts';

test('parisDateTime gives Paris time with the offset of that day (winter, summer, the spring change)', () => {
  assert.equal(parisDateTime(new Date('2026-11-26T09:30:00Z')), '2026-11-26T10:30:00+01:00');
  assert.equal(parisDateTime(new Date('2026-07-01T22:15:07.900Z')), '2026-07-02T00:15:07+02:00');
  assert.equal(parisDateTime(new Date('2026-03-29T00:59:59Z')), '2026-03-29T01:59:59+01:00');
  assert.equal(parisDateTime(new Date('2026-03-29T01:00:00Z')), '2026-03-29T03:00:00+02:00');
  assert.equal(parisDateTime(new Date('2026-10-25T00:30:00Z')), '2026-10-25T02:30:00+02:00');
  assert.equal(parisDateTime(new Date('2026-10-25T01:30:00Z')), '2026-10-25T02:30:00+01:00');
});
