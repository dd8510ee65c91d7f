import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  lineAmount,
  applyBasisPoints,
  parseCents,
  parseQuantityMilli,
  formatEuros,
  centsToDecimal,
  divRound,
  milliToDecimal,
} from './money.ts';

test('rounds half away from zero, exactly', () => {
  assert.equal(divRound(5n, 2n), 3n);
  assert.equal(divRound(-5n, 2n), -3n);
  assert.equal(divRound(4n, 3n), 1n);
  assert.equal(applyBasisPoints(1005, 2000), 201); // 20 % of 10,05 € = 2,01 €
  assert.equal(applyBasisPoints(2, 2500), 1); // 0,005 € rounds up
  assert.equal(applyBasisPoints(-2, 2500), -1);
});

test('line amounts with fractional quantities and discounts', () => {
  assert.equal(lineAmount(3333, 3000), 9999); // 3 × 33,33
  assert.equal(lineAmount(4500, 250), 1125); // 0,25 h × 45 €
  assert.equal(lineAmount(1999, 1500, 1000), 2699); // 1,5 × 19,99 = 29,985 → 29,99 ; −10 % → 26,99
  assert.equal(lineAmount(1, 333), 0);
});

test('parses French and dotted amounts, refuses garbage', () => {
  assert.equal(parseCents('1 234,56'), 123456);
  assert.equal(parseCents('1\u202f234,5 €'), 123450);
  assert.equal(parseCents('-12'), -1200);
  assert.equal(parseCents('0.07'), 7);
  assert.equal(parseCents('12,345'), null);
  assert.equal(parseCents('abc'), null);
  assert.equal(parseQuantityMilli('1,5'), 1500);
  assert.equal(parseQuantityMilli('0.125'), 125);
  assert.equal(milliToDecimal(1500), '1.5');
});

test('formats euros the French way with a no-break space every font can draw', () => {
  assert.equal(formatEuros(123456), '1\u00a0234,56\u00a0€');
  assert.equal(formatEuros(-5), '-0,05\u00a0€');
  assert.equal(formatEuros(100000000), '1\u00a0000\u00a0000,00\u00a0€');
  assert.equal(centsToDecimal(123450), '1234.50');
  assert.equal(centsToDecimal(-7, ','), '-0,07');
});
