// Social Return on Investment, after the SROI guide: for each outcome, quantity × financial
// proxy, minus deadweight, displacement and attribution, with drop-off in later years,
// discounted from year 1; SROI = present value ÷ investment. Exact rationals throughout
// (decimal.ts), rounded once for display. The sensitivity table varies one assumption at a time.
import * as D from './decimal.ts';
import type { Rational } from './decimal.ts';

export interface SroiOutcomeInput {
  name: string;
  quantity: string | number;
  proxy: string | number;
  deadweight?: string | number;
  displacement?: string | number;
  attribution?: string | number;
  drop_off?: string | number;
  duration_years: number;
}
export interface SroiInput {
  investment: string | number;
  discount_rate?: string | number;
  outcomes: SroiOutcomeInput[];
}

interface Outcome {
  name: string;
  quantity: Rational;
  proxy: Rational;
  deadweight: Rational;
  displacement: Rational;
  attribution: Rational;
  dropOff: Rational;
  years: number;
}
export interface Scenario {
  investment: Rational;
  discountRate: Rational;
  outcomes: Outcome[];
}

export const DEFAULT_DISCOUNT_RATE = '0.035';
export const ASSUMPTIONS = [
  'deadweight',
  'displacement',
  'attribution',
  'drop_off',
  'proxy',
  'duration',
  'discount_rate',
] as const;
export type Assumption = (typeof ASSUMPTIONS)[number];
export const ASSUMPTION_LABELS: Record<Assumption, string> = {
  deadweight: 'Effet d’aubaine (± 10 points)',
  displacement: 'Déplacement (± 10 points)',
  attribution: 'Attribution à d’autres (± 10 points)',
  drop_off: 'Érosion annuelle (± 10 points)',
  proxy: 'Valeur monétaire (± 20 %)',
  duration: 'Durée (± 1 an)',
  discount_rate: 'Taux d’actualisation (± 1,5 point)',
};

export class SroiInputError extends Error {}

const MAX_YEARS = 50;
function rate(v: unknown, field: string, i: number): Rational {
  if (v === undefined || v === null || v === '') return D.ZERO;
  const r = num(v, `outcomes[${i}].${field}`);
  if (D.cmp(r, D.ZERO) < 0 || D.cmp(r, D.ONE) > 0)
    throw new SroiInputError(`outcomes[${i}].${field} doit être une fraction entre 0 et 1`);
  return r;
}
function num(v: unknown, field: string): Rational {
  if (typeof v !== 'number' && typeof v !== 'string') throw new SroiInputError(`${field} doit être un nombre`);
  try {
    return D.parseDecimal(v);
  } catch {
    throw new SroiInputError(`${field} doit être un nombre`);
  }
}

/** Validates a scenario as read from JSON (or a form); throws SroiInputError with a French message. */
export function parseScenario(input: unknown): Scenario {
  if (!input || typeof input !== 'object') throw new SroiInputError('le scénario doit être un objet JSON');
  const o = input as Record<string, unknown>;
  const investment = num(o.investment, 'investment');
  if (D.cmp(investment, D.ZERO) <= 0) throw new SroiInputError('investment doit être positif');
  const discountRate =
    o.discount_rate === undefined || o.discount_rate === null
      ? D.parseDecimal(DEFAULT_DISCOUNT_RATE)
      : num(o.discount_rate, 'discount_rate');
  if (D.cmp(discountRate, D.ZERO) < 0 || D.cmp(discountRate, D.ONE) > 0)
    throw new SroiInputError('discount_rate doit être une fraction entre 0 et 1');
  if (!Array.isArray(o.outcomes) || !o.outcomes.length)
    throw new SroiInputError('outcomes doit lister au moins un effet');
  if (o.outcomes.length > 200) throw new SroiInputError('200 effets au plus');
  const outcomes = o.outcomes.map((raw, i): Outcome => {
    if (!raw || typeof raw !== 'object') throw new SroiInputError(`outcomes[${i}] doit être un objet`);
    const x = raw as Record<string, unknown>;
    const quantity = num(x.quantity, `outcomes[${i}].quantity`);
    const proxy = num(x.proxy, `outcomes[${i}].proxy`);
    if (D.cmp(quantity, D.ZERO) < 0) throw new SroiInputError(`outcomes[${i}].quantity ne peut être négatif`);
    if (D.cmp(proxy, D.ZERO) < 0) throw new SroiInputError(`outcomes[${i}].proxy ne peut être négatif`);
    const years = Number(x.duration_years);
    if (!Number.isInteger(years) || years < 1 || years > MAX_YEARS)
      throw new SroiInputError(
        `outcomes[${i}].duration_years doit être un nombre entier d’années entre 1 et ${MAX_YEARS}`,
      );
    return {
      name: typeof x.name === 'string' ? x.name : `effet ${i + 1}`,
      quantity,
      proxy,
      deadweight: rate(x.deadweight, 'deadweight', i),
      displacement: rate(x.displacement, 'displacement', i),
      attribution: rate(x.attribution, 'attribution', i),
      dropOff: rate(x.drop_off, 'drop_off', i),
      years,
    };
  });
  return { investment, discountRate, outcomes };
}

/** Value of one outcome in year y (1-based), before discounting. */
export function yearValue(o: Outcome, y: number): Rational {
  const base = [
    o.quantity,
    o.proxy,
    D.sub(D.ONE, o.deadweight),
    D.sub(D.ONE, o.displacement),
    D.sub(D.ONE, o.attribution),
  ].reduce(D.mul);
  return D.mul(base, D.pow(D.sub(D.ONE, o.dropOff), y - 1));
}

export function presentValue(s: Scenario): Rational {
  const factor = D.add(D.ONE, s.discountRate);
  let pv = D.ZERO;
  for (const o of s.outcomes)
    for (let y = 1; y <= o.years; y++) pv = D.add(pv, D.div(yearValue(o, y), D.pow(factor, y)));
  return pv;
}

const PTS10 = D.parseDecimal('0.1');
const PTS15 = D.parseDecimal('0.015');
const PCT20 = D.parseDecimal('0.2');
const shiftRate = (r: Rational, by: Rational) => D.clamp(D.add(r, by), D.ZERO, D.ONE);
const mapOutcomes = (s: Scenario, f: (o: Outcome) => Outcome): Scenario => ({ ...s, outcomes: s.outcomes.map(f) });

/** The scenario with one assumption moved to its pessimistic (−1) or optimistic (+1) side. */
export function vary(s: Scenario, a: Assumption, side: -1 | 1): Scenario {
  const worse = side === -1;
  const neg = (x: Rational) => D.sub(D.ZERO, x);
  switch (a) {
    case 'deadweight':
    case 'displacement':
    case 'attribution': {
      return mapOutcomes(s, (o) => ({ ...o, [a]: shiftRate(o[a], worse ? PTS10 : neg(PTS10)) }));
    }
    case 'drop_off':
      return mapOutcomes(s, (o) => ({ ...o, dropOff: shiftRate(o.dropOff, worse ? PTS10 : neg(PTS10)) }));
    case 'proxy':
      return mapOutcomes(s, (o) => ({ ...o, proxy: D.mul(o.proxy, D.add(D.ONE, worse ? neg(PCT20) : PCT20)) }));
    case 'duration':
      return mapOutcomes(s, (o) => ({
        ...o,
        years: worse ? Math.max(1, o.years - 1) : Math.min(MAX_YEARS, o.years + 1),
      }));
    case 'discount_rate':
      return { ...s, discountRate: shiftRate(s.discountRate, worse ? PTS15 : neg(PTS15)) };
  }
}

export interface SensitivityRow {
  assumption: Assumption;
  low: string;
  high: string;
  ratio_low: string;
  ratio_high: string;
}
export interface SroiResult {
  present_value: string;
  ratio: string;
  sensitivity: SensitivityRow[];
}

/** Present value and ratio, then for each assumption the present value and ratio on its pessimistic (low) and optimistic (high) side. */
export function computeSroi(input: unknown): SroiResult {
  const s = parseScenario(input);
  const pv = presentValue(s);
  const ratio = (x: Rational) => D.toFixed(D.div(x, s.investment), 2);
  return {
    present_value: D.toFixed(pv, 2),
    ratio: ratio(pv),
    sensitivity: ASSUMPTIONS.map((a) => {
      const lo = presentValue(vary(s, a, -1));
      const hi = presentValue(vary(s, a, 1));
      return {
        assumption: a,
        low: D.toFixed(lo, 2),
        high: D.toFixed(hi, 2),
        ratio_low: ratio(lo),
        ratio_high: ratio(hi),
      };
    }),
  };
}
