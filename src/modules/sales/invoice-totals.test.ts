import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTotals, proRataShares } from './invoice-totals.ts';
import { UserError } from '../../core/errors.ts';

const S20 = { vatCategory: 'S' as const, vatRateBp: 2000 };

test('a line net is rounded once, half away from zero, with its discount', () => {
  const t = computeTotals({ lines: [{ quantityMilli: 2500, unitPriceCents: 12345, discountBp: 1500, ...S20 }] });
  // 123.45 × 2.5 = 308.625 → 308.63 ; −15 % = 46.2945 → 46.29 ; net 262.34
  assert.equal(t.lineNets[0], 26234);
  assert.equal(t.vatCents, 5247); // 52.468 → 52.47
  assert.equal(t.totalInclCents, 31481);
});

test('VAT is computed on the group base and rounded once, not per line', () => {
  const line = { quantityMilli: 1000, unitPriceCents: 5, vatCategory: 'S' as const, vatRateBp: 1000 };
  const t = computeTotals({ lines: [line, line, line] });
  // per line 0.005 → 0.01 each would give 3 cents; on the group 0.015 → 0.02
  assert.equal(t.groups.length, 1);
  assert.equal(t.groups[0].baseCents, 15);
  assert.equal(t.vatCents, 2);
  assert.equal(t.totalInclCents, 17);
});

test('a half cent is rounded away from zero (0.005 → 0.01)', () => {
  const t = computeTotals({ lines: [{ quantityMilli: 500, unitPriceCents: 1, ...S20 }] });
  assert.equal(t.lineNets[0], 1);
  const v = computeTotals({ lines: [{ quantityMilli: 1000, unitPriceCents: 5, vatCategory: 'S', vatRateBp: 1000 }] });
  assert.equal(v.vatCents, 1);
});

test('many lines: sums of rounded nets', () => {
  const lines = Array.from({ length: 100 }, () => ({ quantityMilli: 1500, unitPriceCents: 333, ...S20 }));
  const t = computeTotals({ lines });
  assert.equal(t.linesNetCents, 50000); // 4.995 → 5.00 each
  assert.equal(t.vatCents, 10000);
  assert.equal(t.totalInclCents, 60000);
});

test('several rates and a global discount split pro rata with exact remainders', () => {
  const t = computeTotals({
    lines: [
      { quantityMilli: 1000, unitPriceCents: 10000, ...S20 },
      { quantityMilli: 1000, unitPriceCents: 5000, vatCategory: 'S', vatRateBp: 550 },
    ],
    globalDiscountCents: 1000,
  });
  assert.deepEqual(
    t.groups.map((g) => [g.vatRateBp, g.allowanceCents, g.baseCents, g.vatCents]),
    [
      [2000, 667, 9333, 1867],
      [550, 333, 4667, 257],
    ],
  );
  assert.equal(t.allowancesCents, 1000);
  assert.equal(t.taxBasisCents, 14000);
  assert.equal(t.vatCents, 2124);
  assert.equal(t.totalInclCents, 16124);
  assert.equal(
    t.groups.reduce((s, g) => s + g.baseCents, 0),
    t.taxBasisCents,
  );
});

test('exempt and reverse-charge lines make their own zero-rate groups', () => {
  const t = computeTotals({
    lines: [
      { quantityMilli: 1000, unitPriceCents: 10000, ...S20 },
      { quantityMilli: 2000, unitPriceCents: 3000, vatCategory: 'E', vatRateBp: 0 },
    ],
  });
  assert.deepEqual(
    t.groups.map((g) => [g.vatCategory, g.baseCents, g.vatCents]),
    [
      ['S', 10000, 2000],
      ['E', 6000, 0],
    ],
  );
  assert.equal(t.totalInclCents, 18000);
});

test('refusals: negative quantity, negative price, bad rates, discount above total, no lines', () => {
  const refuses = (input: Parameters<typeof computeTotals>[0], field: string, re: RegExp) => {
    assert.throws(
      () => computeTotals(input),
      (e: unknown) => e instanceof UserError && re.test(e.fields[field] ?? e.message),
    );
  };
  refuses(
    { lines: [{ quantityMilli: -1000, unitPriceCents: 100, ...S20 }] },
    'lines.0.quantity',
    /ne peut pas être négative.*avoir/,
  );
  refuses({ lines: [{ quantityMilli: 1000, unitPriceCents: -100, ...S20 }] }, 'lines.0.unitPrice', /négatif/);
  refuses(
    { lines: [{ quantityMilli: 1000, unitPriceCents: 100, vatCategory: 'S', vatRateBp: 0 }] },
    'lines.0.vat',
    /positif/,
  );
  refuses(
    { lines: [{ quantityMilli: 1000, unitPriceCents: 100, vatCategory: 'AE', vatRateBp: 2000 }] },
    'lines.0.vat',
    /nul/,
  );
  refuses(
    { lines: [{ quantityMilli: 1000, unitPriceCents: 100, ...S20 }], globalDiscountCents: 101 },
    'discount',
    /dépasse/,
  );
  refuses({ lines: [] }, 'lines', /au moins une ligne/);
  refuses(
    { lines: [{ quantityMilli: 1000, unitPriceCents: 100, discountBp: 10001, ...S20 }] },
    'lines.0.discount',
    /100 %/,
  );
});

test('negative lines are accepted only where allowed, and the total may not go below zero', () => {
  const t = computeTotals({
    allowNegativeLines: true,
    lines: [
      { quantityMilli: 2000, unitPriceCents: 1000, ...S20 },
      { quantityMilli: -1000, unitPriceCents: 500, ...S20 },
    ],
  });
  assert.equal(t.taxBasisCents, 1500);
  assert.throws(
    () => computeTotals({ allowNegativeLines: true, lines: [{ quantityMilli: -1000, unitPriceCents: 500, ...S20 }] }),
    /négatif/,
  );
});

test('payment shares split the VAT pro rata and add up exactly', () => {
  const groups = [
    { baseCents: 9333, vatCents: 1867 },
    { baseCents: 4667, vatCents: 257 },
  ];
  for (const amount of [1, 333, 6062, 16123, 16124]) {
    const s = proRataShares(amount, 16124, groups);
    assert.equal(
      s.reduce((a, x) => a + x.baseCents + x.vatCents, 0),
      amount,
    );
  }
  const full = proRataShares(16124, 16124, groups);
  assert.deepEqual(
    full.map((x) => [x.baseCents, x.vatCents]),
    [
      [9333, 1867],
      [4667, 257],
    ],
  );
});
