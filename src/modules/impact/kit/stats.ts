// Small statistics for indicators: Wilson score intervals for proportions, medians and
// quartiles, WHO-5 scoring and the Kaplan–Meier survival estimator. Pure functions.

/** 97.5th percentile of the standard normal: a 95 % two-sided interval. */
export const Z95 = 1.959963984540054;

/** Wilson score interval (without continuity correction) for x successes out of n. */
export function wilson(x: number, n: number, z = Z95): { low: number; high: number } {
  if (!Number.isInteger(x) || !Number.isInteger(n) || n <= 0 || x < 0 || x > n)
    throw new RangeError(`wilson: ${x}/${n}`);
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Quantile by linear interpolation between closest ranks (type 7, as spreadsheets do). */
export function quantile(values: readonly number[], q: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}
export const median = (values: readonly number[]) => quantile(values, 0.5);

/** WHO-5 Well-Being Index (public domain): five items scored 0–5, raw 0–25, ×4 → 0–100. */
export interface Who5Score {
  raw: number;
  percent: number;
  /** ≤ 50: poor well-being, a reason to offer a conversation. */
  poor: boolean;
}
export const WHO5_ITEMS = [
  'Je me suis senti·e bien et de bonne humeur',
  'Je me suis senti·e calme et tranquille',
  'Je me suis senti·e plein·e d’énergie et vigoureux·se',
  'Je me suis réveillé·e en me sentant frais·che et dispos·e',
  'Ma vie quotidienne a été remplie de choses intéressantes',
] as const;
export const WHO5_SCALE = [
  'Tout le temps',
  'La plupart du temps',
  'Plus de la moitié du temps',
  'Moins de la moitié du temps',
  'De temps en temps',
  'Jamais',
] as const; // shown 5 → 0
/** A change of 10 points (percent scale) is clinically relevant. */
export const WHO5_RELEVANT_CHANGE = 10;

export function who5(items: readonly number[]): Who5Score {
  if (items.length !== 5) throw new RangeError('WHO-5 : il faut cinq réponses');
  for (const v of items) if (!Number.isInteger(v) || v < 0 || v > 5) throw new RangeError('WHO-5 : réponses de 0 à 5');
  const raw = items.reduce((a, b) => a + b, 0);
  return { raw, percent: raw * 4, poor: raw * 4 <= 50 };
}

/** Kaplan–Meier: times in any unit, `event` false for a censored observation (still running). */
export interface KmObservation {
  time: number;
  event: boolean;
}
export interface KmStep {
  time: number;
  atRisk: number;
  events: number;
  censored: number;
  survival: number;
}
export function kaplanMeier(obs: readonly KmObservation[]): KmStep[] {
  const times = [...new Set(obs.map((o) => o.time))].sort((a, b) => a - b);
  let atRisk = obs.length;
  let s = 1;
  const steps: KmStep[] = [];
  for (const t of times) {
    const here = obs.filter((o) => o.time === t);
    const events = here.filter((o) => o.event).length;
    const censored = here.length - events;
    // Censored at t are still at risk at t (the convention: events before censoring).
    if (events) s *= 1 - events / atRisk;
    steps.push({ time: t, atRisk, events, censored, survival: s });
    atRisk -= here.length;
  }
  return steps;
}
/** Survival at time t from the steps (1 before the first event); null past the last observation. */
export function survivalAt(steps: readonly KmStep[], t: number): number | null {
  if (!steps.length) return null;
  if (t > steps[steps.length - 1]!.time && steps[steps.length - 1]!.survival > 0) return null;
  let s = 1;
  for (const st of steps) if (st.time <= t) s = st.survival;
  return s;
}
