// The official French mileage scale (barème kilométrique, cars), kept as one JSON file per year in
// mileage-scales/. Bands apply to the total distance of the year per vehicle: a trip is worth
// allowance(km of the year after it) − allowance(km before it), so crossing 5,000 km re-prices
// the whole year exactly as the scale says.
import { readFileSync, readdirSync } from 'node:fs';
import { UserError } from '../../core/errors.ts';
import { divRound } from '../../core/money.ts';

export interface ScaleRate {
  a: number;
  b: number;
} // a: thousandths of a euro per km; b: euros
export interface MileageScale {
  year: number;
  source: string;
  bands: [number, number];
  cars: { hpMax: number; label: string; rates: [ScaleRate, ScaleRate, ScaleRate] }[];
}

const dir = new URL('./mileage-scales/', import.meta.url);
const scales = new Map<number, MileageScale>();
for (const f of readdirSync(dir)) {
  if (!/^\d{4}\.json$/.test(f)) continue;
  const s = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as MileageScale;
  scales.set(s.year, s);
}
export const scaleYears = () => [...scales.keys()].sort();

export function scaleFor(year: number): MileageScale {
  const s = scales.get(year);
  if (!s) throw new UserError(`Le barème kilométrique ${year} n'est pas encore disponible.`, 'date');
  return s;
}

/** Yearly allowance in cents for `km` kilometres driven in the year with a car of `hp` fiscal horsepower. */
export function yearlyAllowanceCents(scale: MileageScale, hp: number, km: number): number {
  if (!Number.isInteger(km) || km < 0) throw new Error(`distance invalide : ${km}`);
  const row = scale.cars.find((c) => hp <= c.hpMax) ?? scale.cars[scale.cars.length - 1];
  const band = km <= scale.bands[0] ? 0 : km <= scale.bands[1] ? 1 : 2;
  const { a, b } = row.rates[band];
  // d × a (a in thousandths of a euro) → cents: d × a / 10, rounded half up; + b euros.
  return Number(divRound(BigInt(km) * BigInt(a), 10n)) + b * 100;
}

/** The allowance of one trip given the vehicle's distance already driven that year. */
export function tripAllowanceCents(scale: MileageScale, hp: number, kmBefore: number, distance: number): number {
  return yearlyAllowanceCents(scale, hp, kmBefore + distance) - yearlyAllowanceCents(scale, hp, kmBefore);
}
