// Salary simulation with the real French rules: modele-social (URSSAF's publicodes rules, the ones
// behind mon-entreprise.urssaf.fr) evaluated by the publicodes engine.
//
// - One Engine per process, built lazily (parsing the rules takes ~0.4–2.6 s) — call warmUp() at
//   start-up so no request pays for it. Evaluation is synchronous, so sharing it is safe.
// - Results are cached per situation (LRU); a cold evaluation costs a few hundred milliseconds.
// - Money is integer cents at this module's boundary. ROUNDING RULE (the only one): publicodes
//   returns euros as floats; the three anchors — employer cost, gross and net before tax — are
//   each converted ONCE with `eurosToCents` (× 100, binary noise removed at 6 decimals, then half
//   away from zero). Contribution totals are DERIVED as differences of rounded anchors
//   (cost − gross, gross − net) so the breakdown always adds up to the cent.
// - The contract's gross in whole cents is what payroll uses, so every simulation is a FORWARD
//   evaluation of an integer-cent gross. From a cost or a net we search that gross ourselves
//   (secant steps on forward evaluations, then galloping + bisection on whole cents) instead of the rules' own
//   `inversion numérique`: the latter stops after 10 iterations and silently accepts any value
//   within 1 € (we measured cost errors of up to 18 cents). Rules of the search:
//     · from an employer cost C: the LARGEST gross whose rounded cost is ≤ C (never spend more
//       than the envelope). The cost shown is usually C or 1 cent under it, but the rules have
//       small jumps (the RGDU relief moves in steps: +21 cents of cost between the grosses
//       2 110,19 € and 2 110,20 €), so in such a gap it can be up to ~35 cents under C;
//     · from a net N: the SMALLEST gross whose rounded net is N, i.e. the cheapest way to pay it
//       (every cent of net is reachable: one cent of gross moves the net by less than a cent).
//   Together: net → cost → net is exact, and cost → net → cost never exceeds the envelope.
import Engine from 'publicodes';
import type { Situation } from 'publicodes';
import rules, { type RègleModèleSocial } from 'modele-social';
import type { Cents } from '../../../core/money.ts';

type Rule = RègleModèleSocial;

/** The rule names we use (all exist in modele-social 11.1). */
export const RULES = {
  employerCost: 'salarié . coût total employeur',
  gross: 'salarié . contrat . salaire brut',
  netBeforeTax: 'salarié . rémunération . net . à payer avant impôt',
  employerContributions: 'salarié . cotisations . employeur',
  employeeContributions: 'salarié . cotisations . salarié',
  employerReliefs: 'salarié . cotisations . exonérations . employeur',
  csgCrds: 'salarié . cotisations . CSG-CRDS',
  contract: 'salarié . contrat',
  partTime: 'salarié . contrat . temps de travail . temps partiel',
  partTimeHoursPerWeek: 'salarié . contrat . temps de travail . temps partiel . heures par semaine',
  workingTime: 'salarié . contrat . temps de travail',
  executive: 'dirigeant',
} as const satisfies Record<string, Rule>;

/** Legal full-time month: 35 h × 52 / 12. At or above it the contract is full time. */
export const FULL_TIME_HOURS_PER_MONTH = (35 * 52) / 12;
/** Upper bound accepted for any amount (cost, gross or net), to keep the inversion in range. */
export const MAX_MONTHLY_CENTS = 100_000_00;
const MAX_SOLVER_EVALUATIONS = 30;
const CACHE_MAX = 500;

export interface SalaryOptions {
  hoursPerMonth?: number;
  contract?: 'CDI';
}

export interface SalaryLine {
  key:
    | 'employerCost'
    | 'employerContributions'
    | 'employerReliefs'
    | 'gross'
    | 'employeeContributions'
    | 'csgCrds'
    | 'netBeforeTax';
  label: string;
  amountCents: Cents;
  /** 'total' lines are the anchors; 'minus' lines are subtracted; 'detail' lines are "dont …". */
  kind: 'total' | 'minus' | 'detail';
}

export interface SalarySimulation {
  input: { from: 'employerCost' | 'gross' | 'net'; cents: Cents; hoursPerMonth: number | null; contract: 'CDI' };
  employerCostCents: Cents;
  grossCents: Cents;
  netBeforeTaxCents: Cents;
  /** cost − gross (employer contributions after reliefs). */
  employerContributionsCents: Cents;
  /** gross − net (employee contributions, CSG-CRDS included). */
  employeeContributionsCents: Cents;
  lines: readonly SalaryLine[];
}

export class SalaryInputError extends Error {}

/** € float from publicodes → integer cents (see the module comment for the rule). */
export function eurosToCents(euros: number): Cents {
  if (!Number.isFinite(euros)) throw new Error(`montant non numérique : ${euros}`);
  const scaled = Number((Math.abs(euros) * 100).toFixed(6));
  const c = Math.round(scaled); // half up on the absolute value = half away from zero
  return euros < 0 ? -c : c;
}

/** Integer cents → a publicodes literal in €/mois ("2500.5 €/mois"). Exact: cents / 100 in decimal. */
export function centsToPublicodes(cents: Cents): string {
  const neg = cents < 0;
  const a = Math.abs(cents);
  return `${neg ? '-' : ''}${Math.trunc(a / 100)}.${String(a % 100).padStart(2, '0')} €/mois`;
}

// ── Engine (lazy singleton) ───────────────────────────────────────────────────────────────────

let engine: Engine<Rule> | null = null;
let engineBuildMs: number | null = null;

const quietLogger = {
  log() {},
  warn() {},
  error(m: string) {
    console.error(`[salaire] ${m}`);
  },
};

function getEngine(): Engine<Rule> {
  if (!engine) {
    const t0 = performance.now();
    engine = new Engine<Rule>(rules, { logger: quietLogger });
    engineBuildMs = performance.now() - t0;
  }
  return engine;
}

/** Builds the engine now (call at start-up, off the request path). Returns the build time in ms (0 if already built). */
export function warmUp(): number {
  if (engine) return 0;
  getEngine();
  return engineBuildMs ?? 0;
}

export function engineInfo() {
  return { built: engine !== null, buildMs: engineBuildMs };
}

// ── Cache (LRU on a Map: insertion order = recency) ───────────────────────────────────────────

const cache = new Map<string, SalarySimulation>();
const stats = { hits: 0, misses: 0 };

export function salaryCacheStats() {
  return { ...stats, size: cache.size };
}
export function clearSalaryCache() {
  cache.clear();
  stats.hits = 0;
  stats.misses = 0;
}

function cached(key: string, compute: () => SalarySimulation): SalarySimulation {
  const hit = cache.get(key);
  if (hit) {
    stats.hits++;
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  stats.misses++;
  const v = compute();
  cache.set(key, v);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  return v;
}

// ── Simulation ────────────────────────────────────────────────────────────────────────────────

function checkAmount(cents: Cents, what: string) {
  if (!Number.isSafeInteger(cents) || cents <= 0) throw new SalaryInputError(`${what} doit être un montant positif.`);
  if (cents > MAX_MONTHLY_CENTS)
    throw new SalaryInputError(`${what} dépasse 100 000 € par mois : vérifiez le montant.`);
}

function normalizeHours(h: number | undefined): number | null {
  if (h === undefined) return null;
  if (!Number.isFinite(h) || h <= 0) throw new SalaryInputError("Le nombre d'heures par mois doit être positif.");
  return h >= FULL_TIME_HOURS_PER_MONTH - 1e-9 ? null : Math.round(h * 100) / 100;
}

/** The situation of a CAE entrepreneur-salarié: an ordinary employee (not a company officer), CDI, full or part time. */
export function cooperativeEmployeeSituation(hoursPerMonth: number | null, contract: 'CDI' = 'CDI'): Situation<Rule> {
  const s: Situation<Rule> = { [RULES.contract]: `'${contract}'`, [RULES.executive]: 'non' };
  if (hoursPerMonth !== null) {
    s[RULES.partTime] = 'oui';
    s[RULES.partTimeHoursPerWeek] = `${hoursPerMonth} heure/mois / période . semaines par mois`;
  }
  return s;
}

function evalEuros(e: Engine<Rule>, rule: Rule): number {
  const r = e.evaluate({ valeur: rule, unité: '€/mois' });
  if (typeof r.nodeValue === 'number' && Number.isFinite(r.nodeValue)) return r.nodeValue;
  throw new Error(`La règle « ${rule} » n'a pas de valeur numérique.`);
}

interface ForwardValues {
  cost: Cents;
  net: Cents;
  netE: number;
  reliefs: Cents;
  csgCrds: Cents;
}

/** Forward evaluations of integer-cent grosses for one situation, memoized for one simulation. */
class Forward {
  readonly memo = new Map<number, ForwardValues>();
  evaluations = 0;
  constructor(
    private readonly e: Engine<Rule>,
    private readonly base: Situation<Rule>,
  ) {}
  at(gross: Cents): ForwardValues {
    let v = this.memo.get(gross);
    if (!v) {
      if (++this.evaluations > MAX_SOLVER_EVALUATIONS) {
        console.error(
          `[salaire] pas de convergence après ${MAX_SOLVER_EVALUATIONS} évaluations`,
          JSON.stringify(this.base),
        );
        throw new SalaryInputError("Le calcul n'a pas abouti pour ce montant : essayez un autre montant.");
      }
      this.e.setSituation({ ...this.base, [RULES.gross]: centsToPublicodes(gross) });
      const netE = evalEuros(this.e, RULES.netBeforeTax);
      v = {
        cost: eurosToCents(evalEuros(this.e, RULES.employerCost)),
        net: eurosToCents(netE),
        netE,
        reliefs: eurosToCents(evalEuros(this.e, RULES.employerReliefs)),
        csgCrds: eurosToCents(evalEuros(this.e, RULES.csgCrds)),
      };
      this.memo.set(gross, v);
    }
    return v;
  }
}

/** Secant steps on whole cents of gross towards f(gross) = 0 (f in cents), until within a cent; returns the last iterate. */
function secant(f: (g: Cents) => number, g0: Cents, g1: Cents): Cents {
  let f0 = f(g0),
    f1 = f(g1);
  for (let i = 0; i < 8 && Math.abs(f1) >= 1 && f1 !== f0; i++) {
    const g2 = Math.min(2 * MAX_MONTHLY_CENTS, Math.max(1, Math.round(g1 - (f1 * (g1 - g0)) / (f1 - f0))));
    if (g2 === g1) break;
    g0 = g1;
    f0 = f1;
    g1 = g2;
    f1 = f(g1);
  }
  return g1;
}

/**
 * The smallest gross (≥ 1 cent) for which `pred` holds, `pred` being monotone in the gross (false then
 * true). Gallops from `hint` (the secant's last point) by 1, 2, 4… cents, using the points already
 * evaluated as bounds, then bisects: a few evaluations even across the small jumps of the rules.
 */
function firstGrossWhere(fw: Forward, pred: (v: ForwardValues) => boolean, hint: Cents): Cents {
  let lo = 0;
  let hi = Infinity; // pred(lo) false (0 = "below any gross"), pred(hi) true
  for (const [g, v] of fw.memo) {
    if (pred(v)) hi = Math.min(hi, g);
    else lo = Math.max(lo, g);
  }
  if (pred(fw.at(hint))) {
    for (let step = 1; hi - lo > 1; step *= 2) {
      const g = Math.max(lo + 1, hi - step);
      if (g < 1) break;
      if (pred(fw.at(g))) hi = g;
      else {
        lo = g;
        break;
      }
    }
  } else {
    for (let step = 1; hi - lo > 1; step *= 2) {
      const g = Math.min(hi - 1, lo + step);
      if (!pred(fw.at(g))) lo = g;
      else {
        hi = g;
        break;
      }
    }
  }
  while (hi - lo > 1) {
    const m = Math.floor((lo + hi) / 2);
    if (pred(fw.at(m))) hi = m;
    else lo = m;
  }
  return hi;
}

function grossForCost(fw: Forward, cost: Cents): Cents {
  const g0 = Math.round(cost / 1.25);
  const hint = secant((x) => fw.at(x).cost - cost, g0, g0 + 1000);
  const g = firstGrossWhere(fw, (v) => v.cost > cost, hint) - 1;
  if (g < 1)
    throw new SalaryInputError('Ce montant est trop faible pour payer un salaire : essayez un montant plus élevé.');
  return g;
}

function grossForNet(fw: Forward, net: Cents): Cents {
  const g0 = Math.round(net * 1.28);
  const hint = secant((x) => fw.at(x).netE * 100 - net, g0, g0 + 1000);
  const g = firstGrossWhere(fw, (v) => v.net >= net, hint);
  if (fw.at(g).net !== net)
    throw new SalaryInputError("Le calcul n'a pas abouti pour ce montant : essayez un montant plus élevé.");
  return g;
}

function simulate(from: SalarySimulation['input']['from'], cents: Cents, opts: SalaryOptions = {}): SalarySimulation {
  const what = from === 'employerCost' ? 'Le coût employeur' : from === 'gross' ? 'Le salaire brut' : 'Le salaire net';
  checkAmount(cents, what);
  const contract = opts.contract ?? 'CDI';
  if (contract !== 'CDI') throw new SalaryInputError('Seul le CDI est simulé pour le moment.');
  const hours = normalizeHours(opts.hoursPerMonth);
  const key = JSON.stringify([from, cents, hours, contract]);
  return cached(key, () => {
    const fw = new Forward(getEngine(), cooperativeEmployeeSituation(hours, contract));
    const grossCents =
      from === 'gross' ? cents : from === 'employerCost' ? grossForCost(fw, cents) : grossForNet(fw, cents);
    const d = fw.at(grossCents);
    const employerCostCents = d.cost;
    const netBeforeTaxCents = d.net;
    const employerContributionsCents = employerCostCents - grossCents;
    const employeeContributionsCents = grossCents - netBeforeTaxCents;
    const lines: SalaryLine[] = [
      {
        key: 'employerCost',
        kind: 'total',
        label: 'Ce que vous coûtez à la coopérative',
        amountCents: employerCostCents,
      },
      {
        key: 'employerContributions',
        kind: 'minus',
        label: 'Cotisations sociales payées par la coopérative (part employeur)',
        amountCents: employerContributionsCents,
      },
    ];
    if (d.reliefs > 0)
      lines.push({
        key: 'employerReliefs',
        kind: 'detail',
        label: 'déjà déduites : réductions de cotisations accordées par l’État',
        amountCents: d.reliefs,
      });
    lines.push(
      { key: 'gross', kind: 'total', label: 'Votre salaire brut', amountCents: grossCents },
      {
        key: 'employeeContributions',
        kind: 'minus',
        label: 'Cotisations sociales retenues sur votre salaire (part salarié)',
        amountCents: employeeContributionsCents,
      },
      { key: 'csgCrds', kind: 'detail', label: 'dont CSG et CRDS', amountCents: d.csgCrds },
      {
        key: 'netBeforeTax',
        kind: 'total',
        label: 'Ce que vous recevez sur votre compte (net avant impôt)',
        amountCents: netBeforeTaxCents,
      },
    );
    for (const l of lines) Object.freeze(l);
    lastEvaluations = fw.evaluations;
    return Object.freeze({
      input: Object.freeze({ from, cents, hoursPerMonth: hours, contract }),
      employerCostCents,
      grossCents,
      netBeforeTaxCents,
      employerContributionsCents,
      employeeContributionsCents,
      lines: Object.freeze(lines),
    });
  });
}

let lastEvaluations = 0;
/** How many forward evaluations the last uncached simulation needed (bench, diagnostics). */
export function lastSimulationEvaluations() {
  return lastEvaluations;
}

/** "How much do I spend on my salary this month?" — total employer cost → gross → net. */
export function simulateFromEmployerCost(costCents: Cents, opts?: SalaryOptions): SalarySimulation {
  return simulate('employerCost', costCents, opts);
}

export function simulateFromGross(grossCents: Cents, opts?: SalaryOptions): SalarySimulation {
  return simulate('gross', grossCents, opts);
}

/** The inverse: the net wished for → gross → employer cost (the rules' numeric inversion). */
export function simulateFromNet(netCents: Cents, opts?: SalaryOptions): SalarySimulation {
  return simulate('net', netCents, opts);
}
