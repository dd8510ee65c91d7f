// CSV cells for every export (accounting reports, `radieuse … --format csv`): quoting through
// csv-stringify, and spreadsheet formulas neutralised — a text cell starting with = + - @, a tab
// or a carriage return gets a leading apostrophe, so a customer named "=HYPERLINK(…)" is shown
// as text by Excel or LibreOffice instead of being run (CSV injection, OWASP). Plain numbers
// ("-12.50", "-3,20") are left alone: a negative amount is not a formula.
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/** The cell as text, with a leading apostrophe when a spreadsheet would read it as a formula. */
export function neutralizeFormula(v: CsvCell): string {
  const s = v == null ? '' : String(v);
  if (typeof v === 'number' || PLAIN_NUMBER.test(s)) return s;
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** One CSV record (no line ending), cells neutralised then quoted as needed. */
export function csvRecord(cells: CsvCell[], delimiter = ','): string {
  return stringify([cells.map(neutralizeFormula)], { delimiter, record_delimiter: '\n', eof: false });
}
