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
  cddDuration: 'salarié . contrat . CDD . durée',
  cddAllowances: 'salarié . rémunération . indemnités CDD',
  headcountBand: 'entreprise . salariés . effectif . seuil',
  mobilityRate: 'établissement . commune . taux versement mobilité',
  atmpRate: 'établissement . taux ATMP',
  healthPlan: 'salarié . cotisations . prévoyances . santé . montant',
  healthEmployerShare: 'salarié . cotisations . prévoyances . santé . taux employeur',
} as const satisfies Record<string, Rule>;

/** Legal full-time month: 35 h × 52 / 12. At or above it the contract is full time. */
export const FULL_TIME_HOURS_PER_MONTH = (35 * 52) / 12;
/** Upper bound accepted for any amount (cost, gross or net), to keep the inversion in range. */
export const MAX_MONTHLY_CENTS = 100_000_00;
const MAX_SOLVER_EVALUATIONS = 30;
const CACHE_MAX = 500;

export type ContractType = 'CDI' | 'CDD';
export const CONTRACT_LABELS: Record<ContractType, string> = {
  CDI: 'CDI (durée indéterminée)',
  CDD: 'CDD (durée déterminée)',
};
/** Headcount bands of the rules (`entreprise . salariés . effectif . seuil`). */
export const HEADCOUNT_BANDS = [
  'moins de 5',
  'moins de 11',
  'moins de 20',
  'moins de 50',
  'moins de 150',
  'moins de 250',
  'plus de 250',
] as const;
export type HeadcountBand = (typeof HEADCOUNT_BANDS)[number];

/**
 * The cooperative's own parameters (settings.payroll), passed to every simulation. Rates in
 * basis points (295 = 2,95 %); money in cents. Absent: the rules' defaults (fewer than 11
 * employees, no versement mobilité, the collective AT/MP rate, a 40 € health plan paid half).
 * The complementary pension (Agirc-Arrco) has legal rates the rules apply by themselves.
 */
export interface PayrollParams {
  headcountBand: HeadcountBand;
  /** Versement mobilité rate of the commune (0 when none or under 11 employees). */
  mobilityRateBp: number;
  /** The commune, for display only (the rate is what counts). */
  commune: string;
  /** The establishment's AT/MP rate; null: the collective rate of the rules. */
  atmpRateBp: number | null;
  /** Monthly premium of the compulsory health plan (mutuelle), employer and employee shares together. */
  healthPlanMonthlyCents: number;
  /** The employer's share of that premium (at least 50 %). */
  healthEmployerShareBp: number;
}

export interface SalaryOptions {
  hoursPerMonth?: number;
  contract?: ContractType;
  /** Length of a fixed-term contract in months (CDD only; the end-of-contract allowances depend on it). */
  cddMonths?: number;
  params?: PayrollParams | null;
}

export interface SalaryLine {
  key:
    | 'employerCost'
    | 'employerContributions'
    | 'employerReliefs'
    | 'gross'
    | 'cddAllowances'
    | 'totalGross'
    | 'employeeContributions'
    | 'csgCrds'
    | 'netBeforeTax';
  label: string;
  amountCents: Cents;
  /** 'total' lines are the anchors; 'minus' lines are subtracted; 'detail' lines are "dont …". */
  kind: 'total' | 'minus' | 'detail';
}

export interface SalarySimulation {
  input: {
    from: 'employerCost' | 'gross' | 'net';
    cents: Cents;
    hoursPerMonth: number | null;
    contract: ContractType;
    cddMonths: number | null;
    params: PayrollParams | null;
  };
  employerCostCents: Cents;
  /** The contract's monthly gross (salaire de base). */
  grossCents: Cents;
  /** CDD only: end-of-contract and paid-leave allowances spread over the months (0 for a CDI). */
  cddAllowancesCents: Cents;
  /** Gross pay of the month: gross + CDD allowances (what payroll and the posting use). */
  totalGrossCents: Cents;
  netBeforeTaxCents: Cents;
  /** cost − total gross (employer contributions after reliefs). */
  employerContributionsCents: Cents;
  /** total gross − net (employee contributions, CSG-CRDS included). */
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

/** A rate in basis points as a publicodes percentage literal ("2.95 %"). */
const bpLiteral = (bp: number) => `${bp / 100} %`;

/**
 * The situation of a CAE entrepreneur-salarié: an ordinary employee (not a company officer), CDI
 * or CDD, full or part time, in a cooperative with its own parameters (headcount, versement
 * mobilité, AT/MP rate, health plan).
 */
export function cooperativeEmployeeSituation(
  hoursPerMonth: number | null,
  contract: ContractType = 'CDI',
  params: PayrollParams | null = null,
  cddMonths: number | null = null,
): Situation<Rule> {
  const s: Situation<Rule> = { [RULES.contract]: `'${contract}'`, [RULES.executive]: 'non' };
  if (hoursPerMonth !== null) {
    s[RULES.partTime] = 'oui';
    s[RULES.partTimeHoursPerWeek] = `${hoursPerMonth} heure/mois / période . semaines par mois`;
  }
  if (contract === 'CDD' && cddMonths !== null) s[RULES.cddDuration] = `${cddMonths} mois`;
  if (params) {
    s[RULES.headcountBand] = `'${params.headcountBand}'`;
    s[RULES.mobilityRate] = bpLiteral(params.mobilityRateBp);
    if (params.atmpRateBp !== null) s[RULES.atmpRate] = bpLiteral(params.atmpRateBp);
    s[RULES.healthPlan] = centsToPublicodes(params.healthPlanMonthlyCents);
    s[RULES.healthEmployerShare] = bpLiteral(params.healthEmployerShareBp);
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
  allowances: Cents;
}

/** Forward evaluations of integer-cent grosses for one situation, memoized for one simulation. */
class Forward {
  readonly memo = new Map<number, ForwardValues>();
  evaluations = 0;
  constructor(
    private readonly e: Engine<Rule>,
    private readonly base: Situation<Rule>,
    private readonly cdd = false,
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
        allowances: this.cdd ? eurosToCents(evalEuros(this.e, RULES.cddAllowances)) : 0,
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
  if (contract !== 'CDI' && contract !== 'CDD') throw new SalaryInputError('Choisissez un CDI ou un CDD.');
  let cddMonths: number | null = null;
  if (contract === 'CDD') {
    cddMonths = opts.cddMonths ?? 12;
    if (!Number.isInteger(cddMonths) || cddMonths < 1 || cddMonths > 36)
      throw new SalaryInputError('La durée du CDD se compte en mois entiers, de 1 à 36.');
  }
  const hours = normalizeHours(opts.hoursPerMonth);
  const params = opts.params ?? null;
  const key = JSON.stringify([from, cents, hours, contract, cddMonths, params]);
  return cached(key, () => {
    const fw = new Forward(
      getEngine(),
      cooperativeEmployeeSituation(hours, contract, params, cddMonths),
      contract === 'CDD',
    );
    const grossCents =
      from === 'gross' ? cents : from === 'employerCost' ? grossForCost(fw, cents) : grossForNet(fw, cents);
    const d = fw.at(grossCents);
    const employerCostCents = d.cost;
    const netBeforeTaxCents = d.net;
    const cddAllowancesCents = d.allowances;
    const totalGrossCents = grossCents + cddAllowancesCents;
    const employerContributionsCents = employerCostCents - totalGrossCents;
    const employeeContributionsCents = totalGrossCents - netBeforeTaxCents;
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
    if (cddAllowancesCents > 0)
      lines.push(
        {
          key: 'totalGross',
          kind: 'total',
          label: 'Votre salaire brut, indemnités de CDD comprises',
          amountCents: totalGrossCents,
        },
        { key: 'gross', kind: 'detail', label: 'dont salaire de base', amountCents: grossCents },
        {
          key: 'cddAllowances',
          kind: 'detail',
          label: 'dont indemnités de fin de contrat et de congés payés (réparties sur les mois du CDD)',
          amountCents: cddAllowancesCents,
        },
      );
    else lines.push({ key: 'gross', kind: 'total', label: 'Votre salaire brut', amountCents: grossCents });
    lines.push(
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
      input: Object.freeze({ from, cents, hoursPerMonth: hours, contract, cddMonths, params }),
      employerCostCents,
      grossCents,
      cddAllowancesCents,
      totalGrossCents,
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
