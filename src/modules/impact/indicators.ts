// The referential's ERP-sourced indicators, computed from what the other modules hand over
// (journeys' stage histories, directory profile counts, ledger revenue and salaries). Pure:
// facts in, rows out. Per cooperative the facts become mergeable measures (counts and lists of
// values), so the network figure pools people rather than averaging cooperatives.
import type { JourneyFact } from '../journeys/index.ts';
import type { LedgerImpactFigures } from '../ledger/index.ts';
import type { ProfileCounts } from '../directory/index.ts';
import { kaplanMeier, median, survivalAt, wilson, type KmObservation } from './kit/stats.ts';
import { MIN_PEOPLE } from './kit/suppression.ts';

export interface CoopFacts {
  journeys: JourneyFact[];
  profiles: ProfileCounts;
  ledger: LedgerImpactFigures;
  /** WHO-5 scores (0–100) of the survey answers of the year: anonymous, from this module. */
  who5Scores?: number[];
  /** Analytic codes of the activities that cooperated in the year (joint offer, internal invoice). */
  cooperatingCodes?: string[];
}

interface Share {
  x: number;
  n: number;
}
export interface Measures {
  revenues: number[];
  salaried: Share;
  monthlySalaries: number[];
  survival: KmObservation[];
  conversion: Share;
  conversionDelays: number[];
  positiveExits: Share;
  women: Share;
  jobSeekers: Share;
  qpv: Share;
  associates: Share;
  workshops: Share;
  cooperation: Share;
  who5: number[];
}

export const POSITIVE_EXITS = ['own_company', 'salaried_job', 'training'];
const IN_ACTIVITY = ['cape', 'cesa', 'associate'];
const SALARIED = ['cesa', 'associate'];

const DAY = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

/** The stage a journey was at on a date (its last transition on or before it). */
export function stageOn(t: JourneyFact['transitions'], date: string): string | null {
  let s: string | null = null;
  for (const x of t) if (x.on <= date) s = x.to;
  return s;
}

export function measuresOf(f: CoopFacts, year: number, today: string): Measures {
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  const horizon = today < end ? today : end;
  const m = emptyMeasures();
  m.revenues = f.ledger.revenueByActivity.map((r) => r.cents);
  // E2: among the activities that invoiced in the year, those that also cooperated.
  const cooperating = new Set(f.cooperatingCodes ?? []);
  m.cooperation = {
    n: f.ledger.revenueByActivity.length,
    x: f.ledger.revenueByActivity.filter((r) => cooperating.has(r.analyticCode)).length,
  };
  m.who5 = [...(f.who5Scores ?? [])];
  const pay = new Map(f.ledger.salaries.map((s) => [s.userId, s]));
  for (const j of f.journeys) {
    const t = j.transitions;
    const atEnd = stageOn(t, horizon);
    if (atEnd && SALARIED.includes(atEnd)) {
      m.associates.n++;
      if (atEnd === 'associate') m.associates.x++;
      if (f.ledger.salaries.length && j.userId) {
        m.salaried.n++;
        const p = pay.get(j.userId);
        if (p && p.months > 0) {
          m.salaried.x++;
          m.monthlySalaries.push(Math.round(p.grossCents / p.months));
        }
      }
    }
    if (atEnd && IN_ACTIVITY.includes(atEnd)) {
      m.workshops.n++;
      if (j.attendedWorkshopInYear) m.workshops.x++;
    }
    // B1: those who left CAPE during the year, and whether it was for a CESA.
    const firstCape = t.find((x) => x.to === 'cape')?.on;
    for (const x of t)
      if (x.from === 'cape' && x.to !== 'cape' && x.on >= start && x.on <= end) {
        m.conversion.n++;
        if (x.to === 'cesa') {
          m.conversion.x++;
          if (firstCape) m.conversionDelays.push(days(firstCape, x.on));
        }
      }
    // B2: exits during the year of people who had started an activity.
    for (let i = 0; i < t.length; i++) {
      const x = t[i]!;
      if (x.to !== 'exit' || x.on < start || x.on > end) continue;
      if (!t.slice(0, i).some((p) => IN_ACTIVITY.includes(p.to))) continue;
      m.positiveExits.n++;
      if (x.exitReason && POSITIVE_EXITS.includes(x.exitReason)) m.positiveExits.x++;
    }
    // A3: from the first start of an activity to its stop (other exits are censored).
    const began = t.find((x) => x.to === 'cape' || x.to === 'cesa');
    if (began && began.on <= horizon) {
      const stop = t.find((x) => x.to === 'exit' && x.on >= began.on && x.on <= horizon);
      if (stop) m.survival.push({ time: days(began.on, stop.on), event: stop.exitReason === 'stop' });
      else m.survival.push({ time: days(began.on, horizon), event: false });
    }
  }
  const p = f.profiles;
  m.women = { x: p.women, n: p.genderKnown };
  m.jobSeekers = { x: p.jobSeekers, n: p.statusKnown };
  m.qpv = { x: p.qpv, n: p.qpvKnown };
  return m;
}

export function emptyMeasures(): Measures {
  const s = () => ({ x: 0, n: 0 });
  return {
    revenues: [],
    salaried: s(),
    monthlySalaries: [],
    survival: [],
    conversion: s(),
    conversionDelays: [],
    positiveExits: s(),
    women: s(),
    jobSeekers: s(),
    qpv: s(),
    associates: s(),
    workshops: s(),
    cooperation: s(),
    who5: [],
  };
}

export function mergeMeasures(list: readonly Measures[]): Measures {
  const m = emptyMeasures();
  for (const x of list)
    for (const k of Object.keys(m) as (keyof Measures)[]) {
      const a = m[k] as unknown;
      const b = x[k] as unknown;
      if (Array.isArray(a)) a.push(...(b as unknown[]));
      else {
        (a as Share).x += (b as Share).x;
        (a as Share).n += (b as Share).n;
      }
    }
  return m;
}

export interface IndicatorRow {
  code: string;
  label: string;
  /** Percent with one decimal, a count of days, or euros as a decimal string; null when suppressed. */
  value: number | string | null;
  unit: string;
  /** People (or activities) the figure is computed on. */
  n: number;
  low: number | null;
  high: number | null;
  suppressed: boolean;
  /** Computed from the ERP for an organisation without it (a tiers-lieu, a collective): shown
   *  « non applicable », never 0; also `suppressed`, so no median or comparison counts it. */
  notApplicable?: boolean;
  source: string;
  computed_at: string;
}

export interface IndicatorDefinition {
  code: string;
  label: string;
  definition: string;
  unit: string;
  source: string;
  /** Computed from the ERP's money (invoices, ledger, salaries): not applicable to an
   *  organisation without the ERP. */
  erp?: true;
}

export const REFERENTIAL: IndicatorDefinition[] = [
  {
    code: 'A1',
    label: 'Chiffre d’affaires annuel médian par activité',
    definition:
      'Médiane, sur les activités ayant facturé dans l’année, du chiffre d’affaires hors taxes comptabilisé (comptes 706 et 707).',
    unit: '€',
    source: 'ledger',
    erp: true,
  },
  {
    code: 'A2',
    label: 'Entrepreneur·es salarié·es s’étant versé un salaire',
    definition:
      'Part des personnes en CESA ou associées en fin d’année ayant au moins un salaire approuvé ou payé dans l’année.',
    unit: '%',
    source: 'ledger, journeys',
    erp: true,
  },
  {
    code: 'A2m',
    label: 'Salaire brut mensuel médian',
    definition: 'Médiane, sur les personnes payées dans l’année, du brut total divisé par le nombre de mois payés.',
    unit: '€',
    source: 'ledger',
    erp: true,
  },
  {
    code: 'A3',
    label: 'Activités toujours en cours un an après leur début',
    definition:
      'Estimateur de Kaplan–Meier à 365 jours depuis l’entrée en CAPE ou CESA ; l’événement est un arrêt d’activité, les autres sorties sont censurées.',
    unit: '%',
    source: 'journeys',
  },
  {
    code: 'B1',
    label: 'Passage du CAPE au CESA',
    definition: 'Part, parmi les personnes sorties du CAPE dans l’année, de celles qui ont signé un CESA.',
    unit: '%',
    source: 'journeys',
  },
  {
    code: 'B1d',
    label: 'Délai médian du CAPE au CESA',
    definition:
      'Médiane du nombre de jours entre la première entrée en CAPE et la signature du CESA, pour les passages de l’année.',
    unit: 'jours',
    source: 'journeys',
  },
  {
    code: 'B2',
    label: 'Sorties positives',
    definition:
      'Part des sorties de l’année (après un CAPE ou un CESA) vers la création d’entreprise, un emploi salarié ou une formation.',
    unit: '%',
    source: 'journeys',
  },
  {
    code: 'C1',
    label: 'Bien-être (indice WHO-5)',
    definition:
      'Score moyen WHO-5 (0 à 100) des réponses anonymes aux enquêtes de l’année ; 50 ou moins signale un bien-être faible.',
    unit: 'points',
    source: 'survey',
  },
  {
    code: 'C1p',
    label: 'Bien-être faible (WHO-5 ≤ 50)',
    definition: 'Part des réponses de l’année dont le score WHO-5 est de 50 ou moins.',
    unit: '%',
    source: 'survey',
  },
  {
    code: 'D1',
    label: 'Part des femmes',
    definition:
      'Part des femmes parmi les entrepreneur·es membres dont le profil indique le sexe (donnée facultative).',
    unit: '%',
    source: 'directory',
  },
  {
    code: 'D2',
    label: 'Demandeur·ses d’emploi ou allocataires du RSA à l’entrée',
    definition: 'Part, parmi les entrepreneur·es membres dont le statut à l’entrée est connu.',
    unit: '%',
    source: 'directory',
  },
  {
    code: 'D3',
    label: 'Habitant·es d’un quartier prioritaire (QPV)',
    definition: 'Part, parmi les entrepreneur·es membres dont le profil le renseigne.',
    unit: '%',
    source: 'directory',
  },
  {
    code: 'E2',
    label: 'Coopération entre entrepreneur·es',
    definition:
      'Part des activités ayant facturé dans l’année qui ont aussi coopéré : une offre conjointe ou une facture interne (de part ou d’autre) de la place de marché.',
    unit: '%',
    source: 'market',
    erp: true,
  },
  {
    code: 'F1',
    label: 'Sociétariat : part des associé·es',
    definition: 'Part des associé·es parmi les personnes en CESA ou associées en fin d’année.',
    unit: '%',
    source: 'journeys',
  },
  {
    code: 'F3',
    label: 'Participation aux ateliers',
    definition:
      'Part des personnes en CAPE, CESA ou associées en fin d’année ayant suivi au moins un atelier dans l’année.',
    unit: '%',
    source: 'journeys',
  },
];

const pct = (v: number) => Math.round(v * 1000) / 10;
const euros = (cents: number) => {
  const c = Math.round(cents);
  const sign = c < 0 ? '-' : '';
  const a = Math.abs(c);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
};

/** The rows of the referential; `erp` false (an organisation without the ERP): the ERP-computed
 *  indicators read « non applicable ». */
export function indicatorRows(m: Measures, computedAt: string, erp = true): IndicatorRow[] {
  const rows: IndicatorRow[] = [];
  const def = (code: string) => REFERENTIAL.find((d) => d.code === code)!;
  const push = (
    code: string,
    n: number,
    value: number | string | null,
    low: number | null = null,
    high: number | null = null,
  ) => {
    const d = def(code);
    if (!erp && d.erp) {
      rows.push({
        code,
        label: d.label,
        value: null,
        unit: d.unit,
        n: 0,
        low: null,
        high: null,
        suppressed: true,
        notApplicable: true,
        source: d.source,
        computed_at: computedAt,
      });
      return;
    }
    const suppressed = n < MIN_PEOPLE || value === null;
    rows.push({
      code,
      label: d.label,
      value: suppressed ? null : value,
      unit: d.unit,
      n,
      low: suppressed ? null : low,
      high: suppressed ? null : high,
      suppressed,
      source: d.source,
      computed_at: computedAt,
    });
  };
  const share = (code: string, s: Share) => {
    if (!s.n) return push(code, 0, null);
    const w = wilson(s.x, s.n);
    push(code, s.n, pct(s.x / s.n), pct(w.low), pct(w.high));
  };
  const med = (v: number[]) => median(v);
  push('A1', m.revenues.length, m.revenues.length ? euros(med(m.revenues)!) : null);
  share('A2', m.salaried);
  push('A2m', m.monthlySalaries.length, m.monthlySalaries.length ? euros(med(m.monthlySalaries)!) : null);
  const km = kaplanMeier(m.survival);
  const s1 = survivalAt(km, 365);
  push('A3', m.survival.length, s1 === null ? null : pct(s1));
  share('B1', m.conversion);
  push('B1d', m.conversionDelays.length, m.conversionDelays.length ? Math.round(med(m.conversionDelays)!) : null);
  share('B2', m.positiveExits);
  push(
    'C1',
    m.who5.length,
    m.who5.length ? Math.round((10 * m.who5.reduce((a, b) => a + b, 0)) / m.who5.length) / 10 : null,
  );
  share('C1p', { x: m.who5.filter((v) => v <= 50).length, n: m.who5.length });
  share('D1', m.women);
  share('D2', m.jobSeekers);
  share('D3', m.qpv);
  share('E2', m.cooperation);
  share('F1', m.associates);
  share('F3', m.workshops);
  return rows;
}
