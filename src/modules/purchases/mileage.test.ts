// The mileage scale on worked examples computed by hand from the official table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaleFor, scaleYears, yearlyAllowanceCents, tripAllowanceCents } from './mileage.ts';

test('the 2025 and 2026 scales are shipped as data', () => {
  assert.deepEqual(
    scaleYears()
      .filter((y) => y >= 2025)
      .slice(0, 2),
    [2025, 2026],
  );
  assert.throws(() => scaleFor(1999), /barème kilométrique 1999/);
});

test('bands by fiscal horsepower: d × a, d × a + b, d × a', () => {
  const s = scaleFor(2025);
  assert.equal(yearlyAllowanceCents(s, 3, 1_000), 52_900); // 1,000 × 0.529 = 529.00 €
  assert.equal(yearlyAllowanceCents(s, 4, 5_000), 303_000); // 5,000 × 0.606 = 3,030.00 €
  assert.equal(yearlyAllowanceCents(s, 5, 5_001), 318_036); // 5,001 × 0.357 + 1,395 = 3,180.357 → 3,180.36 €
  assert.equal(yearlyAllowanceCents(s, 6, 12_000), 594_500); // 12,000 × 0.374 + 1,457 = 5,945.00 €
  assert.equal(yearlyAllowanceCents(s, 7, 20_000), 939_500); // 20,000 × 0.394 + 1,515 = 9,395.00 €
  assert.equal(yearlyAllowanceCents(s, 11, 25_000), 1_175_000); // 7 CV and more: 25,000 × 0.470 = 11,750.00 €
  assert.equal(yearlyAllowanceCents(s, 2, 21_000), 777_000); // 3 CV and less: 21,000 × 0.370 = 7,770.00 €
  assert.equal(yearlyAllowanceCents(s, 5, 333), 21_179); // 333 × 0.636 = 211.788 → 211.79 €
});

test('a trip is priced on the year total: crossing a band re-prices the year', () => {
  const s = scaleFor(2026);
  // 4 CV, 4,500 km already, then 1,500 km: year 6,000 km = 6,000 × 0.340 + 1,330 = 3,370 €; before 4,500 × 0.606 = 2,727 €.
  assert.equal(tripAllowanceCents(s, 4, 4_500, 1_500), 337_000 - 272_700);
  // Trips summed equal the yearly amount, whatever the split.
  const parts = [1_200, 3_000, 2_500, 9_000, 5_300];
  let before = 0;
  let total = 0;
  for (const d of parts) {
    total += tripAllowanceCents(s, 6, before, d);
    before += d;
  }
  assert.equal(total, yearlyAllowanceCents(s, 6, 21_000)); // 21,000 × 0.447 = 9,387 €
  assert.equal(total, 938_700);
});
