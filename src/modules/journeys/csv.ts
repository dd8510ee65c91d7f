// CSV exports for spreadsheets, written by csv-stringify: French conventions (« ; » separator,
// decimal comma, BOM so that Excel reads UTF-8) and no formula injection (a cell starting with
// =, +, -, @, a tab or a carriage return is read as text).
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | null;
const FORMULA_START = /^[=+\-@\t\r]/;

const cellText = (v: CsvCell): string =>
  v === null ? '' : typeof v === 'number' ? String(v).replace('.', ',') : FORMULA_START.test(v) ? `'${v}` : v;

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return stringify(
    [header, ...rows].map((r) => r.map(cellText)),
    {
      delimiter: ';',
      bom: true,
      record_delimiter: 'windows',
    },
  );
}
