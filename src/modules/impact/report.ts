// The yearly impact report (pure): the year's indicators of a cooperative or of the network, each
// with its interval, n, the network quartiles beside it and the trend against the previous year;
// the ESF participants summary; the saved SROI scenarios when there are any. Rows out, then CSV
// and XLSX of the same rows (the PDF is in report-pdf.ts). A figure on fewer than 5 people never
// appears: its value, interval and n read « moins de 5 personnes ».
import type { EsfReport } from './esf-report.ts';
import type { IndicatorRow } from './indicators.ts';
import type { NetworkIndicators } from './indicators.service.ts';
import { quantile } from './kit/stats.ts';
import { MIN_PEOPLE } from './kit/suppression.ts';
import { NOT_APPLICABLE_TEXT, numberText, SUPPRESSED_TEXT, valueText } from './views/format.ts';

/** Network quartiles are shown from this many cooperatives with a published figure. */
export const MIN_COOPERATIVES = 3;

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
  /** Cooperatives whose published figure went into the quartiles. */
  cooperatives: number;
}

/** Q1, median and Q3 of the cooperatives' published figures (suppressed ones never count). */
export function networkQuartiles(
  n: Pick<NetworkIndicators, 'network' | 'cooperatives'>,
): Map<string, Quartiles | null> {
  const out = new Map<string, Quartiles | null>();
  n.network.forEach((row, i) => {
    const values = n.cooperatives
      .map((c) => c.rows[i]!)
      .filter((r) => !r.suppressed && r.value !== null)
      .map((r) => Number(r.value));
    out.set(
      row.code,
      values.length >= MIN_COOPERATIVES
        ? {
            q1: quantile(values, 0.25)!,
            median: quantile(values, 0.5)!,
            q3: quantile(values, 0.75)!,
            cooperatives: values.length,
          }
        : null,
    );
  });
  return out;
}

export type ReportScope = 'cooperative' | 'network';
export type ReportKind = 'impact' | 'fse';

export interface ReportRow extends IndicatorRow {
  quartiles: Quartiles | null;
  /** Last year's figure (null when unknown or suppressed). */
  previous: number | string | null;
  trend: string;
}

export interface EsfSummary {
  entrants: number | null;
  entrantsBySex: { label: string; people: number | null }[];
  exits: number | null;
  exitsByOutcome: { label: string; people: number | null }[];
}

export interface SroiSummary {
  name: string;
  /** The cooperative that saved it. */
  cooperative: string;
  presentValue: string;
  ratio: string;
  /** Sensitivity range: the lowest pessimistic and highest optimistic ratio (null if the form no longer computes). */
  ratioLow: string | null;
  ratioHigh: string | null;
}

export interface ImpactReport {
  year: number;
  scope: ReportScope;
  scopeName: string;
  cooperatives: number;
  computedAt: string;
  rows: ReportRow[];
  esf: EsfSummary;
  sroi: SroiSummary[];
}

const fr1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1, signDisplay: 'always' });

/** « +4,2 points depuis 2024 », « −120 € depuis 2024 », « stable depuis 2024 », or why not. */
export function trendText(
  now: Pick<IndicatorRow, 'value' | 'unit' | 'suppressed'>,
  before: number | string | null,
  year: number,
): string {
  if (now.suppressed || now.value === null || before === null) return `pas de comparaison possible avec ${year - 1}`;
  const d = Math.round((Number(now.value) - Number(before)) * 10) / 10;
  if (d === 0) return `stable depuis ${year - 1}`;
  const unit = now.unit === '%' ? (Math.abs(d) >= 2 ? 'points' : 'point') : now.unit;
  return `${fr1.format(d).replace('-', '−')} ${unit} depuis ${year - 1}`;
}

export function reportRows(
  rows: IndicatorRow[],
  quartiles: Map<string, Quartiles | null>,
  previousRows: IndicatorRow[],
  year: number,
): ReportRow[] {
  const prev = new Map(previousRows.map((r) => [r.code, r]));
  return rows.map((r) => {
    const p = prev.get(r.code);
    const previous = p && !p.suppressed ? p.value : null;
    return { ...r, quartiles: quartiles.get(r.code) ?? null, previous, trend: trendText(r, previous, year) };
  });
}

/** The ESF report's totals: entrants by sex, exits by outcome (suppressed cells stay null). */
export function esfSummary(r: EsfReport): EsfSummary {
  const age = r.tables.find((t) => t.id === 'sex_age')!;
  const exit = r.tables.find((t) => t.id === 'sex_exit')!;
  return {
    entrants: age.table.total,
    entrantsBySex: age.rowLabels.map((label, i) => ({ label, people: age.table.rowTotals[i]! })),
    exits: exit.table.total,
    exitsByOutcome: exit.colLabels.map((label, j) => ({ label, people: exit.table.colTotals[j]! })),
  };
}

/** Hidden by secondary suppression (a margin that would give a small cell away). */
export const HIDDEN_TEXT = 'masqué (secret statistique)';

/** People counted, as published: under 5 (but not none) reads « moins de 5 personnes »; a count
 *  hidden by the table's suppression (null) reads « masqué ». */
export function peopleText(n: number | null): string {
  if (n === null) return HIDDEN_TEXT;
  if (n > 0 && n < MIN_PEOPLE) return SUPPRESSED_TEXT;
  return String(n);
}

export const intervalText = (r: Pick<IndicatorRow, 'low' | 'high' | 'unit'>) =>
  r.low === null || r.high === null ? '—' : `${numberText(r.low, r.unit)} – ${numberText(r.high, r.unit)}`;

export const previousText = (r: ReportRow) =>
  r.previous === null ? '—' : valueText({ value: r.previous, unit: r.unit, suppressed: false });

export const REPORT_COLUMNS = [
  'code',
  'indicateur',
  'valeur',
  'unite',
  'personnes',
  'intervalle_bas',
  'intervalle_haut',
  'reseau_q1',
  'reseau_mediane',
  'reseau_q3',
  'annee_precedente',
  'evolution',
] as const;

/** The rows as cells (numbers stay numbers; hidden figures read « moins de 5 personnes »). */
export function reportCells(r: ReportRow): (string | number)[] {
  const q = r.quartiles;
  const round = (v: number) => Math.round(v * 100) / 100;
  const value = r.notApplicable
    ? NOT_APPLICABLE_TEXT
    : r.suppressed || r.value === null
      ? SUPPRESSED_TEXT
      : r.unit === '€'
        ? Number(r.value)
        : r.value;
  return [
    r.code,
    r.label,
    value,
    r.unit,
    r.suppressed && r.n > 0 && r.n < MIN_PEOPLE ? SUPPRESSED_TEXT : r.n,
    r.low ?? '',
    r.high ?? '',
    q ? round(q.q1) : '',
    q ? round(q.median) : '',
    q ? round(q.q3) : '',
    r.previous === null ? '' : r.unit === '€' ? Number(r.previous) : r.previous,
    r.trend,
  ];
}

/** A saved SROI scenario as a report line: code « SROI », its name (and cooperative), the ratio,
 *  unit « : 1 », and the sensitivity range in the interval columns. */
export function sroiCells(x: SroiSummary, scope: ReportScope): (string | number)[] {
  const name = scope === 'network' ? `${x.name} (${x.cooperative})` : x.name;
  return [
    'SROI',
    name,
    Number(x.ratio),
    ': 1',
    '',
    x.ratioLow === null ? '' : Number(x.ratioLow),
    x.ratioHigh === null ? '' : Number(x.ratioHigh),
    '',
    '',
    '',
    '',
    `valeur actuelle ${x.presentValue} €`,
  ];
}

export function reportCsv(r: ImpactReport, record: (cells: (string | number)[]) => string): string {
  return `${[
    REPORT_COLUMNS.join(','),
    ...r.rows.map((x) => record(reportCells(x))),
    ...r.sroi.map((x) => record(sroiCells(x, r.scope))),
  ].join('\n')}\n`;
}

export async function reportWorkbook(r: ImpactReport): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Radieuse';
  const ws = wb.addWorksheet('Indicateurs');
  ws.addRow([`Rapport d’impact ${r.year} — ${r.scopeName}`]).font = { bold: true };
  ws.addRow([...REPORT_COLUMNS]).font = { bold: true };
  for (const x of r.rows) ws.addRow(reportCells(x));
  ws.getColumn(2).width = 48;
  ws.getColumn(12).width = 36;
  const esf = wb.addWorksheet('Participants FSE');
  esf.addRow([`Participants ${r.year} (Fonds social européen)`]).font = { bold: true };
  esf.addRow(['Entrées dans l’année', peopleText(r.esf.entrants)]);
  for (const s of r.esf.entrantsBySex) esf.addRow([`  dont ${s.label}`, peopleText(s.people)]);
  esf.addRow(['Sorties dans l’année', peopleText(r.esf.exits)]);
  for (const s of r.esf.exitsByOutcome) esf.addRow([`  dont ${s.label}`, peopleText(s.people)]);
  esf.getColumn(1).width = 44;
  if (r.sroi.length) {
    const s = wb.addWorksheet('SROI');
    s.addRow([
      'Scénario',
      'Coopérative',
      'Valeur actuelle (€)',
      'Ratio',
      'Sensibilité : ratio bas',
      'ratio haut',
    ]).font = { bold: true };
    for (const x of r.sroi)
      s.addRow([
        x.name,
        x.cooperative,
        Number(x.presentValue),
        Number(x.ratio),
        x.ratioLow === null ? '' : Number(x.ratioLow),
        x.ratioHigh === null ? '' : Number(x.ratioHigh),
      ]);
    s.getColumn(1).width = 40;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
