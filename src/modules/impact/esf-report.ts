// The European Social Fund participants report (rapport FSE « participants »): the people who
// entered the support in the year (first step into CAPE or CESA) crossed by sex, age band at entry
// and status at entry, and the people who left it in the year by sex and outcome. Pure: journeys
// and statistical profiles in, suppressed tables out. Every table goes through suppressTable, so
// no published cell counts fewer than 5 people and none can be rebuilt from the margins.
import type { JourneyFact } from '../journeys/index.ts';
import type { StatisticalProfile } from '../directory/index.ts';
import { suppressTable, type SuppressedTable } from './kit/suppression.ts';

export interface EsfFacts {
  journeys: JourneyFact[];
  profiles: StatisticalProfile[];
}

export interface EsfTable {
  id: 'sex_age' | 'sex_status' | 'sex_exit';
  title: string;
  rowLabels: string[];
  colLabels: string[];
  /** The raw counts never leave the builder: only the suppressed table does. */
  table: SuppressedTable;
}

export interface EsfReport {
  year: number;
  tables: EsfTable[];
}

const IN_SUPPORT = new Set(['cape', 'cesa', 'associate']);

export const SEX_ROWS = ['Femmes', 'Hommes', 'Autre ou non renseigné'];
export const AGE_COLS = ['Moins de 25 ans', '25 à 54 ans', '55 ans et plus', 'Âge non renseigné'];
export const STATUS_COLS = ["Demandeur d'emploi ou RSA", 'En emploi', 'Inactif ou autre', 'Non renseigné'];
export const EXIT_COLS = [
  'Création de sa propre entreprise',
  'Emploi salarié',
  'Formation',
  'Arrêt du projet',
  'Autre ou non renseigné',
];

const sexRow = (g: StatisticalProfile['gender'] | undefined) => (g === 'F' ? 0 : g === 'M' ? 1 : 2);

/** ESF age bands (under 25, 25–54, 55 and over), at the year of entry. */
export function ageCol(birthYear: number | null | undefined, entryYear: number): number {
  if (!birthYear || birthYear > entryYear) return 3;
  const age = entryYear - birthYear;
  return age < 25 ? 0 : age < 55 ? 1 : 2;
}

export function statusCol(status: string | null | undefined): number {
  if (!status) return 3;
  if (status === 'demandeur_emploi' || status === 'rsa') return 0;
  if (status === 'salarie' || status === 'independant') return 1;
  return 2;
}

const EXIT_INDEX: Record<string, number> = { own_company: 0, salaried_job: 1, training: 2, stop: 3 };
const exitCol = (reason: string | null) => EXIT_INDEX[reason ?? ''] ?? 4;

const zeros = (r: number, c: number) => Array.from({ length: r }, () => Array<number>(c).fill(0));

/** The date a journey first stepped into the support (CAPE, CESA or associate), if it did. */
export function entryDate(t: JourneyFact['transitions']): string | null {
  return t.find((x) => IN_SUPPORT.has(x.to) && !IN_SUPPORT.has(x.from ?? ''))?.on ?? null;
}

/** Raw counts of the three tables (exported for the tests; pages and exports get suppressed ones). */
export function esfCounts(f: EsfFacts, year: number) {
  const profile = new Map(f.profiles.map((p) => [p.userId, p]));
  const sexAge = zeros(3, AGE_COLS.length);
  const sexStatus = zeros(3, STATUS_COLS.length);
  const sexExit = zeros(3, EXIT_COLS.length);
  const inYear = (d: string) => d >= `${year}-01-01` && d <= `${year}-12-31`;
  for (const j of f.journeys) {
    const p = j.userId ? profile.get(j.userId) : undefined;
    const row = sexRow(p?.gender);
    const entered = entryDate(j.transitions);
    if (entered && inYear(entered)) {
      sexAge[row]![ageCol(p?.birthYear, Number(entered.slice(0, 4)))]!++;
      sexStatus[row]![statusCol(p?.statusAtEntry)]!++;
    }
    const exit = j.transitions.find((x) => x.to === 'exit' && IN_SUPPORT.has(x.from ?? '') && inYear(x.on));
    if (exit) sexExit[row]![exitCol(exit.exitReason)]!++;
  }
  return { sexAge, sexStatus, sexExit };
}

/** Adds count tables cell by cell (the network pools people before suppressing). */
export function addCounts(a: ReturnType<typeof esfCounts>, b: ReturnType<typeof esfCounts>) {
  const add = (x: number[][], y: number[][]) => x.map((row, r) => row.map((v, c) => v + y[r]![c]!));
  return {
    sexAge: add(a.sexAge, b.sexAge),
    sexStatus: add(a.sexStatus, b.sexStatus),
    sexExit: add(a.sexExit, b.sexExit),
  };
}

export function esfReport(counts: ReturnType<typeof esfCounts>, year: number): EsfReport {
  return {
    year,
    tables: [
      {
        id: 'sex_age',
        title: "Participants entrés dans l'année, par sexe et âge à l'entrée",
        rowLabels: SEX_ROWS,
        colLabels: AGE_COLS,
        table: suppressTable(counts.sexAge),
      },
      {
        id: 'sex_status',
        title: "Participants entrés dans l'année, par sexe et situation à l'entrée",
        rowLabels: SEX_ROWS,
        colLabels: STATUS_COLS,
        table: suppressTable(counts.sexStatus),
      },
      {
        id: 'sex_exit',
        title: "Sorties de l'accompagnement dans l'année, par sexe et situation à la sortie",
        rowLabels: SEX_ROWS,
        colLabels: EXIT_COLS,
        table: suppressTable(counts.sexExit),
      },
    ],
  };
}

/** Long format for CSV and XLSX: one row per published cell, totals included; a hidden cell has
 *  no value and says why. */
export function esfRows(r: EsfReport): { table: string; row: string; column: string; value: number | null }[] {
  const out: { table: string; row: string; column: string; value: number | null }[] = [];
  for (const t of r.tables) {
    t.rowLabels.forEach((row, i) => {
      t.colLabels.forEach((col, j) => {
        out.push({ table: t.title, row, column: col, value: t.table.cells[i]![j]! });
      });
      out.push({ table: t.title, row, column: 'Total', value: t.table.rowTotals[i]! });
    });
    t.colLabels.forEach((col, j) => {
      out.push({ table: t.title, row: 'Total', column: col, value: t.table.colTotals[j]! });
    });
    out.push({ table: t.title, row: 'Total', column: 'Total', value: t.table.total });
  }
  return out;
}

export const ESF_CSV_HEADER = 'tableau,ligne,colonne,personnes';
export const HIDDEN_TEXT = 'moins de 5 personnes (masqué)';

/** CSV (comma-separated, UTF-8, integers): a hidden cell reads « moins de 5 personnes (masqué) ». */
export function esfCsv(r: EsfReport, record: (cells: (string | number)[]) => string): string {
  const lines = [ESF_CSV_HEADER];
  for (const x of esfRows(r)) lines.push(record([x.table, x.row, x.column, x.value ?? HIDDEN_TEXT]));
  return `${lines.join('\n')}\n`;
}

/** XLSX: one sheet per table, laid out as on the page (numbers as numbers, hidden cells as text). */
export async function esfWorkbook(r: EsfReport, scopeName: string): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Radieuse';
  const sheetNames = { sex_age: 'Sexe et âge', sex_status: 'Sexe et situation', sex_exit: 'Sorties' };
  for (const t of r.tables) {
    const ws = wb.addWorksheet(sheetNames[t.id]);
    ws.addRow([`${t.title} — ${scopeName}, ${r.year}`]).font = { bold: true };
    ws.addRow(['', ...t.colLabels, 'Total']).font = { bold: true };
    const cell = (v: number | null) => v ?? HIDDEN_TEXT;
    t.rowLabels.forEach((label, i) => {
      ws.addRow([label, ...t.table.cells[i]!.map(cell), cell(t.table.rowTotals[i]!)]);
    });
    ws.addRow(['Total', ...t.table.colTotals.map(cell), cell(t.table.total)]).font = { bold: true };
    ws.getColumn(1).width = 26;
    for (let c = 2; c <= t.colLabels.length + 2; c++) ws.getColumn(c).width = 18;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
